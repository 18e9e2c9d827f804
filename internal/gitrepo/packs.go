package gitrepo

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unsafe"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/klauspost/compress/zlib"
)

// This file is History's object reader. It reads pack files (mapped into
// memory where the system allows) and loose objects directly, also those of
// alternates, because going through go-git's packfile scanner costs a seek,
// a read and a SHA-1 per object, and made History three times slower than
// git log. A pack whose index is not of version 2 is refused with the fix
// (go-git cannot read version-1 indexes either). It inflates with klauspost/compress (already a module
// dependency), a tenth faster than compress/zlib here.

// pack is one pack file and its version-2 index, both mapped read-only.
type pack struct {
	name      string
	idx, data []byte
	release   []func() error
	count     int
	fanout    []byte // 256 big-endian counts
	names     []byte // count × 20
	offsets   []byte // count × 4
	large     []byte // 8-byte offsets
}

const (
	objCommit   = 1
	objTree     = 2
	objBlob     = 3
	objTag      = 4
	objOfsDelta = 6
	objRefDelta = 7
)

var objTypes = map[plumbing.ObjectType]byte{
	plumbing.CommitObject: objCommit, plumbing.TreeObject: objTree,
	plumbing.BlobObject: objBlob, plumbing.TagObject: objTag,
}

// newObjectReader opens the packs of objectsDir and of the object folders
// it borrows from (objects/info/alternates, followed as Git does, five
// levels deep). deltaBase is the limit of the objects a delta chain passes
// through.
func newObjectReader(objectsDir string, deltaBase int64) (*objectReader, error) {
	o := &objectReader{deltaBase: deltaBase}
	seen := map[string]bool{}
	var add func(dir string, depth int) error
	add = func(dir string, depth int) error {
		dir = filepath.Clean(dir)
		if seen[dir] || depth > 5 {
			return nil
		}
		seen[dir] = true
		o.dirs = append(o.dirs, dir)
		packs, err := openPacks(dir)
		if err != nil {
			return err
		}
		o.packs = append(o.packs, packs...)
		alt, err := readFileOS(filepath.Join(dir, "info", "alternates"), "file", maxGitFile)
		if errors.Is(err, ErrTooLarge) {
			return err
		}
		if err != nil {
			return nil
		}
		for _, line := range strings.Split(string(alt), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if !filepath.IsAbs(line) {
				line = filepath.Join(dir, line)
			}
			if err := add(line, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := add(objectsDir, 0); err != nil {
		o.close()
		return nil, err
	}
	return o, nil
}

// openPacks maps every pack of objectsDir that has a version-2 index.
func openPacks(objectsDir string) ([]*pack, error) {
	idxs, err := filepath.Glob(filepath.Join(objectsDir, "pack", "*.idx"))
	if err != nil {
		return nil, err
	}
	var packs []*pack
	for _, idx := range idxs {
		p, err := openPack(strings.TrimSuffix(idx, ".idx"))
		if err != nil {
			for _, p := range packs {
				p.close()
			}
			return nil, err
		}
		if p != nil {
			packs = append(packs, p)
		}
	}
	return packs, nil
}

// openPack returns nil, without error, for a pack it does not read (no pack
// file beside the index, or an index of version 1).
func openPack(base string) (*pack, error) {
	p := &pack{name: filepath.Base(base)}
	var err error
	if p.idx, err = p.mapFile(base + ".idx"); err != nil {
		p.close()
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	if len(p.idx) < 8 || string(p.idx[:4]) != "\xfftOc" || binary.BigEndian.Uint32(p.idx[4:]) != 2 {
		p.close()
		// A version-1 index (no magic) or an unknown version: neither this
		// reader nor go-git reads it, and a missing object would be a
		// silently different answer.
		return nil, fmt.Errorf("pack index %s.idx is not of version 2, the only one smsctl reads; rewrite it with git index-pack --index-version=2 (or git -c pack.indexVersion=2 repack -a -d)", filepath.Base(base))
	}
	if len(p.idx) < 8+1024 {
		p.close()
		return nil, fmt.Errorf("pack index %s.idx is truncated", filepath.Base(base))
	}
	p.fanout = p.idx[8 : 8+1024]
	p.count = int(binary.BigEndian.Uint32(p.fanout[1020:]))
	pos := 8 + 1024
	need := pos + p.count*(20+4+4) + 40
	if len(p.idx) < need {
		p.close()
		return nil, fmt.Errorf("pack index %s.idx is truncated", base)
	}
	p.names = p.idx[pos : pos+p.count*20]
	pos += p.count * 20
	pos += p.count * 4 // CRCs
	p.offsets = p.idx[pos : pos+p.count*4]
	pos += p.count * 4
	p.large = p.idx[pos : len(p.idx)-40]
	if p.data, err = p.mapFile(base + ".pack"); err != nil {
		p.close()
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	if len(p.data) < 12+20 || string(p.data[:4]) != "PACK" {
		p.close()
		return nil, fmt.Errorf("%s.pack is not a pack file", base)
	}
	return p, nil
}

func (p *pack) mapFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	data, release, err := mapFile(f, fi.Size())
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if release != nil {
		p.release = append(p.release, release)
	}
	return data, nil
}

func (p *pack) close() {
	for _, r := range p.release {
		_ = r()
	}
	p.release = nil
	p.idx, p.data = nil, nil
}

// find returns the offset of object h in the pack, or -1.
func (p *pack) find(h plumbing.Hash) int64 {
	lo := 0
	if h[0] > 0 {
		lo = int(binary.BigEndian.Uint32(p.fanout[(int(h[0])-1)*4:]))
	}
	hi := int(binary.BigEndian.Uint32(p.fanout[int(h[0])*4:]))
	key := binary.BigEndian.Uint64(h[:8])
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		name := p.names[mid*20 : mid*20+20]
		c := cmp.Compare(binary.BigEndian.Uint64(name), key)
		if c == 0 {
			c = bytes.Compare(name[8:], h[8:])
		}
		switch {
		case c == 0:
			off := binary.BigEndian.Uint32(p.offsets[mid*4:])
			if off&0x80000000 == 0 {
				return int64(off)
			}
			i := int(off&0x7fffffff) * 8
			if i+8 > len(p.large) {
				return -1
			}
			return int64(binary.BigEndian.Uint64(p.large[i:]))
		case c < 0:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return -1
}

// packKey names an object by where it is in a pack.
type packKey struct {
	p   *pack
	off int64
}

type cachedObject struct {
	typ  byte
	data string
}

// objectReader reads objects from packs and loose files.
type objectReader struct {
	dirs  []string // object folders: the repository's, then alternates
	packs []*pack
	zr    io.ReadCloser // reused inflater
	br    bytes.Reader
	file  *bufio.Reader // reused for loose objects
	// deltaBase is the limit of the objects a delta chain passes through
	// (see packObject).
	deltaBase int64
	scratch   []byte
	// bases caches inflated pack objects (delta bases and the objects
	// last read, which are often the bases of older versions).
	bases      map[packKey]cachedObject
	old        map[packKey]cachedObject
	basesBytes int
	// blobs, oldBlobs and blobsBytes are the same for blobs.
	blobs      map[packKey]cachedObject
	oldBlobs   map[packKey]cachedObject
	blobsBytes int
}

// deltaCacheBytes bounds one generation of the delta-base cache.
const deltaCacheBytes = 16 << 20

func (o *objectReader) close() {
	for _, p := range o.packs {
		p.close()
	}
	o.packs = nil
}

var errNotFound = errors.New("object not found")

// typeName names a pack or loose object type.
func typeName(typ byte) string {
	switch typ {
	case objCommit:
		return "commit"
	case objTree:
		return "tree"
	case objBlob:
		return "blob"
	case objTag:
		return "tag"
	}
	return "object"
}

// read returns object h's type and content, or errNotFound. It refuses,
// with a *TooLargeError and before inflating it, an object bigger than
// limit, and one whose delta chain passes through an object bigger than
// max(limit, o.deltaBase). A refusal whose Kind is "" is of the object
// asked for, whose type was not known yet (the caller knows what it asked
// for).
func (o *objectReader) read(h plumbing.Hash, limit int64) (byte, string, error) {
	return o.readDepth(h, limit, 0)
}

// readDepth is read for an object that depth deltas depend on.
func (o *objectReader) readDepth(h plumbing.Hash, limit int64, depth int) (byte, string, error) {
	for _, p := range o.packs {
		if off := p.find(h); off >= 0 {
			return o.packObject(p, off, h, limit, depth)
		}
	}
	return o.loose(h, limit)
}

// info returns object h's type and size from its headers alone: a loose
// object's first inflated bytes, a packed one's entry header, and for a
// delta the result size in the delta's header and the type at the end of
// its chain (the headers of the chain, nothing inflated).
func (o *objectReader) info(h plumbing.Hash) (byte, int64, error) {
	return o.infoDepth(h, 0)
}

func (o *objectReader) infoDepth(h plumbing.Hash, depth int) (byte, int64, error) {
	for _, p := range o.packs {
		if off := p.find(h); off >= 0 {
			return o.packInfo(p, off, depth)
		}
	}
	f, err := o.openLoose(h)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	typ, size, _, err := o.looseHeader(f, h)
	return typ, size, err
}

func (o *objectReader) packInfo(p *pack, off int64, depth int) (byte, int64, error) {
	typ, size, dataPos, baseOff, ref, err := p.header(off)
	if err != nil {
		return 0, 0, err
	}
	if typ != objOfsDelta && typ != objRefDelta {
		return typ, int64(size), nil
	}
	_, dst, err := o.deltaSizes(p.data[dataPos:])
	if err != nil {
		return 0, 0, fmt.Errorf("delta at %d in pack %s: %w", off, p.name, err)
	}
	for d := depth + 1; ; d++ {
		if d > MaxDeltaDepth {
			return 0, 0, fmt.Errorf("delta chain too long at %d in pack %s", off, p.name)
		}
		if typ == objOfsDelta {
			off = baseOff
		} else if boff := p.find(ref); boff >= 0 {
			off = boff
		} else {
			btyp, _, err := o.infoDepth(ref, d)
			if errors.Is(err, errNotFound) {
				return 0, 0, fmt.Errorf("delta base %s of an object in pack %s is missing", ref, p.name)
			}
			return btyp, int64(dst), err
		}
		if typ, _, _, baseOff, ref, err = p.header(off); err != nil {
			return 0, 0, err
		}
		if typ != objOfsDelta && typ != objRefDelta {
			return typ, int64(dst), nil
		}
	}
}

// openLoose opens loose object h in the first object folder that has it.
func (o *objectReader) openLoose(h plumbing.Hash) (*os.File, error) {
	hex := h.String()
	for _, dir := range o.dirs {
		f, err := os.Open(filepath.Join(dir, hex[:2], hex[2:]))
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	return nil, errNotFound
}

// looseHeader points the inflater at loose object f and reads its header
// ("blob 1234\x00"), inflating only the first bytes; rest is what it
// inflated beyond the header, the start of the content.
func (o *objectReader) looseHeader(f *os.File, h plumbing.Hash) (typ byte, size int64, rest []byte, err error) {
	if o.file == nil {
		o.file = bufio.NewReaderSize(f, 32<<10)
	} else {
		o.file.Reset(f)
	}
	if err := o.resetInflaterFrom(o.file); err != nil {
		return 0, 0, nil, fmt.Errorf("loose object %s: %w", h, err)
	}
	var buf [32]byte
	n, err := io.ReadFull(o.zr, buf[:])
	if err != nil && err != io.ErrUnexpectedEOF {
		return 0, 0, nil, fmt.Errorf("loose object %s: %w", h, err)
	}
	nul := bytes.IndexByte(buf[:n], 0)
	if nul < 0 {
		return 0, 0, nil, fmt.Errorf("loose object %s: no header", h)
	}
	kind, num, _ := strings.Cut(string(buf[:nul]), " ")
	switch kind {
	case "commit":
		typ = objCommit
	case "tree":
		typ = objTree
	case "blob":
		typ = objBlob
	case "tag":
		typ = objTag
	}
	size, err = strconv.ParseInt(num, 10, 64)
	if typ == 0 || err != nil || size < 0 || size > 1<<40 {
		return 0, 0, nil, fmt.Errorf("loose object %s: bad header %q", h, buf[:nul])
	}
	if int64(n-nul-1) > size {
		return 0, 0, nil, fmt.Errorf("loose object %s: longer than its header says", h)
	}
	return typ, size, bytes.Clone(buf[nul+1 : n]), nil
}

// loose reads loose object h, refusing it after its header when it is
// bigger than limit.
func (o *objectReader) loose(h plumbing.Hash, limit int64) (byte, string, error) {
	f, err := o.openLoose(h)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	typ, size, rest, err := o.looseHeader(f, h)
	if err != nil {
		return 0, "", err
	}
	if size > limit {
		return 0, "", &TooLargeError{Hash: h.String(), Kind: typeName(typ), Size: size, Limit: limit}
	}
	data := make([]byte, size)
	copy(data, rest)
	if _, err := io.ReadFull(o.zr, data[len(rest):]); err != nil {
		return 0, "", fmt.Errorf("loose object %s: %w", h, err)
	}
	// Nothing may follow the content, and reading to the end checks the
	// zlib checksum.
	var one [1]byte
	if n, err := io.ReadFull(o.zr, one[:]); n > 0 {
		return 0, "", fmt.Errorf("loose object %s: longer than its header says", h)
	} else if err != io.EOF {
		return 0, "", fmt.Errorf("loose object %s: %w", h, err)
	}
	return typ, bytesString(data), nil
}

// resetInflater points the reused zlib reader at data.
func (o *objectReader) resetInflater(data []byte) error {
	o.br.Reset(data)
	return o.resetInflaterFrom(&o.br)
}

// resetInflaterFrom points the reused zlib reader at r.
func (o *objectReader) resetInflaterFrom(r io.Reader) error {
	if o.zr == nil {
		zr, err := zlib.NewReader(r)
		if err != nil {
			return err
		}
		o.zr = zr
		return nil
	}
	return o.zr.(zlib.Resetter).Reset(r, nil)
}

// deltaSizes reads the base (source) and result sizes a delta starts with,
// inflating only the first bytes of its zlib data.
func (o *objectReader) deltaSizes(data []byte) (src, dst uint64, err error) {
	if err := o.resetInflater(data); err != nil {
		return 0, 0, err
	}
	var buf [2 * binary.MaxVarintLen64]byte
	n, err := io.ReadFull(o.zr, buf[:])
	if err != nil && err != io.ErrUnexpectedEOF {
		return 0, 0, err
	}
	src, k := binary.Uvarint(buf[:n])
	if k <= 0 {
		return 0, 0, errBadDelta
	}
	dst, k2 := binary.Uvarint(buf[k:n])
	if k2 <= 0 {
		return 0, 0, errBadDelta
	}
	return src, dst, nil
}

// inflate decompresses zlib data into a new buffer of exactly size bytes.
func (o *objectReader) inflate(data []byte, size int) ([]byte, error) {
	if err := o.resetInflater(data); err != nil {
		return nil, err
	}
	buf := make([]byte, size)
	if _, err := io.ReadFull(o.zr, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// inflateScratch inflates into a buffer reused by the next call.
func (o *objectReader) inflateScratch(data []byte, size int) ([]byte, error) {
	if err := o.resetInflater(data); err != nil {
		return nil, err
	}
	if cap(o.scratch) < size {
		o.scratch = make([]byte, size)
	}
	buf := o.scratch[:size]
	if _, err := io.ReadFull(o.zr, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// header reads a pack object's header at off.
func (p *pack) header(off int64) (typ byte, size int, dataPos int64, base int64, ref plumbing.Hash, err error) {
	d := p.data
	if off < 12 || off >= int64(len(d))-20 {
		return 0, 0, 0, 0, ref, fmt.Errorf("offset %d is outside pack %s", off, p.name)
	}
	pos := off
	c := d[pos]
	pos++
	typ = (c >> 4) & 7
	size = int(c & 15)
	shift := 4
	for c&0x80 != 0 {
		if pos >= int64(len(d)) || shift > 56 {
			return 0, 0, 0, 0, ref, fmt.Errorf("bad object header at %d in pack %s", off, p.name)
		}
		c = d[pos]
		pos++
		size |= int(c&0x7f) << shift
		shift += 7
	}
	switch typ {
	case objOfsDelta:
		if pos >= int64(len(d)) {
			return 0, 0, 0, 0, ref, fmt.Errorf("bad delta offset at %d in pack %s", off, p.name)
		}
		c = d[pos]
		pos++
		rel := int64(c & 0x7f)
		for c&0x80 != 0 {
			if pos >= int64(len(d)) {
				return 0, 0, 0, 0, ref, fmt.Errorf("bad delta offset at %d in pack %s", off, p.name)
			}
			c = d[pos]
			pos++
			rel = (rel+1)<<7 | int64(c&0x7f)
		}
		base = off - rel
		if rel <= 0 {
			return 0, 0, 0, 0, ref, fmt.Errorf("bad delta offset at %d in pack %s", off, p.name)
		}
	case objRefDelta:
		if pos+20 > int64(len(d)) {
			return 0, 0, 0, 0, ref, fmt.Errorf("bad delta base at %d in pack %s", off, p.name)
		}
		copy(ref[:], d[pos:pos+20])
		pos += 20
	case objCommit, objTree, objBlob, objTag:
	default:
		return 0, 0, 0, 0, ref, fmt.Errorf("unknown object type %d at %d in pack %s", typ, off, p.name)
	}
	if size > 1<<40 || pos >= int64(len(d)) {
		return 0, 0, 0, 0, ref, fmt.Errorf("bad object header at %d in pack %s", off, p.name)
	}
	return typ, size, pos, base, ref, nil
}

func (o *objectReader) cacheGet(k packKey) (cachedObject, bool) {
	if c, ok := o.bases[k]; ok {
		return c, true
	}
	if c, ok := o.blobs[k]; ok {
		return c, true
	}
	c, ok := o.old[k]
	if !ok {
		c, ok = o.oldBlobs[k]
	}
	if ok {
		o.cachePut(k, c)
	}
	return c, ok
}

func (o *objectReader) cachePut(k packKey, c cachedObject) {
	if len(c.data) > deltaCacheBytes/4 {
		return
	}
	// Blobs have a cache of their own: reading many blobs (an audit trail
	// reads two per change) must not push out the trees the walk reuses.
	bases, old, n := &o.bases, &o.old, &o.basesBytes
	if c.typ == objBlob {
		bases, old, n = &o.blobs, &o.oldBlobs, &o.blobsBytes
	}
	if *bases == nil || *n+len(c.data) > deltaCacheBytes {
		*old = *bases
		*bases = map[packKey]cachedObject{}
		*n = 0
	}
	(*bases)[k] = c
	*n += len(c.data)
}

// packObject returns object h, at off, resolving its delta chain. Sizes are
// checked from headers before anything they size is inflated or allocated:
// the object's against limit (for a delta, the result size in the delta's
// header, with its base's size, before the chain is followed), and every
// other object of the chain against max(limit, o.deltaBase) (the base at
// the end from its entry header, each delta's result from its header when
// it is patched); the chain's length against MaxDeltaDepth, where depth is
// the number of deltas that already depend on this object; and a delta's
// instructions against twice the limit of what they make.
func (o *objectReader) packObject(p *pack, off int64, h plumbing.Hash, limit int64, depth int) (byte, string, error) {
	type link struct {
		key     packKey
		size    int
		dataPos int64
	}
	var chain []link
	var base cachedObject
	key := packKey{p, off}
	lim, kind := limit, "" // the limit and kind of the object at key
	tooLarge := func(kind string, size int64, limit int64) error {
		return &TooLargeError{Hash: h.String(), Kind: kind, Size: size, Limit: limit}
	}
	for {
		if c, ok := o.cacheGet(key); ok {
			if int64(len(c.data)) > lim {
				return 0, "", tooLarge(cmp.Or(kind, typeName(c.typ)), int64(len(c.data)), lim)
			}
			base = c
			break
		}
		typ, size, dataPos, baseOff, ref, err := key.p.header(key.off)
		if err != nil {
			return 0, "", err
		}
		if typ == objOfsDelta || typ == objRefDelta {
			// A delta's instructions are about as long as what they make
			// when every byte is inserted; twice that is not a delta.
			if int64(size) > 2*lim+64 {
				return 0, "", tooLarge("delta", int64(size), 2*lim+64)
			}
			if len(chain) == 0 {
				// The object asked for: its size and its base's, from the
				// delta's header, before anything else is inflated. Deeper
				// in the chain, a delta's result is checked when it is
				// patched, before it is allocated, and the base at the end
				// from its entry header.
				src, dst, err := o.deltaSizes(key.p.data[dataPos:])
				if err != nil {
					return 0, "", fmt.Errorf("delta at %d in pack %s: %w", key.off, key.p.name, err)
				}
				if dst > uint64(lim) {
					return 0, "", tooLarge(kind, int64(min(dst, 1<<62)), lim)
				}
				if baseLim := max(limit, o.deltaBase); src > uint64(baseLim) {
					return 0, "", tooLarge("delta base", int64(min(src, 1<<62)), baseLim)
				}
			}
			chain = append(chain, link{key, size, dataPos})
			if depth+len(chain) > MaxDeltaDepth {
				return 0, "", fmt.Errorf("delta chain too long at %d in pack %s", off, p.name)
			}
			lim, kind = max(limit, o.deltaBase), "delta base"
			if typ == objOfsDelta {
				key.off = baseOff
				continue
			}
			if boff := key.p.find(ref); boff >= 0 {
				key.off = boff
				continue
			}
			btyp, bdata, err := o.readDepth(ref, lim, depth+len(chain))
			if err != nil {
				if errors.Is(err, errNotFound) {
					return 0, "", fmt.Errorf("delta base %s of an object in pack %s is missing", ref, p.name)
				}
				var tl *TooLargeError
				if errors.As(err, &tl) {
					return 0, "", tooLarge(kind, tl.Size, tl.Limit)
				}
				return 0, "", err
			}
			base = cachedObject{btyp, bdata}
			break
		}
		if int64(size) > lim {
			return 0, "", tooLarge(cmp.Or(kind, typeName(typ)), int64(size), lim)
		}
		data, err := o.inflate(key.p.data[dataPos:], size)
		if err != nil {
			return 0, "", fmt.Errorf("inflate object at %d in pack %s: %w", key.off, key.p.name, err)
		}
		base = cachedObject{typ, bytesString(data)}
		o.cachePut(key, base)
		break
	}
	for i := len(chain) - 1; i >= 0; i-- {
		l := chain[i]
		delta, err := o.inflateScratch(l.key.p.data[l.dataPos:], l.size)
		if err != nil {
			return 0, "", fmt.Errorf("inflate delta at %d in pack %s: %w", l.key.off, l.key.p.name, err)
		}
		lim, kind := max(limit, o.deltaBase), "delta base"
		if i == 0 {
			lim, kind = limit, typeName(base.typ)
		}
		data, err := patchDelta(base.data, delta, uint64(lim))
		var tl *TooLargeError
		if errors.As(err, &tl) {
			return 0, "", tooLarge(kind, tl.Size, lim)
		}
		if err != nil {
			return 0, "", fmt.Errorf("delta at %d in pack %s: %w", l.key.off, l.key.p.name, err)
		}
		base = cachedObject{base.typ, data}
		o.cachePut(l.key, base)
	}
	return base.typ, base.data, nil
}

var errBadDelta = errors.New("malformed delta")

// patchDelta applies a Git delta to base. A result over limit bytes, as the
// delta's header says, is refused (a *TooLargeError with its size) before
// it is allocated.
func patchDelta(base string, delta []byte, limit uint64) (string, error) {
	srcSize, n := binary.Uvarint(delta)
	if n <= 0 || srcSize != uint64(len(base)) {
		return "", errBadDelta
	}
	delta = delta[n:]
	dstSize, n := binary.Uvarint(delta)
	if n <= 0 {
		return "", errBadDelta
	}
	if dstSize > limit {
		return "", &TooLargeError{Size: int64(min(dstSize, 1<<62)), Limit: int64(min(limit, 1<<62))}
	}
	delta = delta[n:]
	// A strings.Builder grows without zeroing the memory it is about to
	// overwrite, and hands its buffer over as a string without a copy.
	var out strings.Builder
	out.Grow(int(dstSize))
	for len(delta) > 0 {
		op := delta[0]
		delta = delta[1:]
		switch {
		case op&0x80 != 0:
			var off, size uint64
			for i := range 4 {
				if op&(1<<i) != 0 {
					if len(delta) == 0 {
						return "", errBadDelta
					}
					off |= uint64(delta[0]) << (8 * i)
					delta = delta[1:]
				}
			}
			for i := range 3 {
				if op&(0x10<<i) != 0 {
					if len(delta) == 0 {
						return "", errBadDelta
					}
					size |= uint64(delta[0]) << (8 * i)
					delta = delta[1:]
				}
			}
			if size == 0 {
				size = 0x10000
			}
			if off+size > uint64(len(base)) || uint64(out.Len())+size > dstSize {
				return "", errBadDelta
			}
			out.WriteString(base[off : off+size])
		case op != 0:
			if int(op) > len(delta) || uint64(out.Len())+uint64(op) > dstSize {
				return "", errBadDelta
			}
			out.Write(delta[:op])
			delta = delta[op:]
		default:
			return "", errBadDelta
		}
	}
	if uint64(out.Len()) != dstSize {
		return "", errBadDelta
	}
	return out.String(), nil
}

// bytesString makes a string of b without copying; b must not be changed
// afterwards (every caller hands over a buffer it no longer uses).
func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
