package gitrepo

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strconv"
	"unsafe"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/smsctl/smsctl/internal/atomicfile"
)

// The history cache keeps what a first-parent walk computed — each commit
// as stored and its changes against its first parent, over the whole tree,
// without rename detection — in one file under the Git folder
// (smsctl/history.cache), so that the next walk over the same commits reads
// them from there instead of diffing trees again.
//
// It is keyed by commit hash. A commit's hash fixes its content and, through
// its parents, the whole line behind it, so a cached entry never goes stale:
// when the branch moves on, the walk diffs the new commits until it reaches
// one the cache holds and appends them; when history is rewritten, the part
// the rewrite kept is still used and the rest is replaced.
//
// It is verified before use: a checksum over the file, each commit's content
// against its hash (SHA-1), and each commit's first parent against the
// commit before it, down to a root commit; then (verify) the changes,
// replayed from the root, against the chain they form and the newest
// commit's tree. A file that fails is reported, ignored and rewritten; one
// that is not a regular file is not opened. Deleting it is always safe.
//
// Layout: the magic line, then one record per commit, oldest first, each
// preceded by its length (uvarint), then the number of records and the
// CRC-32C of everything before the CRC, both little-endian uint32.
//
//	record: hash[20] uvarint(len(raw)) raw uvarint(#changes) change...
//	change: status uvarint(oldMode) uvarint(newMode)
//	        oldHash[20] (not for 'A') newHash[20] (not for 'D')
//	        uvarint(len(path)) path
const historyCacheFile = "history.cache"

var historyCacheMagic = []byte("smsctl history cache 1\n")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// historyCache is a loaded, verified cache file.
type historyCache struct {
	data   []byte
	ends   []int           // where each record ends in data, oldest first
	starts []int           // where each record's body starts
	hashes []plumbing.Hash // each record's commit
	index  map[plumbing.Hash]int
}

// cacheDir returns the folder smsctl keeps its caches in: smsctl/ in the
// repository's (common) Git folder; "" when the storage is not on disk.
func (r *Repo) cacheDir() string {
	root := r.gitDir()
	if root == "" {
		return ""
	}
	return filepath.Join(filepath.Dir(objectsDirOf(root)), "smsctl")
}

// CacheDir is the folder in the repository's Git folder where smsctl keeps
// caches ("" when the repository is not on disk). Everything in it can be
// deleted at any time.
func (r *Repo) CacheDir() string { return r.cacheDir() }

// loadHistoryCache reads and verifies the cache in dir. A missing file is
// (nil, nil); a file that fails verification, or is over limit, is (nil,
// error).
func loadHistoryCache(dir string, limit int64) (*historyCache, error) {
	data, err := readCacheFile(filepath.Join(dir, historyCacheFile), limit)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	bad := func(why string) (*historyCache, error) {
		return nil, fmt.Errorf("history cache %s: %s", filepath.Join(dir, historyCacheFile), why)
	}
	if !bytes.HasPrefix(data, historyCacheMagic) || len(data) < len(historyCacheMagic)+8 {
		return bad("not a cache file of this version")
	}
	n := len(data)
	if crc32.Checksum(data[:n-4], castagnoli) != binary.LittleEndian.Uint32(data[n-4:]) {
		return bad("checksum mismatch")
	}
	count := int(binary.LittleEndian.Uint32(data[n-8:]))
	c := &historyCache{data: data[:n-8]}
	c.ends = make([]int, 0, count)
	c.starts = make([]int, 0, count)
	c.hashes = make([]plumbing.Hash, 0, count)
	hasher := sha1.New()
	var sum [sha1.Size]byte
	for pos := len(historyCacheMagic); pos < len(c.data); {
		size, k := binary.Uvarint(c.data[pos:])
		if k <= 0 || size > uint64(len(c.data)-pos-k) || size < 21 {
			return bad("truncated record")
		}
		start := pos + k
		body := c.data[start : start+int(size)]
		var h plumbing.Hash
		copy(h[:], body)
		rawLen, k := binary.Uvarint(body[20:])
		if k <= 0 || rawLen > uint64(len(body)-20-k) {
			return bad("truncated commit")
		}
		raw := body[20+k : 20+k+int(rawLen)]
		hasher.Reset()
		hasher.Write([]byte("commit " + strconv.Itoa(len(raw)) + "\x00"))
		hasher.Write(raw)
		if !bytes.Equal(hasher.Sum(sum[:0]), h[:]) {
			return bad("commit " + h.String() + " does not match its content")
		}
		// The first parent is on the first "parent" line, right after the
		// "tree" line.
		first, hasParent := firstParentOf(raw)
		i := len(c.hashes)
		switch {
		case i == 0 && hasParent:
			return bad("the oldest commit is not a root commit")
		case i > 0 && (!hasParent || first != c.hashes[i-1]):
			return bad("commit " + h.String() + " does not follow the one before it")
		}
		c.hashes = append(c.hashes, h)
		c.starts = append(c.starts, start)
		pos = start + int(size)
		c.ends = append(c.ends, pos)
	}
	if len(c.hashes) != count {
		return bad("record count mismatch")
	}
	return c, nil
}

// firstParentOf returns the first parent named in a commit's header.
func firstParentOf(raw []byte) (plumbing.Hash, bool) {
	for len(raw) > 0 {
		line := raw
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line, raw = raw[:i], raw[i+1:]
		} else {
			raw = nil
		}
		if len(line) == 0 {
			break
		}
		if rest, ok := bytes.CutPrefix(line, []byte("parent ")); ok {
			h, err := parseHash(unsafe.String(unsafe.SliceData(rest), len(rest)))
			return h, err == nil
		}
	}
	return plumbing.ZeroHash, false
}

// find returns the record of commit h.
func (c *historyCache) find(h plumbing.Hash) (int, bool) {
	if c == nil || len(c.hashes) == 0 {
		return 0, false
	}
	if last := len(c.hashes) - 1; c.hashes[last] == h {
		return last, true
	}
	if c.index == nil {
		c.index = make(map[plumbing.Hash]int, len(c.hashes))
		for i, x := range c.hashes {
			c.index[x] = i
		}
	}
	i, ok := c.index[h]
	return i, ok
}

var errCacheRecord = errors.New("malformed history cache record")

// record decodes record i: the commit and its changes, which it appends to
// out (reused by the caller).
func (c *historyCache) record(i int, out []change) (*rawCommit, []change, error) {
	body := c.data[c.starts[i]:c.ends[i]]
	h := c.hashes[i]
	rawLen, k := binary.Uvarint(body[20:])
	pos := 20 + k
	if k <= 0 || rawLen > uint64(len(body)-pos) {
		return nil, nil, fmt.Errorf("commit %s: %w", h, errCacheRecord)
	}
	// c.data is never changed once read: strings share its bytes.
	raw := unsafe.String(unsafe.SliceData(body[pos:]), int(rawLen))
	pos += int(rawLen)
	rc, err := parseRawCommit(h, raw)
	if err != nil {
		return nil, nil, err
	}
	out, err = c.changesAt(i, body, pos, out)
	if err != nil {
		return nil, nil, err
	}
	return rc, out, nil
}

// recordChanges decodes the changes of record i, appending them to out.
func (c *historyCache) recordChanges(i int, out []change) ([]change, error) {
	body := c.data[c.starts[i]:c.ends[i]]
	rawLen, k := binary.Uvarint(body[20:])
	pos := 20 + k
	if k <= 0 || rawLen > uint64(len(body)-pos) {
		return nil, fmt.Errorf("commit %s: %w", c.hashes[i], errCacheRecord)
	}
	return c.changesAt(i, body, pos+int(rawLen), out)
}

// changesAt decodes the changes of record i, whose body is body, from pos.
func (c *historyCache) changesAt(i int, body []byte, pos int, out []change) ([]change, error) {
	h := c.hashes[i]
	var err error
	uv := func() uint64 {
		if pos >= len(body) {
			err = errCacheRecord
			return 0
		}
		v, k := binary.Uvarint(body[pos:])
		if k <= 0 {
			err = errCacheRecord
			return 0
		}
		pos += k
		return v
	}
	hash := func() (x plumbing.Hash) {
		if pos+20 > len(body) {
			err = errCacheRecord
			return
		}
		copy(x[:], body[pos:])
		pos += 20
		return
	}
	n := uv()
	for j := uint64(0); j < n && err == nil; j++ {
		if pos >= len(body) {
			err = errCacheRecord
			break
		}
		ch := change{status: body[pos]}
		pos++
		ch.oldMode, ch.newMode = uint32(uv()), uint32(uv())
		if ch.status != 'A' {
			ch.oldHash = hash()
		}
		if ch.status != 'D' {
			ch.newHash = hash()
		}
		l := uv()
		if err != nil || l > uint64(len(body)-pos) {
			err = errCacheRecord
			break
		}
		ch.path = unsafe.String(unsafe.SliceData(body[pos:]), int(l))
		ch.oldPath = ch.path
		pos += int(l)
		out = append(out, ch)
	}
	if err != nil {
		return nil, fmt.Errorf("commit %s: %w", h, err)
	}
	return out, nil
}

// verify checks the cached changes against the objects they describe:
// replayed from the root commit, every change must start from what the
// changes before it left at its path (an addition where nothing is, a
// deletion or modification of the blob and mode that are there), and
// what they leave after the newest commit must be exactly the files of
// that commit's tree, read from the repository. A forged change (another
// blob, a dropped or invented change) breaks the chain or the end state,
// whatever checksum the file carries.
func (c *historyCache) verify(s *objectStore) error {
	if c == nil || len(c.hashes) == 0 {
		return nil
	}
	type side struct {
		hash plumbing.Hash
		mode uint32
	}
	state := map[string]side{}
	var buf []change
	for i := range c.hashes {
		all, err := c.recordChanges(i, buf[:0])
		if err != nil {
			return err
		}
		buf = all
		for _, ch := range all {
			was, present := state[ch.path]
			bad := func(why string) error {
				return fmt.Errorf("commit %s: %s %s: %s", c.hashes[i], string(ch.status), ch.path, why)
			}
			switch ch.status {
			case 'A':
				if present {
					return bad("added where a file already is")
				}
				state[ch.path] = side{ch.newHash, ch.newMode}
			case 'D', 'M':
				if !present || was != (side{ch.oldHash, ch.oldMode}) {
					return bad("does not start from the file the commits before left")
				}
				if ch.status == 'D' {
					delete(state, ch.path)
				} else {
					state[ch.path] = side{ch.newHash, ch.newMode}
				}
			default:
				return bad("unknown status")
			}
		}
	}
	last := c.hashes[len(c.hashes)-1]
	rc, _, err := c.record(len(c.hashes)-1, nil)
	if err != nil {
		return err
	}
	n := 0
	err = s.walkFiles(rc.tree, "", nil, func(p string, e treeEntry) error {
		n++
		if got, ok := state[p]; !ok || got != (side{e.hash, e.mode}) {
			return fmt.Errorf("commit %s: %s is not what its tree holds", last, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if n != len(state) {
		return fmt.Errorf("commit %s: the changes leave %d files, its tree holds %d", last, len(state), n)
	}
	return nil
}

// appendRecord encodes a commit and its whole-tree changes as a record,
// length first.
func appendRecord(dst []byte, c *rawCommit, changes []change) []byte {
	var body []byte
	body = append(body, c.hash[:]...)
	body = binary.AppendUvarint(body, uint64(len(c.raw)))
	body = append(body, c.raw...)
	body = binary.AppendUvarint(body, uint64(len(changes)))
	for i := range changes {
		ch := &changes[i]
		body = append(body, ch.status)
		body = binary.AppendUvarint(body, uint64(ch.oldMode))
		body = binary.AppendUvarint(body, uint64(ch.newMode))
		if ch.status != 'A' {
			body = append(body, ch.oldHash[:]...)
		}
		if ch.status != 'D' {
			body = append(body, ch.newHash[:]...)
		}
		body = binary.AppendUvarint(body, uint64(len(ch.path)))
		body = append(body, ch.path...)
	}
	dst = binary.AppendUvarint(dst, uint64(len(body)))
	return append(dst, body...)
}

// saveHistoryCache writes the cache: the first keep records of old (which
// may be nil), then fresh, which holds encoded records newest first. The
// file is written to a temporary file and renamed over the old one; one
// that would be over limit is not written.
func saveHistoryCache(dir string, old *historyCache, keep int, fresh [][]byte, limit int64) error {
	size := len(historyCacheMagic) + 8
	kept := len(historyCacheMagic)
	if old != nil && keep > 0 {
		kept = old.ends[keep-1]
	} else {
		keep = 0
	}
	size += kept - len(historyCacheMagic)
	for _, r := range fresh {
		size += len(r)
	}
	if int64(size) > limit {
		return &TooLargeError{Path: filepath.Join(dir, historyCacheFile), Kind: "cache", Size: int64(size), Limit: limit}
	}
	buf := make([]byte, 0, size)
	buf = append(buf, historyCacheMagic...)
	if keep > 0 {
		buf = append(buf, old.data[len(historyCacheMagic):kept]...)
	}
	for i := len(fresh) - 1; i >= 0; i-- {
		buf = append(buf, fresh[i]...)
	}
	buf = binary.LittleEndian.AppendUint32(buf, uint32(keep+len(fresh)))
	buf = binary.LittleEndian.AppendUint32(buf, crc32.Checksum(buf, castagnoli))
	return writeFileAtomic(dir, historyCacheFile, buf)
}

// writeFileAtomic writes dir/name through a temporary file in dir and a
// rename, creating dir if needed.
func writeFileAtomic(dir, name string, data []byte) error {
	return atomicfile.Write(filepath.Join(dir, name), data, atomicfile.Options{})
}

// WriteCacheFile writes name in the repository's cache folder atomically,
// for caches kept by other packages; data over the cache limit is not
// written (a *TooLargeError).
func (r *Repo) WriteCacheFile(name string, data []byte) error {
	dir := r.cacheDir()
	if dir == "" {
		return errors.New("the repository is not on disk")
	}
	if int64(len(data)) > r.limits.Cache {
		return &TooLargeError{Path: filepath.Join(dir, name), Kind: "cache", Size: int64(len(data)), Limit: r.limits.Cache}
	}
	return writeFileAtomic(dir, name, data)
}

// ReadCacheFile reads a cache file (a path, as the folder CacheDir returns
// joined with a name), refusing one over MaxCacheSize, from its size, with
// a *TooLargeError before reading it, and anything but a regular file (a
// FIFO, a device, a symbolic link, which is not followed).
func ReadCacheFile(path string) ([]byte, error) {
	return readCacheFile(path, MaxCacheSize)
}

// readCacheFile reads a cache file that is a regular file of at most limit
// bytes. Anything else in its place is refused before it is opened (a
// FIFO would block the open, /dev/zero would never end): it is checked
// with Lstat, opened without following a link and without blocking, and
// checked again once open.
func readCacheFile(path string, limit int64) ([]byte, error) {
	info, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	notRegular := func(m os.FileMode) error {
		what := "not a regular file"
		switch {
		case m&os.ModeSymlink != 0:
			what = "a symbolic link"
		case m&os.ModeNamedPipe != 0:
			what = "a FIFO"
		case m&os.ModeDevice != 0:
			what = "a device"
		case m.IsDir():
			what = "a folder"
		}
		return fmt.Errorf("cache %s: %s, not a regular file; ignored (delete it)", path, what)
	}
	if !info.Mode().IsRegular() {
		return nil, notRegular(info.Mode())
	}
	if info.Size() > limit {
		return nil, &TooLargeError{Path: path, Kind: "cache", Size: info.Size(), Limit: limit}
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openNoFollow, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, notRegular(st.Mode())
	}
	if !os.SameFile(info, st) {
		return nil, fmt.Errorf("cache %s: replaced while it was opened; ignored", path)
	}
	data, err := readAtMost(f, path, st.Size(), limit)
	var tl *TooLargeError
	if errors.As(err, &tl) {
		tl.Kind = "cache"
	}
	return data, err
}

// gitDir returns the repository's Git folder ("" when not on disk).
func (r *Repo) gitDir() string {
	if r.fsStorage != nil {
		return r.fsStorage.Filesystem().Root()
	}
	return ""
}
