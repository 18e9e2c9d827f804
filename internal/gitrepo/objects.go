package gitrepo

import (
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// MissingObjectError reports an object that the repository refers to but does
// not hold: the repository is corrupt, or objects were removed by hand.
type MissingObjectError struct {
	Kind  string // "commit", "tree" or "blob"
	Hash  string
	Where string // what referred to it, e.g. "parent of commit 1a2b…"; may be ""
}

func (e *MissingObjectError) Error() string {
	return fmt.Sprintf("%s object %s%s is missing from the repository: the repository is corrupt or incomplete", e.Kind, e.Hash, parenthesized(e.Where))
}

// objectStore reads raw commits, trees and blobs for History, TreeFS,
// Notes and Blob: packs and loose objects (also those of alternates)
// through objectReader, anything else (packs with a version-1 index,
// storage that is not on disk) through a go-git object storage of its own,
// with open pack descriptors and a small object cache. Every read checks
// the object's size against limits before it inflates it.
type objectStore struct {
	reader      *objectReader
	newFallback func() storer.EncodedObjectStorer
	fallback    storer.EncodedObjectStorer
	closer      io.Closer
	trees       genCache[*rawTree]
	shallow     map[plumbing.Hash]bool
	limits      Limits
}

// historyObjectCache is the size of the go-git object cache of the fallback
// storage; go-git also finds delta bases there.
const historyObjectCache = 8 * cache.MiByte

// treeCacheSize is how many parsed trees one generation of the tree cache
// holds (two generations are kept), and treeCacheBytes how many bytes of
// trees.
const (
	treeCacheSize  = 512
	treeCacheBytes = 64 << 20
)

func (r *Repo) openStore() (*objectStore, error) {
	s := &objectStore{trees: newGenCache[*rawTree](treeCacheSize, treeCacheBytes), limits: r.limits}
	if r.fsStorage != nil {
		fsys := r.fsStorage
		reader, err := newObjectReader(objectsDirOf(fsys.Filesystem().Root()), r.limits.DeltaBase)
		if err != nil {
			return nil, err
		}
		s.reader = reader
		s.newFallback = func() storer.EncodedObjectStorer {
			// Objects over the smallest limit stay on disk until read,
			// so that their size is checked first.
			st := filesystem.NewStorageWithOptions(fsys.Filesystem(), cache.NewObjectLRU(historyObjectCache), filesystem.Options{KeepDescriptors: true, LargeObjectThreshold: MaxBlobSize})
			s.closer = st
			return st
		}
	} else {
		s.fallback = r.repo.Storer
	}
	shallow, err := r.repo.Storer.Shallow()
	if err != nil {
		s.close()
		return nil, fmt.Errorf("read the list of shallow commits: %w", err)
	}
	if len(shallow) > 0 {
		s.shallow = make(map[plumbing.Hash]bool, len(shallow))
		for _, h := range shallow {
			s.shallow[h] = true
		}
	}
	return s, nil
}

// objectsDirOf returns the object folder of a Git folder, following the
// commondir file of a linked work tree's Git folder.
func objectsDirOf(gitDir string) string {
	if b, err := readFileOS(filepath.Join(gitDir, "commondir"), "file", maxGitFile); err == nil {
		common := strings.TrimSpace(string(b))
		if !filepath.IsAbs(common) {
			common = filepath.Join(gitDir, common)
		}
		return filepath.Join(common, "objects")
	}
	return filepath.Join(gitDir, "objects")
}

// close releases the store's files; it may be called more than once.
func (s *objectStore) close() {
	if s.reader != nil {
		s.reader.close()
	}
	if s.closer != nil {
		_ = s.closer.Close()
		s.closer = nil
	}
}

// limit is the limit for objects of type t.
func (s *objectStore) limit(t plumbing.ObjectType) int64 {
	switch t {
	case plumbing.CommitObject, plumbing.TagObject:
		return s.limits.Commit
	case plumbing.TreeObject:
		return s.limits.Tree
	}
	return s.limits.Blob
}

// read returns an object's content, refusing one over the limit of its
// type (a *TooLargeError) before inflating it. A missing object is
// reported as a *MissingObjectError with Where set to where.
func (s *objectStore) read(t plumbing.ObjectType, h plumbing.Hash, where string) (string, error) {
	return s.readLimit(t, h, where, s.limit(t))
}

// readLimit is read with a limit of the caller's.
func (s *objectStore) readLimit(t plumbing.ObjectType, h plumbing.Hash, where string, limit int64) (string, error) {
	if s.reader != nil {
		typ, data, err := s.reader.read(h, limit)
		if err == nil {
			if typ != objTypes[t] {
				return "", fmt.Errorf("object %s%s is not a %s", h, parenthesized(where), t)
			}
			return data, nil
		}
		var tl *TooLargeError
		if errors.As(err, &tl) {
			if tl.Kind == "" {
				tl.Kind = t.String()
			}
			return "", err
		}
		if !errors.Is(err, errNotFound) {
			return "", fmt.Errorf("read %s %s: %w", t, h, err)
		}
		if s.fallback == nil {
			s.fallback = s.newFallback()
		}
	}
	o, err := s.fallback.EncodedObject(t, h)
	if err != nil {
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			return "", &MissingObjectError{Kind: t.String(), Hash: h.String(), Where: where}
		}
		return "", fmt.Errorf("read %s %s: %w", t, h, err)
	}
	if o.Size() > limit {
		return "", &TooLargeError{Hash: h.String(), Kind: t.String(), Size: o.Size(), Limit: limit}
	}
	rd, err := o.Reader()
	if err != nil {
		return "", fmt.Errorf("read %s %s: %w", t, h, err)
	}
	defer rd.Close()
	var b strings.Builder
	b.Grow(int(o.Size()))
	if _, err := io.Copy(&b, io.LimitReader(rd, limit+1)); err != nil {
		return "", fmt.Errorf("read %s %s: %w", t, h, err)
	}
	if int64(b.Len()) > limit {
		return "", &TooLargeError{Hash: h.String(), Kind: t.String(), Size: int64(b.Len()), Limit: limit}
	}
	return b.String(), nil
}

// info returns an object's type and size from its headers, without
// inflating its content. A missing object is a *MissingObjectError.
func (s *objectStore) info(h plumbing.Hash) (plumbing.ObjectType, int64, error) {
	if s.reader != nil {
		typ, size, err := s.reader.info(h)
		if err == nil {
			for t, b := range objTypes {
				if b == typ {
					return t, size, nil
				}
			}
		}
		if !errors.Is(err, errNotFound) {
			return plumbing.InvalidObject, 0, fmt.Errorf("read object %s: %w", h, err)
		}
		if s.fallback == nil {
			s.fallback = s.newFallback()
		}
	}
	o, err := s.fallback.EncodedObject(plumbing.AnyObject, h)
	if err != nil {
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			return plumbing.InvalidObject, 0, &MissingObjectError{Kind: "object", Hash: h.String()}
		}
		return plumbing.InvalidObject, 0, fmt.Errorf("read object %s: %w", h, err)
	}
	return o.Type(), o.Size(), nil
}

func parenthesized(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// rawCommit is a commit object with the fields the walk needs parsed; the
// rest stays in raw until the commit is reported.
type rawCommit struct {
	hash    plumbing.Hash
	tree    plumbing.Hash
	parents []plumbing.Hash
	time    int64 // committer time, Unix seconds
	raw     string
}

// commit reads commit h, which is the parent (rel: "parent" or "first
// parent") of commit child, or the starting point if child is zero.
func (s *objectStore) commit(h plumbing.Hash, rel string, child plumbing.Hash) (*rawCommit, error) {
	raw, err := s.read(plumbing.CommitObject, h, "")
	if err != nil {
		var missing *MissingObjectError
		if errors.As(err, &missing) && !child.IsZero() {
			missing.Where = rel + " of commit " + child.String()
		}
		return nil, err
	}
	return parseRawCommit(h, raw)
}

// parseRawCommit parses the header of commit h, whose content is raw.
func parseRawCommit(h plumbing.Hash, raw string) (*rawCommit, error) {
	var err error
	c := &rawCommit{hash: h, raw: raw}
	for line := range headerLines(raw) {
		key, val, _ := strings.Cut(line, " ")
		switch key {
		case "tree":
			c.tree, err = parseHash(val)
		case "parent":
			var p plumbing.Hash
			p, err = parseHash(val)
			c.parents = append(c.parents, p)
		case "committer":
			c.time, err = signatureTime(val)
		}
		if err != nil {
			return nil, fmt.Errorf("commit %s is malformed: %s: %w", h, key, err)
		}
	}
	if c.tree.IsZero() {
		return nil, fmt.Errorf("commit %s is malformed: it names no tree", h)
	}
	return c, nil
}

// headerLines yields a commit's header lines, up to the blank line before the
// message; continuation lines (starting with a space) are yielded as they are.
func headerLines(raw string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for raw != "" {
			line, rest, _ := strings.Cut(raw, "\n")
			if line == "" {
				return
			}
			if !yield(line) {
				return
			}
			raw = rest
		}
	}
}

func parseHash(s string) (plumbing.Hash, error) {
	if len(s) != 40 {
		return plumbing.ZeroHash, fmt.Errorf("bad object name %q", s)
	}
	var h plumbing.Hash
	for i := range h {
		hi, lo := unhex(s[2*i]), unhex(s[2*i+1])
		if hi > 15 || lo > 15 {
			return plumbing.ZeroHash, fmt.Errorf("bad object name %q", s)
		}
		h[i] = hi<<4 | lo
	}
	return h, nil
}

// signatureTime reads the Unix time of "Name <email> 1700000000 +0100".
// unhex is the value of a hex digit, or 255.
func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10
	}
	return 255
}

func signatureTime(sig string) (int64, error) {
	i := strings.LastIndexByte(sig, '>')
	if i < 0 {
		return 0, fmt.Errorf("no e-mail address in %q", sig)
	}
	rest := strings.TrimLeft(sig[i+1:], " \t")
	if rest == "" {
		return 0, nil
	}
	if j := strings.IndexAny(rest, " \t"); j >= 0 {
		rest = rest[:j]
	}
	return strconv.ParseInt(rest, 10, 64)
}

// rawTree is a tree object as stored, with the offset of each entry. An
// entry is decoded only when it is looked at: a diff skips the entries the
// two trees have in common without decoding them.
type rawTree struct {
	raw  string
	offs []uint32 // where each entry starts in raw
}

type treeEntry struct {
	name string // a substring of the tree's raw content
	mode uint32
	hash plumbing.Hash
}

func (t *rawTree) len() int { return len(t.offs) }

// end returns where entry i ends.
func (t *rawTree) end(i int) int {
	if i+1 < len(t.offs) {
		return int(t.offs[i+1])
	}
	return len(t.raw)
}

// entry decodes entry i (checked by parseTree).
func (t *rawTree) entry(i int) treeEntry {
	e := t.raw[t.offs[i]:t.end(i)]
	var mode uint32
	k := 0
	for ; e[k] != ' '; k++ {
		mode = mode<<3 | uint32(e[k]-'0')
	}
	var te treeEntry
	te.mode = mode
	te.name = e[k+1 : len(e)-21]
	copy(te.hash[:], e[len(e)-20:])
	return te
}

const (
	modeTypeMask = 0o170000
	modeDir      = 0o040000
	modeRegular  = 0o100000
	modeSymlink  = 0o120000
	modeGitlink  = 0o160000
)

func (e *treeEntry) isDir() bool { return e.mode&modeTypeMask == modeDir }

// canonMode canonicalizes a tree entry's mode as Git does when it reads a
// tree, so that e.g. an old 100664 compares equal to 100644.
func canonMode(m uint32) uint32 {
	switch m & modeTypeMask {
	case modeRegular:
		if m&0o100 != 0 {
			return 0o100755
		}
		return 0o100644
	case modeSymlink:
		return modeSymlink
	case modeDir:
		return modeDir
	}
	return modeGitlink
}

var emptyTree = &rawTree{}

// tree returns a parsed tree; the zero hash is the empty tree.
func (s *objectStore) tree(h plumbing.Hash) (*rawTree, error) {
	if h.IsZero() {
		return emptyTree, nil
	}
	if t, ok := s.trees.get(h); ok {
		return t, nil
	}
	raw, err := s.read(plumbing.TreeObject, h, "")
	if err != nil {
		return nil, err
	}
	t, err := parseTree(raw)
	if err != nil {
		return nil, fmt.Errorf("tree %s is malformed: %w", h, err)
	}
	s.trees.put(h, t, len(raw))
	return t, nil
}

// treeAt is tree for the folder dir ("." for the top) at commit rev, which
// a refusal names.
func (s *objectStore) treeAt(h plumbing.Hash, dir, rev string) (*rawTree, error) {
	t, err := s.tree(h)
	var tl *TooLargeError
	if errors.As(err, &tl) {
		tl.Path, tl.Rev = dir, rev
	}
	return t, err
}

// lookup finds the entry at the slash-separated path name in tree root, of
// commit rev; ok is false when there is none (a folder on the way is
// missing or is not a folder).
func (s *objectStore) lookup(root plumbing.Hash, name, rev string) (e treeEntry, ok bool, err error) {
	h, dir := root, "."
	for {
		first, rest, more := strings.Cut(name, "/")
		t, err := s.treeAt(h, dir, rev)
		if err != nil {
			return treeEntry{}, false, err
		}
		e, ok := t.lookup(first)
		if !ok || !more {
			return e, ok, nil
		}
		if !e.isDir() {
			return treeEntry{}, false, nil
		}
		h, dir, name = e.hash, path.Join(dir, first), rest
	}
}

func parseTree(raw string) (*rawTree, error) {
	// An entry takes at least 2+1+1+1+20 bytes; 40 is a fair guess.
	t := &rawTree{raw: raw, offs: make([]uint32, 0, len(raw)/40+1)}
	if len(raw) > 1<<31 {
		return nil, errors.New("tree too large")
	}
	// One pass per entry: the mode's octal digits up to a space, then the
	// name up to its NUL, then 20 bytes of hash.
	for pos := 0; pos < len(raw); {
		k := pos
		for k < len(raw) && raw[k] >= '0' && raw[k] <= '7' {
			k++
		}
		if k == pos || k == len(raw) || raw[k] != ' ' {
			end := min(k+1, len(raw))
			return nil, fmt.Errorf("bad entry mode %q", raw[pos:end])
		}
		nul := k + 1
		for nul < len(raw) && raw[nul] != 0 {
			nul++
		}
		if nul == k+1 || nul+21 > len(raw) {
			return nil, errors.New("truncated entry")
		}
		t.offs = append(t.offs, uint32(pos))
		pos = nul + 21
	}
	return t, nil
}

// lookup returns the entry called name, by binary search in Git's order (a
// folder sorts as if its name ended in "/"), once as a file and once as a
// folder; a tree out of that order is searched entry by entry.
func (t *rawTree) lookup(name string) (treeEntry, bool) {
	for _, m := range [2]uint32{modeRegular, modeDir} {
		key := treeEntry{name: name, mode: m}
		i := sort.Search(t.len(), func(i int) bool {
			e := t.entry(i)
			return compareEntries(&e, &key) >= 0
		})
		if i < t.len() {
			if e := t.entry(i); e.name == name {
				return e, true
			}
		}
	}
	return t.find(name)
}

// find returns the entry called name.
func (t *rawTree) find(name string) (treeEntry, bool) {
	for i := range t.offs {
		if e := t.entry(i); e.name == name {
			return e, true
		}
	}
	return treeEntry{}, false
}

// genCache is a two-generation cache: when the current generation is full
// (by count or by bytes) it becomes the old one, and entries found in the
// old one are moved back. It costs one map look-up per hit and keeps the
// working set of a linear walk.
type genCache[V any] struct {
	size, bytes int // the bounds of one generation
	cur, prev   map[plumbing.Hash]genEntry[V]
	curBytes    int
}

type genEntry[V any] struct {
	v V
	n int
}

func newGenCache[V any](size, bytes int) genCache[V] {
	return genCache[V]{size: size, bytes: bytes, cur: make(map[plumbing.Hash]genEntry[V], size)}
}

func (c *genCache[V]) get(h plumbing.Hash) (V, bool) {
	if e, ok := c.cur[h]; ok {
		return e.v, true
	}
	e, ok := c.prev[h]
	if ok {
		c.put(h, e.v, e.n)
	}
	return e.v, ok
}

// put keeps v, which holds n bytes.
func (c *genCache[V]) put(h plumbing.Hash, v V, n int) {
	if len(c.cur) >= c.size || c.curBytes+n > c.bytes {
		c.prev = c.cur
		c.cur = make(map[plumbing.Hash]genEntry[V], c.size)
		c.curBytes = 0
	}
	c.cur[h] = genEntry[V]{v, n}
	c.curBytes += n
}

// walkFiles calls fn for every entry that is not a folder under tree h,
// with its path below prefix. enter, when set, is asked before each tree
// (h itself included) is read, and a tree it declines is skipped.
func (s *objectStore) walkFiles(h plumbing.Hash, prefix string, enter func(h plumbing.Hash, prefix string) bool, fn func(path string, e treeEntry) error) error {
	if enter != nil && !enter(h, prefix) {
		return nil
	}
	t, err := s.tree(h)
	if err != nil {
		return err
	}
	for i := range t.len() {
		e := t.entry(i)
		p := e.name
		if prefix != "" {
			p = prefix + "/" + e.name
		}
		if e.isDir() {
			if err := s.walkFiles(e.hash, p, enter, fn); err != nil {
				return err
			}
			continue
		}
		if err := fn(p, e); err != nil {
			return err
		}
	}
	return nil
}
