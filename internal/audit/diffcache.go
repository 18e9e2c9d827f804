package audit

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"unsafe"

	"github.com/smsctl/smsctl/internal/gitrepo"
	"github.com/smsctl/smsctl/internal/records"
)

// The diff cache keeps the semantic diffs of records that audit log has
// computed, in smsctl/diffs.cache under the Git folder, next to gitrepo's
// history cache. A diff is a function of the two files' paths and contents,
// so it is keyed by the paths and the blob hashes and never goes stale.
// diffCacheVersion is part of the file's magic line: bump it whenever
// records.DiffFiles changes what it returns, and older files are ignored.
//
// Layout: the magic line; records, each a key and a value; the number of
// records and the CRC-32C of everything before the CRC (little-endian
// uint32). Every string is its length (uvarint) and its bytes.
//
//	key:    status side side oldPath NUL newPath (one string), where
//	        each side (old, then new) is "-" when the file is absent
//	        on that side and "b" and the blob's hex name otherwise
//	value:  kind id note uvarint(#changes) (path old new)...
//
// The key says which side is absent: an addition of blob X at a path and
// the deletion of the same X at the same path (a revert, a
// delete-then-restore) are different diffs and must not share an entry.
const (
	diffCacheFile = "diffs.cache"
	// 2: blobs over gitrepo.MaxBlobSize are refused; 3: the key holds the
	// change's status and marks an absent side, so an addition and a
	// deletion of the same blob no longer share an entry.
	diffCacheVersion = 3
)

var diffCacheMagic = []byte(fmt.Sprintf("smsctl diff cache %d\n", diffCacheVersion))

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// diffResult is what the trail shows of one file change.
type diffResult struct {
	kind, id, note string
	changes        []records.FieldChange
}

// diffCache is the loaded cache and the entries computed since.
//
// A run asks for diffs in the order of the history, newest first, and the
// cache is written in the order the run asked: so the next run over the
// same history finds each diff where the one before ended (the cursor),
// reading the file front to back, and builds no index. A request that is
// not at the cursor (new commits, another selection) builds the index once
// and moves the cursor after what it found.
type diffCache struct {
	data   []byte // the file as read, without its trailer; never changed
	count  int    // records in data, from the trailer
	cursor int    // where the record expected next starts in data
	// index maps a key to where its record starts in data; nil until a
	// request misses the cursor.
	index map[string]int
	// bad is why data turned out unusable while indexing; data is then
	// ignored.
	bad   error
	added map[string][]byte // key -> encoded record, computed this run
	// order is every record this run used or added, in order, for save.
	order [][]byte
	// scratch holds the key being looked up, so a lookup allocates nothing.
	scratch []byte
	path    string
	hits    int // records found in data
}

// key writes the cache key of a file change into the cache's scratch
// buffer: the diff cache is used from one goroutine.
func (c *diffCache) key(fc gitrepo.FileChange) []byte {
	side := func(k []byte, blob string) []byte {
		if blob == "" {
			return append(k, '-')
		}
		k = append(k, 'b')
		return append(k, blob...)
	}
	k := append(c.scratch[:0], fc.Status)
	k = side(k, fc.OldBlob)
	k = side(k, fc.NewBlob)
	k = append(k, fc.OldPath...)
	k = append(k, 0)
	k = append(k, fc.Path...)
	c.scratch = k
	return k
}

// loadDiffCache reads the cache in dir; a missing or unusable file is an
// empty cache (and, when unusable, an error to report). The records are
// checked as they are read: the checksum covers the file, and each
// record's bounds are checked before it is used.
func loadDiffCache(dir string) (*diffCache, error) {
	if dir == "" {
		return &diffCache{}, nil // caching off: get finds nothing, put keeps nothing
	}
	path := filepath.Join(dir, diffCacheFile)
	c := &diffCache{added: map[string][]byte{}, path: path}
	data, err := gitrepo.ReadCacheFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, err
	}
	n := len(data)
	if !bytes.HasPrefix(data, diffCacheMagic) || n < len(diffCacheMagic)+8 {
		return c, fmt.Errorf("diff cache %s: not a cache file of this version", path)
	}
	if crc32.Checksum(data[:n-4], castagnoli) != binary.LittleEndian.Uint32(data[n-4:]) {
		return c, fmt.Errorf("diff cache %s: checksum mismatch", path)
	}
	c.data = data[:n-8]
	c.count = int(binary.LittleEndian.Uint32(data[n-8:]))
	c.cursor = len(diffCacheMagic)
	return c, nil
}

// buildIndex indexes data; on a malformed file it drops data and keeps
// why in c.bad.
func (c *diffCache) buildIndex() {
	c.index = make(map[string]int, c.count)
	fail := func(why string) {
		c.index, c.data, c.count = map[string]int{}, nil, 0
		c.bad = fmt.Errorf("diff cache %s: %s", c.path, why)
	}
	for pos := len(diffCacheMagic); pos < len(c.data); {
		key, next, ok := readString(c.data, pos)
		if !ok {
			fail("truncated record")
			return
		}
		end, ok := skipValue(c.data, next)
		if !ok {
			fail("truncated record")
			return
		}
		c.index[str(key)] = pos
		pos = end
	}
	if len(c.index) != c.count {
		fail("record count mismatch")
	}
}

// at decodes the record that starts at pos in data when its key is k,
// and returns where it ends.
func (c *diffCache) at(pos int, k []byte) (diffResult, int, bool) {
	if pos >= len(c.data) {
		return diffResult{}, 0, false
	}
	key, next, ok := readString(c.data, pos)
	if !ok || !bytes.Equal(key, k) {
		return diffResult{}, 0, false
	}
	end, ok := skipValue(c.data, next)
	if !ok {
		return diffResult{}, 0, false
	}
	return decodeValue(c.data, next), end, true
}

// get returns the cached result for a file change.
func (c *diffCache) get(fc gitrepo.FileChange) (diffResult, bool) {
	k := c.key(fc)
	pos := c.cursor
	r, end, ok := c.at(pos, k)
	if !ok && len(c.data) > 0 {
		if c.index == nil {
			c.buildIndex()
		}
		if pos, ok = c.index[string(k)]; ok {
			r, end, ok = c.at(pos, k)
		}
	}
	if ok {
		c.cursor = end
		c.hits++
		if c.added != nil {
			c.order = append(c.order, c.data[pos:end])
		}
		return r, true
	}
	if rec, ok := c.added[string(k)]; ok {
		_, next, _ := readString(rec, 0)
		return decodeValue(rec, next), true
	}
	return diffResult{}, false
}

// str is the string whose bytes are b: the cache's bytes (the file as read,
// and the records added) are never changed once written, so the strings
// decoded from them share them.
func str(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// readString reads a length-prefixed string at pos.
func readString(data []byte, pos int) ([]byte, int, bool) {
	l, k := binary.Uvarint(data[pos:])
	if k <= 0 || l > uint64(len(data)-pos-k) {
		return nil, 0, false
	}
	start := pos + k
	return data[start : start+int(l)], start + int(l), true
}

func skipValue(data []byte, pos int) (int, bool) {
	var ok bool
	for range 3 {
		if _, pos, ok = readString(data, pos); !ok {
			return 0, false
		}
	}
	n, k := binary.Uvarint(data[pos:])
	if k <= 0 || n > uint64(len(data)) {
		return 0, false
	}
	pos += k
	for range 3 * n {
		if _, pos, ok = readString(data, pos); !ok {
			return 0, false
		}
	}
	return pos, true
}

func decodeValue(data []byte, pos int) diffResult {
	var r diffResult
	var s []byte
	s, pos, _ = readString(data, pos)
	r.kind = str(s)
	s, pos, _ = readString(data, pos)
	r.id = str(s)
	s, pos, _ = readString(data, pos)
	r.note = str(s)
	n, k := binary.Uvarint(data[pos:])
	pos += k
	r.changes = make([]records.FieldChange, n)
	for i := range r.changes {
		var p, o, nw []byte
		p, pos, _ = readString(data, pos)
		o, pos, _ = readString(data, pos)
		nw, pos, _ = readString(data, pos)
		fc := records.FieldChange{Path: str(p)}
		if len(o) > 0 {
			fc.Old = o
		}
		if len(nw) > 0 {
			fc.New = nw
		}
		r.changes[i] = fc
	}
	return r
}

// put adds a computed result for a file change.
func (c *diffCache) put(f gitrepo.FileChange, r diffResult) {
	if c.added == nil {
		return
	}
	key := string(c.key(f))
	rec := appendString(nil, key)
	rec = appendString(rec, r.kind)
	rec = appendString(rec, r.id)
	rec = appendString(rec, r.note)
	rec = binary.AppendUvarint(rec, uint64(len(r.changes)))
	for _, fc := range r.changes {
		rec = appendString(rec, fc.Path)
		rec = appendString(rec, string(fc.Old))
		rec = appendString(rec, string(fc.New))
	}
	c.added[key] = rec
	c.order = append(c.order, rec)
}

func appendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// save writes the cache, if anything was added: first the records this run
// used, in the order it used them, then the others, so the next run over
// the same history reads the file front to back.
//
// A run that added nothing writes the cache again only when it read most
// of it out of order (a cache an older version or another selection
// wrote): a run over a few records leaves the order to the full runs.
func (c *diffCache) save(repo *gitrepo.Repo) error {
	reordered := c.index != nil && c.hits > 0 && c.hits*2 >= c.count
	if len(c.added) == 0 && !reordered {
		return nil
	}
	if c.data != nil && c.index == nil {
		c.buildIndex()
	}
	written := make(map[string]bool, len(c.order))
	buf := make([]byte, 0, len(c.data)+8+len(c.added)*256)
	buf = append(buf, diffCacheMagic...)
	n := 0
	add := func(rec []byte) {
		key, _, _ := readString(rec, 0)
		if k := str(key); !written[k] {
			written[k] = true
			buf = append(buf, rec...)
			n++
		}
	}
	for _, rec := range c.order {
		add(rec)
	}
	for pos := len(diffCacheMagic); pos < len(c.data); {
		_, next, _ := readString(c.data, pos)
		end, _ := skipValue(c.data, next)
		add(c.data[pos:end])
		pos = end
	}
	buf = binary.LittleEndian.AppendUint32(buf, uint32(n))
	buf = binary.LittleEndian.AppendUint32(buf, crc32.Checksum(buf, castagnoli))
	return repo.WriteCacheFile(diffCacheFile, buf)
}
