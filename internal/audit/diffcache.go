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
//	key:    oldBlob newBlob oldPath NUL newPath (one string; blobs in hex)
//	value:  kind id note uvarint(#changes) (path old new)...
const (
	diffCacheFile    = "diffs.cache"
	diffCacheVersion = 1
)

var diffCacheMagic = []byte(fmt.Sprintf("smsctl diff cache %d\n", diffCacheVersion))

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// diffResult is what the trail shows of one file change.
type diffResult struct {
	kind, id, note string
	changes        []records.FieldChange
}

// diffCache is the loaded cache and the entries computed since.
type diffCache struct {
	data  []byte            // the file as read, never changed
	index map[string]int    // key -> where its value starts in data
	added map[string][]byte // key -> encoded record, computed this run
	count int
}

func diffKey(fc gitrepo.FileChange) string {
	return fc.OldBlob + fc.NewBlob + fc.OldPath + "\x00" + fc.Path
}

// loadDiffCache reads the cache in dir; a missing or unusable file is an
// empty cache (and, when unusable, an error to report).
func loadDiffCache(dir string) (*diffCache, error) {
	if dir == "" {
		return &diffCache{}, nil // caching off: get finds nothing, put keeps nothing
	}
	c := &diffCache{index: map[string]int{}, added: map[string][]byte{}}
	path := filepath.Join(dir, diffCacheFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, err
	}
	bad := func(why string) (*diffCache, error) {
		return &diffCache{index: map[string]int{}, added: map[string][]byte{}}, fmt.Errorf("diff cache %s: %s", path, why)
	}
	n := len(data)
	if !bytes.HasPrefix(data, diffCacheMagic) || n < len(diffCacheMagic)+8 {
		return bad("not a cache file of this version")
	}
	if crc32.Checksum(data[:n-4], castagnoli) != binary.LittleEndian.Uint32(data[n-4:]) {
		return bad("checksum mismatch")
	}
	count := int(binary.LittleEndian.Uint32(data[n-8:]))
	c.data = data[:n-8]
	c.index = make(map[string]int, count)
	for pos := len(diffCacheMagic); pos < len(c.data); {
		key, next, ok := readString(c.data, pos)
		if !ok {
			return bad("truncated record")
		}
		end, ok := skipValue(c.data, next)
		if !ok {
			return bad("truncated record")
		}
		// The key's bytes stay in c.data, which is never changed.
		c.index[unsafe.String(unsafe.SliceData(key), len(key))] = next
		pos = end
	}
	if len(c.index) != count {
		return bad("record count mismatch")
	}
	c.count = count
	return c, nil
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

// get returns the cached result for a key.
func (c *diffCache) get(key string) (diffResult, bool) {
	pos, ok := c.index[key]
	if !ok {
		rec, ok := c.added[key]
		if !ok {
			return diffResult{}, false
		}
		_, pos, _ = readString(rec, 0)
		return decodeValue(rec, pos), true
	}
	return decodeValue(c.data, pos), true
}

func decodeValue(data []byte, pos int) diffResult {
	var r diffResult
	var s []byte
	s, pos, _ = readString(data, pos)
	r.kind = string(s)
	s, pos, _ = readString(data, pos)
	r.id = string(s)
	s, pos, _ = readString(data, pos)
	r.note = string(s)
	n, k := binary.Uvarint(data[pos:])
	pos += k
	r.changes = make([]records.FieldChange, n)
	for i := range r.changes {
		var p, o, nw []byte
		p, pos, _ = readString(data, pos)
		o, pos, _ = readString(data, pos)
		nw, pos, _ = readString(data, pos)
		fc := records.FieldChange{Path: string(p)}
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

// put adds a computed result.
func (c *diffCache) put(key string, r diffResult) {
	if c.added == nil {
		return
	}
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
}

func appendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// save writes the cache with what was added, if anything was.
func (c *diffCache) save(repo *gitrepo.Repo) error {
	if len(c.added) == 0 {
		return nil
	}
	size := len(c.data) + 8
	for _, rec := range c.added {
		size += len(rec)
	}
	buf := make([]byte, 0, size)
	if len(c.data) > 0 {
		buf = append(buf, c.data...)
	} else {
		buf = append(buf, diffCacheMagic...)
	}
	for _, rec := range c.added {
		buf = append(buf, rec...)
	}
	buf = binary.LittleEndian.AppendUint32(buf, uint32(c.count+len(c.added)))
	buf = binary.LittleEndian.AppendUint32(buf, crc32.Checksum(buf, castagnoli))
	return repo.WriteCacheFile(diffCacheFile, buf)
}
