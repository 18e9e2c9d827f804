package gitrepo

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Revisions are read as git reads them (gitrevisions(7)), for the forms
// that name one commit:
//
//   - a full object name (40 hex digits);
//   - a reference, disambiguated in git's order: $GIT_DIR/<name> (HEAD,
//     FETCH_HEAD, ... and names under refs/), refs/<name>,
//     refs/tags/<name>, refs/heads/<name>, refs/remotes/<name>,
//     refs/remotes/<name>/HEAD — before a hex prefix is taken as an
//     object name, so a tag named 2026 is the tag;
//   - `git describe` output (…-g<hex>) and a unique hex prefix of at least
//     4 digits; an ambiguous one is refused with its candidates;
//   - `@` for HEAD; `<ref>@{n}`, `@{n}`, `<ref>@{date}` from the reflog;
//     `@{-n}`, the n-th branch checked out before; `<branch>@{u}` /
//     `@{upstream}` from the branch's remote and merge configuration;
//   - the suffixes `~n`, `^n` (any parent), `^0`, `^{commit}`, `^{}`,
//     `^{object}`, `^{tag}`.
//
// Everything else (ranges, `REV:PATH`, `:/text`, `^{/text}`, `@{push}`,
// relative dates) is refused with an error that names what is not
// supported; a revision is never read as a different commit.

// RevisionError is a revision that names no commit: malformed, unknown,
// ambiguous or of a form smsctl does not read.
type RevisionError struct {
	Rev string
	Why string
}

func (e *RevisionError) Error() string {
	if strings.HasPrefix(e.Why, "does not exist") {
		return fmt.Sprintf("revision %q %s", e.Rev, e.Why)
	}
	return fmt.Sprintf("revision %q: %s", e.Rev, e.Why)
}

// maxReflogSize bounds a reflog file read for @{n} and @{date}.
const maxReflogSize = 64 << 20

// maxPeel bounds chains of tags and of ~n/^n steps.
const maxPeel = 1 << 20

// resolveRev resolves rev to a commit hash.
func (r *Repo) resolveRev(rev string) (plumbing.Hash, error) {
	fail := func(format string, a ...any) (plumbing.Hash, error) {
		return plumbing.ZeroHash, &RevisionError{Rev: rev, Why: fmt.Sprintf(format, a...)}
	}
	if rev == "" {
		return fail("empty revision")
	}
	if strings.HasPrefix(rev, "-") {
		return fail("a revision cannot start with '-'")
	}
	if strings.HasPrefix(rev, "^") || strings.Contains(outsideBraces(rev), "..") {
		return fail("ranges (A..B, A...B, ^A) name several commits; one commit is needed")
	}
	// Split the base (a name, with an optional @{...}) from the suffixes.
	base, suffix := splitRev(rev)
	if strings.HasPrefix(base, ":") || strings.Contains(outsideBraces(base), ":") || strings.Contains(outsideBraces(suffix), ":") {
		return fail("REV:PATH and :/TEXT name a file or search messages; smsctl needs a commit (unsupported)")
	}
	obj, err := r.revBase(rev, base)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	for s := suffix; s != ""; {
		switch {
		case strings.HasPrefix(s, "^{"):
			end := strings.IndexByte(s, '}')
			if end < 0 {
				return fail("unterminated ^{")
			}
			what := s[2:end]
			s = s[end+1:]
			switch what {
			case "commit":
				if obj, err = r.peelTo(rev, obj, plumbing.CommitObject); err != nil {
					return plumbing.ZeroHash, err
				}
			case "":
				if obj, err = r.peelTags(rev, obj); err != nil {
					return plumbing.ZeroHash, err
				}
			case "object":
				if _, err := r.objType(rev, obj); err != nil {
					return plumbing.ZeroHash, err
				}
			case "tag":
				t, err := r.objType(rev, obj)
				if err != nil {
					return plumbing.ZeroHash, err
				}
				if t != plumbing.TagObject {
					return fail("%s is a %s, not a tag", obj, t)
				}
			case "tree", "blob":
				return fail("^{%s} names a %s; smsctl needs a commit", what, what)
			default:
				if strings.HasPrefix(what, "/") {
					return fail("^{/TEXT} (search by message) is not supported")
				}
				return fail("unknown peeling ^{%s}", what)
			}
		case s[0] == '~' || s[0] == '^':
			op := s[0]
			s = s[1:]
			i := 0
			for i < len(s) && s[i] >= '0' && s[i] <= '9' {
				i++
			}
			n := 1
			if i > 0 {
				v, err := strconv.Atoi(s[:i])
				if err != nil || v > maxPeel {
					return fail("number %s out of range", s[:i])
				}
				n = v
			} else if op == '^' && s != "" && (s[0] == '@' || s[0] == '!' || s[0] == '-') {
				return fail("^%c names several commits; one commit is needed (unsupported)", s[0])
			}
			s = s[i:]
			c, err := r.peelTo(rev, obj, plumbing.CommitObject)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			if op == '^' {
				if n == 0 {
					obj = c
					continue
				}
				cm, err := r.commitObj(rev, c)
				if err != nil {
					return plumbing.ZeroHash, err
				}
				if n > len(cm.ParentHashes) {
					return fail("commit %s has %d parent(s), no parent %d", c.String()[:12], len(cm.ParentHashes), n)
				}
				obj = cm.ParentHashes[n-1]
				continue
			}
			for range n {
				cm, err := r.commitObj(rev, c)
				if err != nil {
					return plumbing.ZeroHash, err
				}
				if len(cm.ParentHashes) == 0 {
					return fail("commit %s has no parent (the history is %s)", c.String()[:12], r.shortOf(c))
				}
				c = cm.ParentHashes[0]
			}
			obj = c
		default:
			return fail("cannot read %q", s)
		}
	}
	return r.peelTo(rev, obj, plumbing.CommitObject)
}

// shortOf says why a commit has no parent: a root commit, or the edge of a
// shallow clone.
func (r *Repo) shortOf(h plumbing.Hash) string {
	if shallow, err := r.repo.Storer.Shallow(); err == nil && slices.Contains(shallow, h) {
		return "cut there by a shallow clone; fetch it whole with git fetch --unshallow"
	}
	return "a root commit"
}

// splitRev splits rev at its first ~ or ^ that is not inside @{...}.
func splitRev(rev string) (base, suffix string) {
	depth := 0
	for i := 0; i < len(rev); i++ {
		switch c := rev[i]; {
		case c == '{':
			depth++
		case c == '}':
			if depth > 0 {
				depth--
			}
		case (c == '~' || c == '^') && depth == 0:
			return rev[:i], rev[i:]
		}
	}
	return rev, ""
}

// outsideBraces is s without what stands in {...}.
func outsideBraces(s string) string {
	var b strings.Builder
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			if depth > 0 {
				depth--
			}
		default:
			if depth == 0 {
				b.WriteByte(s[i])
			}
		}
	}
	return b.String()
}

// revBase resolves the part of a revision before its suffixes.
func (r *Repo) revBase(rev, base string) (plumbing.Hash, error) {
	fail := func(format string, a ...any) (plumbing.Hash, error) {
		return plumbing.ZeroHash, &RevisionError{Rev: rev, Why: fmt.Sprintf(format, a...)}
	}
	if base == "" {
		return fail("no name before %q", rev)
	}
	if base == "@" {
		base = "HEAD"
	}
	if len(base) == 40 && isHex(base) {
		h, _ := parseHash(strings.ToLower(base))
		return h, nil
	}
	name, mark := base, ""
	if strings.HasSuffix(base, "}") {
		if at := strings.LastIndex(base, "@{"); at >= 0 {
			name, mark = base[:at], base[at+2:len(base)-1]
		}
	}
	if mark != "" || strings.HasSuffix(base, "@{}") {
		if strings.HasPrefix(mark, "-") {
			if name != "" {
				return fail("@{-N} must stand alone")
			}
			n, err := strconv.Atoi(mark[1:])
			if err != nil || n <= 0 {
				return fail("@{%s}: not a number of checkouts", mark)
			}
			branch, err := r.priorCheckout(rev, n)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			if h, ok, err := r.dwimRef(rev, branch); err != nil || ok {
				return h, err
			}
			return fail("@{-%d} is %s, which does not exist", n, branch)
		}
		switch strings.ToLower(mark) {
		case "u", "upstream":
			ref, err := r.upstream(rev, name)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			h, ok, err := r.dwimRef(rev, ref)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			if !ok {
				return fail("the upstream %s does not exist (not fetched yet?)", ref)
			}
			return h, nil
		case "push":
			return fail("@{push} is not supported")
		}
		return r.reflogAt(rev, name, mark)
	}
	if h, ok, err := r.dwimRef(rev, name); err != nil || ok {
		return h, err
	}
	// git describe output: SOMETHING-g<hex>.
	for i := len(name) - 1; i >= 2; i-- {
		if !isHex(name[i:i+1]) && name[i] == 'g' && name[i-1] == '-' {
			if h, err := r.shortHash(rev, name[i+1:], true); err == nil {
				return h, nil
			}
			break
		}
	}
	if len(name) >= 4 && len(name) < 40 && isHex(name) {
		return r.shortHash(rev, name, false)
	}
	if _, herr := r.repo.Head(); errors.Is(herr, plumbing.ErrReferenceNotFound) {
		return fail("the repository has no commits yet")
	}
	return fail("does not exist in %s (neither a reference nor an object name)", r.root)
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if unhex(s[i]) > 15 {
			return false
		}
	}
	return s != ""
}

// validRefname is git's check_refname_format, one-level names allowed.
func validRefname(name string) bool {
	if name == "" || name == "@" || strings.HasSuffix(name, "/") || strings.HasSuffix(name, ".") ||
		strings.Contains(name, "..") || strings.Contains(name, "@{") || strings.Contains(name, "//") {
		return false
	}
	for _, c := range []byte(name) {
		if c < 0x20 || c == 0x7f || strings.IndexByte(" ~^:?*[\\", c) >= 0 {
			return false
		}
	}
	for comp := range strings.SplitSeq(name, "/") {
		if comp == "" || comp[0] == '.' || strings.HasSuffix(comp, ".lock") {
			return false
		}
	}
	return true
}

// isRootRefSyntax is a name git reads from $GIT_DIR itself: HEAD,
// FETCH_HEAD, ORIG_HEAD and the like (capitals and underscores).
func isRootRefSyntax(name string) bool {
	for _, c := range []byte(name) {
		if (c < 'A' || c > 'Z') && c != '_' && c != '-' {
			return false
		}
	}
	return name != ""
}

// dwimRules are git's ref_rev_parse_rules, in order.
var dwimRules = []string{"%s", "refs/%s", "refs/tags/%s", "refs/heads/%s", "refs/remotes/%s", "refs/remotes/%s/HEAD"}

// dwimRef resolves name by git's rules; ok is false when no reference
// of that name exists.
func (r *Repo) dwimRef(rev, name string) (plumbing.Hash, bool, error) {
	full, ok := r.dwimName(name)
	if !ok {
		return plumbing.ZeroHash, false, nil
	}
	h, ok := r.readRef(full)
	return h, ok, nil
}

// dwimName returns the full name of the first reference git's rules find
// for name (the name itself, not the target of a symbolic reference).
func (r *Repo) dwimName(name string) (string, bool) {
	for full := range r.dwimRefs(name) {
		return full, true
	}
	return "", false
}

// dwimRefs yields the full names of the references that exist for name,
// in the order of git's rules (gitrevisions(7)).
func (r *Repo) dwimRefs(name string) iter.Seq[string] {
	return func(yield func(string) bool) {
		if !validRefname(name) {
			return
		}
		for _, rule := range dwimRules {
			full := fmt.Sprintf(rule, name)
			if rule == "%s" && !strings.HasPrefix(full, "refs/") && !isRootRefSyntax(full) {
				continue
			}
			if _, ok := r.readRef(full); ok && !yield(full) {
				return
			}
		}
	}
}

// readRef reads a reference, following symbolic ones.
func (r *Repo) readRef(full string) (plumbing.Hash, bool) {
	if full == "FETCH_HEAD" {
		// Not a reference file: its first line starts with the object.
		if dir := r.gitDir(); dir != "" {
			b, err := readFileOS(filepath.Join(dir, "FETCH_HEAD"), "file", maxGitFile)
			if err == nil && len(b) >= 40 {
				if h, err := parseHash(string(b[:40])); err == nil {
					return h, true
				}
			}
		}
		return plumbing.ZeroHash, false
	}
	ref, err := r.repo.Reference(plumbing.ReferenceName(full), true)
	if err != nil || ref.Type() != plumbing.HashReference || ref.Hash().IsZero() {
		return plumbing.ZeroHash, false
	}
	return ref.Hash(), true
}

// shortHash resolves a hex prefix: the one commit (or tag of a commit)
// whose name starts with it. Several are refused, with the candidates.
func (r *Repo) shortHash(rev, prefix string, commitsOnly bool) (plumbing.Hash, error) {
	if r.fsStorage == nil || len(prefix) < 4 || len(prefix) > 40 {
		return plumbing.ZeroHash, &RevisionError{Rev: rev, Why: "does not exist"}
	}
	prefix = strings.ToLower(prefix)
	raw, _ := hex.DecodeString(prefix[:len(prefix)&^1])
	hashes, err := r.fsStorage.HashesWithPrefix(raw)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("revision %q: list objects: %w", rev, err)
	}
	var all, committish []plumbing.Hash
	var desc []string
	for _, h := range hashes {
		if !strings.HasPrefix(h.String(), prefix) || slices.Contains(all, h) {
			continue
		}
		all = append(all, h)
		t, err := r.objType(rev, h)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		what := t.String()
		ok := t == plumbing.CommitObject
		if t == plumbing.TagObject && !commitsOnly {
			if p, err := r.peelTags(rev, h); err == nil {
				if pt, err := r.objType(rev, p); err == nil && pt == plumbing.CommitObject {
					ok = true
					what = "tag of commit " + p.String()[:12]
				}
			}
		}
		if ok {
			committish = append(committish, h)
		}
		desc = append(desc, h.String()+" "+what)
	}
	switch {
	case len(committish) == 1:
		return committish[0], nil
	case len(committish) > 1:
		slices.Sort(desc)
		return plumbing.ZeroHash, &RevisionError{Rev: rev, Why: "short object name " + prefix + " is ambiguous; the candidates are:\n  " + strings.Join(desc, "\n  ") + "\ngive more digits"}
	case len(all) > 0:
		return plumbing.ZeroHash, &RevisionError{Rev: rev, Why: "short object name " + prefix + " names no commit: " + strings.Join(desc, ", ")}
	}
	return plumbing.ZeroHash, &RevisionError{Rev: rev, Why: fmt.Sprintf("does not exist in %s (neither a reference nor an object name)", r.root)}
}

// objType returns the type of object h.
func (r *Repo) objType(rev string, h plumbing.Hash) (plumbing.ObjectType, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, err := r.sharedStoreLocked()
	if err != nil {
		return plumbing.InvalidObject, err
	}
	t, _, err := s.info(h)
	if err != nil {
		var missing *MissingObjectError
		if errors.As(err, &missing) {
			missing.Where = "named by revision " + strconv.Quote(rev)
		}
		return plumbing.InvalidObject, err
	}
	return t, nil
}

// peelTags follows tag objects to what they tag.
func (r *Repo) peelTags(rev string, h plumbing.Hash) (plumbing.Hash, error) {
	for range 100 {
		t, err := r.objType(rev, h)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if t != plumbing.TagObject {
			return h, nil
		}
		tag, err := object.GetTag(r.repo.Storer, h)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("revision %q: read tag %s: %w", rev, h, err)
		}
		h = tag.Target
	}
	return plumbing.ZeroHash, &RevisionError{Rev: rev, Why: "a chain of more than 100 tags"}
}

// peelTo peels tags until an object of type want; anything else is an
// error.
func (r *Repo) peelTo(rev string, h plumbing.Hash, want plumbing.ObjectType) (plumbing.Hash, error) {
	p, err := r.peelTags(rev, h)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	t, err := r.objType(rev, p)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if t != want {
		return plumbing.ZeroHash, &RevisionError{Rev: rev, Why: fmt.Sprintf("names a %s (%s), not a %s", t, p.String()[:12], want)}
	}
	return p, nil
}

func (r *Repo) commitObj(rev string, h plumbing.Hash) (*object.Commit, error) {
	c, err := object.GetCommit(r.repo.Storer, h)
	if err != nil {
		return nil, fmt.Errorf("revision %q: read commit %s: %w", rev, h, err)
	}
	return c, nil
}

// currentBranch is the branch HEAD points to ("" when detached).
func (r *Repo) currentBranch() string {
	ref, err := r.repo.Storer.Reference(plumbing.HEAD)
	if err != nil || ref.Type() != plumbing.SymbolicReference {
		return ""
	}
	return ref.Target().String()
}

// upstream returns the full name of branch's upstream, from its
// branch.<name>.remote and .merge configuration.
func (r *Repo) upstream(rev, branch string) (string, error) {
	fail := func(format string, a ...any) (string, error) {
		return "", &RevisionError{Rev: rev, Why: fmt.Sprintf(format, a...)}
	}
	if branch == "" || branch == "HEAD" {
		cur := r.currentBranch()
		if !strings.HasPrefix(cur, "refs/heads/") {
			return fail("HEAD does not point to a branch, so it has no upstream")
		}
		branch = strings.TrimPrefix(cur, "refs/heads/")
	} else if _, ok := r.readRef("refs/heads/" + branch); !ok || !validRefname(branch) {
		return fail("no such branch: %q", branch)
	}
	cfg, err := r.repo.Config()
	if err != nil {
		return "", fmt.Errorf("revision %q: read the configuration: %w", rev, err)
	}
	b := cfg.Branches[branch]
	if b == nil || b.Remote == "" || b.Merge == "" {
		return fail("no upstream configured for branch %q", branch)
	}
	if b.Remote == "." {
		return b.Merge.String(), nil
	}
	rc := cfg.Remotes[b.Remote]
	if rc == nil {
		return fail("branch %q's upstream remote %q is not configured", branch, b.Remote)
	}
	for _, spec := range rc.Fetch {
		if strings.HasPrefix(string(spec), "^") { // a negative refspec
			continue
		}
		if spec.Match(b.Merge) {
			return spec.Dst(b.Merge).String(), nil
		}
	}
	return fail("upstream branch %s of %q is not stored as a remote-tracking branch", b.Merge, branch)
}

// reflogEntry is one line of a reflog.
type reflogEntry struct {
	old, new plumbing.Hash
	when     int64
	message  string
}

// readReflog reads the reflog of a full reference name, oldest first.
func (r *Repo) readReflog(full string) ([]reflogEntry, bool, error) {
	dir := r.gitDir()
	if dir == "" {
		return nil, false, nil
	}
	// HEAD's log is the work tree's own; the others are shared.
	if full != "HEAD" && !isRootRefSyntax(full) {
		dir = filepath.Dir(objectsDirOf(dir))
	}
	path := filepath.Join(dir, "logs", filepath.FromSlash(full))
	info, err := os.Lstat(path)
	if err != nil || !info.Mode().IsRegular() {
		return nil, false, nil
	}
	data, err := readFileOS(path, "file", maxReflogSize)
	if err != nil {
		return nil, false, err
	}
	var out []reflogEntry
	for line := range bytes.SplitSeq(data, []byte("\n")) {
		if len(line) < 83 {
			continue
		}
		var e reflogEntry
		var err1, err2 error
		e.old, err1 = parseHash(string(line[:40]))
		e.new, err2 = parseHash(string(line[41:81]))
		if err1 != nil || err2 != nil {
			continue
		}
		rest := string(line[82:])
		id, msg, _ := strings.Cut(rest, "\t")
		e.message = msg
		gt := strings.LastIndexByte(id, '>')
		if gt < 0 {
			continue
		}
		f := strings.Fields(id[gt+1:])
		if len(f) < 1 {
			continue
		}
		e.when, _ = strconv.ParseInt(f[0], 10, 64)
		out = append(out, e)
	}
	return out, true, nil
}

// dwimLog finds the reference whose reflog git reads for name.
func (r *Repo) dwimLog(name string) (string, bool) {
	for full := range r.dwimRefs(name) {
		if _, ok, _ := r.readReflog(full); ok {
			return full, true
		}
		if ref, err := r.repo.Storer.Reference(plumbing.ReferenceName(full)); err == nil && ref.Type() == plumbing.SymbolicReference {
			target := ref.Target().String()
			if _, ok, _ := r.readReflog(target); ok {
				return target, true
			}
		}
	}
	return "", false
}

// reflogAt resolves name@{mark}: the n-th prior value or the value at a
// date.
func (r *Repo) reflogAt(rev, name, mark string) (plumbing.Hash, error) {
	fail := func(format string, a ...any) (plumbing.Hash, error) {
		return plumbing.ZeroHash, &RevisionError{Rev: rev, Why: fmt.Sprintf(format, a...)}
	}
	var full string
	if name == "" {
		// @{...} is the current branch's reflog (HEAD's when detached).
		full = r.currentBranch()
		if full == "" {
			full = "HEAD"
		}
		if _, ok, _ := r.readReflog(full); !ok {
			return fail("no reflog for %s", full)
		}
	} else {
		var ok bool
		if full, ok = r.dwimLog(name); !ok {
			return fail("no reflog for %q (git keeps reflogs only in the repository where the references moved; a fresh clone has none)", name)
		}
	}
	log, _, err := r.readReflog(full)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("revision %q: %w", rev, err)
	}
	current, _ := r.readRef(full)
	if len(log) == 0 {
		if mark == "0" {
			return current, nil
		}
		return fail("the reflog of %s is empty", full)
	}
	if isDigits(mark) {
		v, err := strconv.ParseInt(mark, 10, 64)
		if err != nil {
			return fail("@{%s}: number out of range", mark)
		}
		if v >= 100000000 { // git reads a big number as a time
			h, _, _ := readRefAt(log, current, v, -1)
			return h, nil
		}
		h, found, n := readRefAt(log, current, 0, int(v))
		if !found && !(int(v) == n && !h.IsZero()) {
			return fail("the reflog of %s only has %d entries", full, n)
		}
		return h, nil
	}
	at, ok, err := parseReflogDate(mark, time.Local)
	if err != nil {
		return fail("%v", err)
	}
	if ok {
		h, _, _ := readRefAt(log, current, at, -1)
		return h, nil
	}
	// A day without a time: git takes that day at the current time of
	// day. The answer is the same whatever that time is when the reflog
	// did not move that day; otherwise it depends on the hour.
	a, _, _ := readRefAt(log, current, at, -1)
	b, _, _ := readRefAt(log, current, at+86399, -1)
	if a != b {
		return fail("%s moved on %s, and git reads a date without a time as that day at the current time of day; give a time, as in %s@{%s 12:00:00}", full, mark, name, mark)
	}
	return a, nil
}

// readRefAt is git's read_ref_at over a reflog (oldest first): with
// cnt >= 0 the cnt-th value back, else the value at time at. found is
// false when the log does not go back that far; then h is the oldest
// value it knows, and n the number of entries.
func readRefAt(log []reflogEntry, current plumbing.Hash, at int64, cnt int) (h plumbing.Hash, found bool, n int) {
	h = current
	var ooid plumbing.Hash
	for i := len(log) - 1; i >= 0; i-- {
		e := log[i]
		n++
		if e.when <= at || cnt == 0 {
			if !ooid.IsZero() || e.when == at {
				h = e.new
			}
			return h, true, n
		}
		ooid = e.old
		if cnt > 0 {
			cnt--
		}
	}
	if n == 0 {
		return current, false, 0
	}
	h = log[0].old
	if at != 0 && h.IsZero() {
		h = log[0].new
	}
	return h, false, n
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// parseReflogDate reads the absolute dates git's approxidate reads the
// same way: YYYY-MM-DD with an optional time (HH:MM or HH:MM:SS, after a
// space or T) and zone (+hhmm, +hh:mm), in loc when no zone is given.
// With no time, ok is false and at is the start of the day. Other forms
// (relative dates, names of days) are refused.
func parseReflogDate(s string, loc *time.Location) (at int64, ok bool, err error) {
	s = strings.TrimSpace(s)
	if len(s) == 10 {
		t, err := time.ParseInLocation("2006-01-02", s, loc)
		if err != nil {
			return 0, false, unsupportedDate(s)
		}
		return t.Unix(), false, nil
	}
	for _, layout := range []string{
		"2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05 -07:00", "2006-01-02T15:04:05-07:00", "2006-01-02T15:04:05-0700",
		"2006-01-02 15:04 -0700", "2006-01-02T15:04-07:00",
	} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Unix(), true, nil
		}
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.Unix(), true, nil
		}
	}
	return 0, false, unsupportedDate(s)
}

func unsupportedDate(s string) error {
	return fmt.Errorf("@{%s}: unsupported date; smsctl reads YYYY-MM-DD[ HH:MM[:SS]][ +hhmm] and seconds since 1970 (relative dates such as \"yesterday\" are not supported)", s)
}

// priorCheckout is the branch (or commit) checked out before the n-th
// last checkout, from HEAD's reflog.
func (r *Repo) priorCheckout(rev string, n int) (string, error) {
	log, ok, err := r.readReflog("HEAD")
	if err != nil {
		return "", err
	}
	if ok {
		for i := len(log) - 1; i >= 0; i-- {
			from, ok := strings.CutPrefix(log[i].message, "checkout: moving from ")
			if !ok {
				continue
			}
			if n--; n == 0 {
				if j := strings.Index(from, " to "); j >= 0 {
					return from[:j], nil
				}
			}
		}
	}
	return "", &RevisionError{Rev: rev, Why: "HEAD's reflog does not go back that many checkouts"}
}
