package gitrepo

import (
	"container/heap"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/go-git/go-git/v5/plumbing"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
)

// FileChange is one file's change in a commit, against the commit's first
// parent. Status is 'A' (added), 'M' (modified: content, executable bit, or
// kind of entry — Git's 'T' type changes are reported as 'M'), 'D' (deleted)
// or 'R' (renamed, only with HistoryOptions.Renames).
type FileChange struct {
	Status  byte
	Path    string // new path (or the deleted path for D)
	OldPath string // for R the old path; for A, M and D equal to Path
	OldBlob string // blob hash before ("" for A)
	NewBlob string // blob hash after ("" for D)
}

// Kinds of commit signature, for HistoryCommit.Signature.
const (
	SignatureGPG   = "gpg"   // -----BEGIN PGP SIGNATURE-----
	SignatureSSH   = "ssh"   // -----BEGIN SSH SIGNATURE-----
	SignatureX509  = "x509"  // -----BEGIN SIGNED MESSAGE----- (gpgsm)
	SignatureOther = "other" // a signature header of any other form
)

// HistoryCommit is a commit as History reports it.
type HistoryCommit struct {
	Hash      string
	Parents   []string
	Author    Signature
	Committer Signature
	Message   string // the whole message, as stored
	Subject   string // its first line
	// PR is the pull-request number taken from the subject ("Merge pull
	// request #N from ..." or a subject ending in "(#N)"); 0 if none.
	PR int
	// Signature is the kind of signature the commit carries: "" (unsigned),
	// SignatureGPG, SignatureSSH, SignatureX509 or SignatureOther. It is
	// verified only when HistoryOptions.Verify is set.
	Signature string
	// Check is HistoryOptions.Verify's verdict on the signature; nil when
	// the commit is unsigned or nothing was verified.
	Check *SignatureCheck
	// Changes against the first parent (a root commit: against the empty
	// tree), sorted by Path.
	Changes []FileChange
}

// SignatureCheck is a verdict on a commit's signature.
type SignatureCheck struct {
	Status string // as the verifier says: verified, bad, unknown-key, unchecked
	Signer string // who signed, when the key is known
	Reason string // why it is not verified
}

// SignaturePayload splits a raw commit object into what its signature
// signs (the object without the gpgsig headers, as git verify-commit
// reads it) and the signature; ok is false for an unsigned commit.
func SignaturePayload(raw string) (payload, signature string, ok bool) {
	var p, sig strings.Builder
	rest := raw
	inSig, inOther := false, false
	for rest != "" {
		line, after, found := strings.Cut(rest, "\n")
		if line == "" {
			break // the message follows
		}
		rest = after
		nl := "\n"
		if !found {
			nl = ""
		}
		if strings.HasPrefix(line, " ") {
			switch {
			case inSig:
				sig.WriteString(line[1:] + "\n")
			case !inOther:
				p.WriteString(line + nl)
			}
			continue
		}
		inSig, inOther = false, false
		key, val, _ := strings.Cut(line, " ")
		switch {
		case key == "gpgsig" && !ok:
			inSig, ok = true, true
			sig.WriteString(val + "\n")
		case key == "gpgsig" || key == "gpgsig-sha256":
			inOther = true
		default:
			p.WriteString(line + nl)
		}
	}
	if !ok {
		return "", "", false
	}
	return p.String() + rest, sig.String(), true
}

// HistoryOptions selects what History walks and reports.
type HistoryOptions struct {
	// Rev is where to start; "" means HEAD.
	Rev string
	// AllCommits walks every commit reachable from Rev, newest first in
	// Git's default order (by committer date; a commit is queued when its
	// first child is visited, and commits of equal date come out in the order
	// they were queued), instead of the first-parent line only. Merges are
	// diffed against their first parent, like `git log -m
	// --diff-merges=first-parent`.
	AllCommits bool
	// Match selects the paths to report (relative to Sub); nil reports all.
	// It is applied before rename detection, as a Git pathspec is: a rename
	// from a path that does not match into one that does shows as 'A'.
	Match func(path string) bool
	// Since and Until bound the committer time (zero: open). A commit newer
	// than Until is skipped and the walk goes on; a commit older than Since is
	// skipped and its parents are not walked (so the first-parent walk stops
	// there), as `git log --since --until` does.
	Since, Until time.Time
	// Renames detects renames as `git log -M` does (exact renames, then
	// renames with edits at Git's default 50% similarity); see renames.go.
	Renames bool
	// Sub limits the report to paths under this folder, reported relative
	// to it ("" or "." = the repository's top).
	Sub string
	// Verify, when set, judges each signed commit's signature, given the
	// payload and signature SignaturePayload returns and the commit time.
	Verify func(payload, signature string, when time.Time) SignatureCheck
	// Cache reads and keeps the first-parent line's changes in the history
	// cache under the Git folder (see histcache.go): a walk over commits
	// walked before reads no trees. Ignored with AllCommits. A cache that
	// fails verification is ignored and rewritten; one that cannot be
	// written (a read-only repository) is not an error: see CacheError.
	Cache bool
	// CacheError, when set, is told why the cache could not be used or
	// written.
	CacheError func(error)
}

// ErrStop, returned by History's callback, ends the walk; History then
// returns nil.
var ErrStop = errors.New("stop")

// ErrShallow is returned by History (after every commit that could be
// walked was reported) and by CommitAt when the walk reaches a commit whose
// parents are not in this shallow clone. That commit is not reported: its
// changes cannot be known. Test for it with errors.As(err, &ErrShallow{}).
type ErrShallow struct {
	Commit string
}

func (e ErrShallow) Error() string {
	return fmt.Sprintf("the history is cut at commit %s: this is a shallow clone and the commit's parents were not fetched (run `git fetch --unshallow`)", e.Commit)
}

// History walks commits newest first and calls fn for each that has a
// change to report. With neither Match nor Sub set, every commit is reported,
// also one with no change (an empty commit, or a merge that changed nothing
// against its first parent); with either set, commits without a matching
// change are skipped. fn may return ErrStop to end the walk early; any other
// error ends it and is returned.
//
// On the first-parent line (the default) the result is that of `git log
// --first-parent -m --name-status --no-renames` (with Renames: `-M` instead
// of `--no-renames`).
func (r *Repo) History(opts HistoryOptions, fn func(*HistoryCommit) error) error {
	start, err := r.resolveHash(opts.Rev)
	if err != nil {
		return err
	}
	s, err := r.openStore()
	if err != nil {
		return err
	}
	defer s.close()
	outer := r.walking
	r.walking = s
	defer func() { r.walking = outer }()
	w := &historyWalk{store: s, opts: opts, fn: fn, sub: cleanSub(opts.Sub)}
	w.filtered = opts.Match != nil || w.sub != ""
	switch {
	case opts.AllCommits:
		err = w.all(start)
	case opts.Cache && r.cacheDir() != "":
		err = w.firstParentCached(start, r.cacheDir())
	default:
		err = w.firstParent(start)
	}
	if errors.Is(err, ErrStop) {
		return nil
	}
	var missing *MissingObjectError
	if errors.As(err, &missing) && missing.Where == "" && missing.Hash == start.String() {
		rev := opts.Rev
		if rev == "" {
			rev = "HEAD"
		}
		missing.Where = "named by " + rev
	}
	return err
}

func cleanSub(sub string) string {
	if sub == "" {
		return ""
	}
	sub = path.Clean(strings.ReplaceAll(sub, "\\", "/"))
	if sub == "." || sub == "/" {
		return ""
	}
	return strings.TrimPrefix(sub, "/")
}

type historyWalk struct {
	store    *objectStore
	opts     HistoryOptions
	fn       func(*HistoryCommit) error
	sub      string
	filtered bool
	differ   differ
	selected []change // reportWhole's buffer
}

func (w *historyWalk) tooOld(c *rawCommit) bool {
	return !w.opts.Since.IsZero() && time.Unix(c.time, 0).Before(w.opts.Since)
}

func (w *historyWalk) tooNew(c *rawCommit) bool {
	return !w.opts.Until.IsZero() && time.Unix(c.time, 0).After(w.opts.Until)
}

func (w *historyWalk) cut(c *rawCommit) bool {
	return len(c.parents) > 0 && w.store.shallow[c.hash]
}

func (w *historyWalk) firstParent(start plumbing.Hash) error {
	c, err := w.store.commit(start, "", plumbing.ZeroHash)
	if err != nil {
		return err
	}
	for c != nil {
		if w.tooOld(c) {
			return nil
		}
		if w.cut(c) {
			return ErrShallow{Commit: c.hash.String()}
		}
		var parent *rawCommit
		parentTree := plumbing.ZeroHash
		if len(c.parents) > 0 {
			if parent, err = w.store.commit(c.parents[0], "first parent", c.hash); err != nil {
				return err
			}
			parentTree = parent.tree
		}
		if !w.tooNew(c) {
			if err := w.visit(c, parentTree); err != nil {
				return err
			}
		}
		c = parent
	}
	return nil
}

// commitQueue orders commits as Git's default walk does: newest committer
// date first, and among equal dates the one queued first.
type commitQueue []queued

type queued struct {
	c   *rawCommit
	seq int
}

func (q commitQueue) Len() int { return len(q) }
func (q commitQueue) Less(i, j int) bool {
	if q[i].c.time != q[j].c.time {
		return q[i].c.time > q[j].c.time
	}
	return q[i].seq < q[j].seq
}
func (q commitQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *commitQueue) Push(x any)   { *q = append(*q, x.(queued)) }
func (q *commitQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

func (w *historyWalk) all(start plumbing.Hash) error {
	c, err := w.store.commit(start, "", plumbing.ZeroHash)
	if err != nil {
		return err
	}
	treeOf := map[plumbing.Hash]plumbing.Hash{start: c.tree}
	q := &commitQueue{{c: c}}
	seq := 1
	var shallow error
	for q.Len() > 0 {
		c := heap.Pop(q).(queued).c
		if w.tooOld(c) {
			continue
		}
		if w.cut(c) {
			if shallow == nil {
				shallow = ErrShallow{Commit: c.hash.String()}
			}
			continue
		}
		for i, p := range c.parents {
			if _, seen := treeOf[p]; seen {
				continue
			}
			which := "parent"
			if i == 0 {
				which = "first parent"
			}
			pc, err := w.store.commit(p, which, c.hash)
			if err != nil {
				return err
			}
			treeOf[p] = pc.tree
			heap.Push(q, queued{c: pc, seq: seq})
			seq++
		}
		if w.tooNew(c) {
			continue
		}
		parentTree := plumbing.ZeroHash
		if len(c.parents) > 0 {
			parentTree = treeOf[c.parents[0]]
		}
		if err := w.visit(c, parentTree); err != nil {
			return err
		}
	}
	return shallow
}

// visit diffs commit c against parentTree and reports it.
func (w *historyWalk) visit(c *rawCommit, parentTree plumbing.Hash) error {
	newTree := c.tree
	if w.sub != "" {
		var err error
		if parentTree, err = w.subTree(parentTree, c); err != nil {
			return err
		}
		if newTree, err = w.subTree(newTree, c); err != nil {
			return err
		}
	}
	d := &w.differ
	d.store, d.match, d.commit, d.out = w.store, w.opts.Match, c.hash, d.out[:0]
	if err := d.diff(parentTree, newTree, ""); err != nil {
		return err
	}
	return w.report(c, d.out)
}

// report reports commit c with changes (already selected by Sub and Match).
func (w *historyWalk) report(c *rawCommit, changes []change) error {
	if w.filtered && len(changes) == 0 {
		return nil
	}
	if w.opts.Renames {
		var err error
		if changes, err = w.store.detectRenames(changes); err != nil {
			return err
		}
	}
	hc, err := parseHistoryCommit(c)
	if err != nil {
		return err
	}
	if w.opts.Verify != nil && hc.Signature != "" {
		if payload, sig, ok := SignaturePayload(c.raw); ok {
			check := w.opts.Verify(payload, sig, hc.Committer.When)
			hc.Check = &check
		}
	}
	hc.Changes = make([]FileChange, len(changes))
	// The blob hashes of all the changes, in hex, share one allocation.
	hexes := make([]byte, 0, 80*len(changes))
	for i := range changes {
		ch := &changes[i]
		if ch.status != 'A' {
			hexes = hex.AppendEncode(hexes, ch.oldHash[:])
		}
		if ch.status != 'D' {
			hexes = hex.AppendEncode(hexes, ch.newHash[:])
		}
	}
	all := unsafe.String(unsafe.SliceData(hexes), len(hexes))
	for i := range changes {
		ch := &changes[i]
		fc := FileChange{Status: ch.status, Path: ch.path, OldPath: ch.oldPath}
		if ch.status != 'A' {
			fc.OldBlob, all = all[:40], all[40:]
		}
		if ch.status != 'D' {
			fc.NewBlob, all = all[:40], all[40:]
		}
		hc.Changes[i] = fc
	}
	return w.fn(hc)
}

// reportWhole reports commit c given its changes over the whole tree: it
// applies Sub and Match first, as a walk without the cache does while it
// diffs.
func (w *historyWalk) reportWhole(c *rawCommit, all []change) error {
	if !w.filtered {
		return w.report(c, all)
	}
	sel := w.selected[:0]
	for _, ch := range all {
		p := ch.path
		if w.sub != "" {
			rest, ok := strings.CutPrefix(p, w.sub+"/")
			if !ok {
				continue
			}
			p = rest
		}
		if w.opts.Match != nil && !w.opts.Match(p) {
			continue
		}
		ch.path, ch.oldPath = p, p
		sel = append(sel, ch)
	}
	w.selected = sel
	return w.report(c, sel)
}

// firstParentCached is firstParent through the history cache in dir: it
// diffs the commits the cache does not hold, newest first, until it reaches
// one it does, reports the rest from the cache, and saves the new commits
// to it when the walk connected to the cache or to a root commit.
func (w *historyWalk) firstParentCached(start plumbing.Hash, dir string) error {
	cache, err := loadHistoryCache(dir, w.store.limits.Cache)
	if err == nil && cache != nil {
		if verr := cache.verify(w.store); verr != nil {
			err = fmt.Errorf("history cache %s/%s: %w", dir, historyCacheFile, verr)
		}
	}
	if err != nil {
		w.cacheError(err)
		cache = nil
	}
	var fresh [][]byte
	save := func(keep int) {
		if len(fresh) == 0 {
			return
		}
		if err := saveHistoryCache(dir, cache, keep, fresh, w.store.limits.Cache); err != nil {
			w.cacheError(fmt.Errorf("save the history cache: %w", err))
		}
	}
	h := start
	var child plumbing.Hash
	d := &w.differ
	for {
		if i, ok := cache.find(h); ok {
			save(i + 1)
			return w.fromCache(cache, i)
		}
		c, err := w.store.commit(h, "first parent", child)
		if err != nil {
			return err
		}
		if w.tooOld(c) {
			return nil
		}
		if w.cut(c) {
			return ErrShallow{Commit: c.hash.String()}
		}
		parentTree := plumbing.ZeroHash
		if len(c.parents) > 0 {
			p, err := w.store.commit(c.parents[0], "first parent", c.hash)
			if err != nil {
				return err
			}
			parentTree = p.tree
		}
		d.store, d.match, d.commit, d.out = w.store, nil, c.hash, d.out[:0]
		if err := d.diff(parentTree, c.tree, ""); err != nil {
			return err
		}
		fresh = append(fresh, appendRecord(nil, c, d.out))
		if !w.tooNew(c) {
			if err := w.reportWhole(c, d.out); err != nil {
				return err
			}
		}
		if len(c.parents) == 0 {
			save(0)
			return nil
		}
		child, h = c.hash, c.parents[0]
	}
}

// fromCache reports cached commits from record i down to the root.
func (w *historyWalk) fromCache(cache *historyCache, i int) error {
	var buf []change
	for ; i >= 0; i-- {
		c, all, err := cache.record(i, buf[:0])
		if err != nil {
			return err
		}
		buf = all
		if w.tooOld(c) {
			return nil
		}
		if w.cut(c) {
			return ErrShallow{Commit: c.hash.String()}
		}
		if w.tooNew(c) {
			continue
		}
		if err := w.reportWhole(c, all); err != nil {
			return err
		}
	}
	return nil
}

func (w *historyWalk) cacheError(err error) {
	if w.opts.CacheError != nil {
		w.opts.CacheError(err)
	}
}

// subTree returns the hash of folder w.sub in the tree root, or the zero hash
// (the empty tree) where it does not exist or is not a folder.
func (w *historyWalk) subTree(root plumbing.Hash, c *rawCommit) (plumbing.Hash, error) {
	h := root
	rest := w.sub
	for !h.IsZero() {
		name, more, _ := strings.Cut(rest, "/")
		t, err := w.store.tree(h)
		if err != nil {
			var missing *MissingObjectError
			if errors.As(err, &missing) {
				missing.Where = "a tree on the way to " + w.sub + " in commit " + c.hash.String() + " or its first parent"
			}
			return plumbing.ZeroHash, err
		}
		e, ok := t.find(name)
		if !ok || !e.isDir() {
			return plumbing.ZeroHash, nil
		}
		h = e.hash
		if more == "" {
			return h, nil
		}
		rest = more
	}
	return plumbing.ZeroHash, nil
}

// parseHistoryCommit decodes the parts of a commit that History reports.
func parseHistoryCommit(c *rawCommit) (*HistoryCommit, error) {
	// The commit's and its parents' hashes, in hex, share one allocation.
	hexes := hex.AppendEncode(make([]byte, 0, 40*(1+len(c.parents))), c.hash[:])
	for _, p := range c.parents {
		hexes = hex.AppendEncode(hexes, p[:])
	}
	all := unsafe.String(unsafe.SliceData(hexes), len(hexes))
	hc := &HistoryCommit{Hash: all[:40], Parents: make([]string, len(c.parents))}
	for i := range c.parents {
		hc.Parents[i] = all[40*(i+1) : 40*(i+2)]
	}
	raw := c.raw
	inSig := false
	encoding := ""
	for raw != "" {
		line, rest, _ := strings.Cut(raw, "\n")
		raw = rest
		if line == "" {
			break
		}
		if strings.HasPrefix(line, " ") {
			if inSig && hc.Signature == SignatureOther {
				hc.Signature = signatureKind(line[1:])
			}
			continue
		}
		key, val, _ := strings.Cut(line, " ")
		inSig = false
		switch key {
		case "author":
			hc.Author = decodeSignature(val)
		case "committer":
			hc.Committer = decodeSignature(val)
		case "gpgsig", "gpgsig-sha256":
			if hc.Signature == "" {
				inSig = true
				hc.Signature = signatureKind(val)
			}
		case "encoding":
			encoding = val
		}
	}
	hc.Message = raw
	if encoding != "" {
		// As git log shows it: the message and names re-encoded from the
		// commit's encoding to UTF-8.
		hc.Message = toUTF8(encoding, hc.Message)
		hc.Author.Name = toUTF8(encoding, hc.Author.Name)
		hc.Committer.Name = toUTF8(encoding, hc.Committer.Name)
	}
	hc.Subject, _, _ = strings.Cut(hc.Message, "\n")
	hc.PR = ParsePR(hc.Subject)
	return hc, nil
}

// toUTF8 decodes s from the named encoding (the commit's "encoding"
// header, an IANA or WHATWG name such as ISO-8859-1); s is kept as it is
// when the encoding is UTF-8, unknown, or the text does not decode.
func toUTF8(name, s string) string {
	if n := strings.ToLower(name); n == "utf-8" || n == "utf8" {
		return s
	}
	enc, err := ianaindex.IANA.Encoding(name)
	if err != nil || enc == nil {
		if enc, err = htmlindex.Get(name); err != nil {
			return s
		}
	}
	out, err := enc.NewDecoder().String(s)
	if err != nil {
		return s
	}
	return out
}

// signatureKind tells the kind of a signature from its first line.
func signatureKind(first string) string {
	switch strings.TrimSpace(first) {
	case "-----BEGIN PGP SIGNATURE-----":
		return SignatureGPG
	case "-----BEGIN SSH SIGNATURE-----":
		return SignatureSSH
	case "-----BEGIN SIGNED MESSAGE-----":
		return SignatureX509
	}
	return SignatureOther
}

// decodeSignature reads "Name <email> 1700000000 +0100" as go-git's
// object.Signature.Decode does (the tests hold the two equal), without its
// allocations: time zones are shared between commits.
func decodeSignature(s string) Signature {
	var sig Signature
	open := strings.LastIndexByte(s, '<')
	end := strings.LastIndexByte(s, '>')
	if open < 0 || end < 0 || end < open {
		return sig
	}
	sig.Name = strings.Trim(s[:open], " ")
	sig.Email = s[open+1 : end]
	if end+2 >= len(s) {
		return sig
	}
	b := s[end+2:]
	space := strings.IndexByte(b, ' ')
	if space < 0 {
		space = len(b)
	}
	ts, err := strconv.ParseInt(b[:space], 10, 64)
	if err != nil {
		return sig
	}
	when := time.Unix(ts, 0).In(time.UTC)
	if y := when.Year(); y < 0 || y > 9999 {
		// RFC 3339 has four-digit years: a date outside them is unknown,
		// reported as the zero time, never a malformed one.
		return sig
	}
	sig.When = when
	tzStart := space + 1
	if tzStart+5 > len(b) {
		return sig
	}
	tz := b[tzStart : tzStart+5]
	hours, err1 := strconv.ParseInt(tz[:3], 10, 64)
	mins, err2 := strconv.ParseInt(tz[3:], 10, 64)
	if err1 != nil || err2 != nil {
		return sig
	}
	if hours < 0 || strings.HasPrefix(tz, "-") {
		mins = -mins
	}
	if hours <= -24 || hours >= 24 || mins <= -60 || mins >= 60 {
		// An offset RFC 3339 cannot write (git accepts +9999): the
		// instant is kept, in UTC.
		return sig
	}
	sig.When = sig.When.In(fixedZone(int(hours*3600 + mins*60)))
	return sig
}

var (
	zonesMu sync.Mutex
	zones   = map[int]*time.Location{}
)

// fixedZone returns a shared unnamed zone offset seconds east of UTC.
func fixedZone(offset int) *time.Location {
	zonesMu.Lock()
	defer zonesMu.Unlock()
	z, ok := zones[offset]
	if !ok {
		z = time.FixedZone("", offset)
		zones[offset] = z
	}
	return z
}

// ParsePR returns the pull-request number of a commit subject: N from "Merge
// pull request #N from ..." or from a subject ending in "(#N)"; 0 if none.
func ParsePR(subject string) int {
	subject = strings.TrimSpace(subject)
	if rest, ok := strings.CutPrefix(subject, "Merge pull request #"); ok {
		num, tail, _ := strings.Cut(rest, " ")
		if n := prNumber(num); n > 0 && (tail == "" || strings.HasPrefix(tail, "from ")) {
			return n
		}
	}
	if rest, ok := strings.CutSuffix(subject, ")"); ok {
		if i := strings.LastIndex(rest, "(#"); i >= 0 {
			return prNumber(rest[i+2:])
		}
	}
	return 0
}

func prNumber(s string) int {
	if s == "" || len(s) > 9 {
		return 0
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0
		}
	}
	n, _ := strconv.Atoi(s)
	return n
}

// resolveHash resolves a revision ("" = HEAD) to a commit hash.
func (r *Repo) resolveHash(rev string) (plumbing.Hash, error) {
	if rev == "" {
		rev = "HEAD"
	}
	// A plain reference resolves without reading objects (go-git's
	// ResolveRevision reads the commit, and with it builds the index of a
	// whole pack); History reads the commit itself and reports one that is
	// missing.
	if rev == "HEAD" || strings.HasPrefix(rev, "refs/heads/") {
		if ref, err := r.repo.Reference(plumbing.ReferenceName(rev), true); err == nil && ref.Type() == plumbing.HashReference {
			return ref.Hash(), nil
		}
	}
	// Everything else is read as git reads it (revision.go).
	h, err := r.resolveRev(rev)
	if err == nil {
		return h, nil
	}
	var re *RevisionError
	if errors.Is(err, ErrTooLarge) && !errors.As(err, &re) {
		return plumbing.ZeroHash, fmt.Errorf("revision %q: %w", rev, err)
	}
	if _, herr := r.repo.Head(); errors.Is(herr, plumbing.ErrReferenceNotFound) && errors.As(err, &re) {
		return plumbing.ZeroHash, fmt.Errorf("revision %q: the repository at %s has no commits yet", rev, r.root)
	}
	return plumbing.ZeroHash, err
}

// Blob returns a blob's content by hash, refusing one over the
// repository's blob limit with a *TooLargeError before inflating it.
// Called from History's callback it reads through the walk's own object
// reader.
func (r *Repo) Blob(hash string) ([]byte, error) {
	h, err := parseHash(hash)
	if err != nil {
		return nil, fmt.Errorf("blob %q: %w", hash, err)
	}
	if r.walking != nil {
		return r.blob(r.walking, h)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	s, err := r.sharedStoreLocked()
	if err != nil {
		return nil, err
	}
	return r.blob(s, h)
}

// CommitAt returns the last commit on the first-parent line of rev ("" =
// HEAD) whose committer time is not after t, for `show --at DATE`. It is an
// error if every commit on the line is newer than t, and ErrShallow if the
// line is cut by a shallow clone before such a commit is found.
func (r *Repo) CommitAt(rev string, t time.Time) (*Commit, error) {
	start, err := r.resolveHash(rev)
	if err != nil {
		return nil, err
	}
	s, err := r.openStore()
	if err != nil {
		return nil, err
	}
	defer s.close()
	c, err := s.commit(start, "", plumbing.ZeroHash)
	if err != nil {
		return nil, err
	}
	for time.Unix(c.time, 0).After(t) {
		if len(c.parents) == 0 {
			if rev == "" {
				rev = "HEAD"
			}
			return nil, fmt.Errorf("no commit on the first-parent line of %s is at or before %s: the first one is from %s", rev, t.Format(time.RFC3339), time.Unix(c.time, 0).In(t.Location()).Format(time.RFC3339))
		}
		if s.shallow[c.hash] {
			return nil, ErrShallow{Commit: c.hash.String()}
		}
		if c, err = s.commit(c.parents[0], "first parent", c.hash); err != nil {
			return nil, err
		}
	}
	obj, err := r.repo.CommitObject(c.hash)
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", c.hash, err)
	}
	subject, _, _ := strings.Cut(obj.Message, "\n")
	return &Commit{Hash: obj.Hash.String(), Subject: subject, When: obj.Committer.When, commit: obj}, nil
}
