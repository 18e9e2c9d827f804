package gitrepo

import (
	"bufio"
	"bytes"
	stdzlib "compress/zlib"
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/klauspost/compress/zlib"

	"github.com/smsctl/smsctl/internal/gitrepo/gitrepotest"
	"github.com/smsctl/smsctl/internal/records"
)

// The huge blob of these tests: 1 GiB of zero bytes, 1 MiB or so once
// compressed.
const hugeSize = 1 << 30

func writeZeroBlob(t testing.TB, gitDir string, size int64) string {
	t.Helper()
	h, err := gitrepotest.WriteZeroBlob(gitDir, size)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// The zlib streams of zeros are what zlib and git read back.
func TestZeroZlib(t *testing.T) {
	for _, n := range []int64{0, 5, 1 << 20, 3<<20 + 12345} {
		var buf bytes.Buffer
		if err := gitrepotest.ZeroZlib(&buf, []byte("head"), n); err != nil {
			t.Fatal(err)
		}
		zr, err := stdzlib.NewReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(zr)
		if err != nil || string(data) != "head"+string(make([]byte, n)) {
			t.Errorf("%d zeros: %d bytes read back, %v", n, len(data), err)
		}
	}
	b := smallSMS(t)
	h := writeZeroBlob(t, filepath.Join(b.dir, ".git"), 3<<20+12345)
	if out := b.git("cat-file", "-p", h); out != string(make([]byte, 3<<20+12345)) {
		t.Errorf("git cat-file -p reads %d bytes", len(out))
	}
}

// packEntry is one object of a pack written by writePack: content (data,
// or zeros zero bytes, streamed), or a delta (typ objOfsDelta) on the
// entry at index base.
type packEntry struct {
	typ   byte
	data  []byte
	zeros int64
	base  int
}

// writePack writes a version-2 pack and its index into the objects of
// gitDir, as Git lays them out, and returns the objects' hashes. It makes
// what Git does not write (deltas with lying headers, bases bigger than
// their objects) to test the reader against them.
func writePack(t testing.TB, gitDir string, entries []packEntry) []string {
	t.Helper()
	dir := filepath.Join(gitDir, "objects", "pack")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(dir, "tmp.pack")
	f, err := os.Create(tmp)
	if err != nil {
		t.Fatal(err)
	}
	packSum := sha1.New()
	bw := bufio.NewWriter(io.MultiWriter(f, packSum))
	var head [12]byte
	copy(head[:], "PACK")
	binary.BigEndian.PutUint32(head[4:], 2)
	binary.BigEndian.PutUint32(head[8:], uint32(len(entries)))
	bw.Write(head[:])
	pos := int64(12)
	type indexed struct {
		name [20]byte
		crc  uint32
		off  int64
	}
	var idx []indexed
	offs := make([]int64, len(entries))
	contents := make([][]byte, len(entries))
	hashes := make([]string, len(entries))
	typs := make([]byte, len(entries))
	zw, _ := zlib.NewWriterLevel(io.Discard, zlib.BestSpeed)
	for i, e := range entries {
		offs[i] = pos
		crc := crc32.NewIEEE()
		cw := &countWriter{w: io.MultiWriter(bw, crc)}
		size := int64(len(e.data)) + e.zeros
		// The entry header: type and size, then for a delta its base.
		c := e.typ<<4 | byte(size&15)
		size >>= 4
		var hdr []byte
		for size > 0 {
			hdr = append(hdr, c|0x80)
			c = byte(size & 0x7f)
			size >>= 7
		}
		hdr = append(hdr, c)
		var objHash hash.Hash = sha1.New()
		if e.typ == objOfsDelta {
			rel := pos - offs[e.base]
			ofs := []byte{byte(rel & 0x7f)}
			for rel >>= 7; rel != 0; rel >>= 7 {
				rel--
				ofs = append([]byte{0x80 | byte(rel&0x7f)}, ofs...)
			}
			hdr = append(hdr, ofs...)
			data, err := patchDelta(string(contents[e.base]), e.data, 1<<40)
			if err != nil {
				// A lying delta: it makes no object; name it anyway.
				data = string(e.data)
			}
			contents[i], typs[i] = []byte(data), typs[e.base]
			fmt.Fprintf(objHash, "%s %d\x00%s", typeName(typs[i]), len(data), data)
		} else if len(e.data) == 0 && e.zeros > 64<<20 && e.typ == objBlob {
			contents[i], typs[i] = nil, e.typ
			objHash = fixedHash(gitrepotest.ZeroBlobHash(e.zeros))
		} else {
			contents[i], typs[i] = e.data, e.typ
			if e.zeros > 0 && e.zeros <= 64<<20 {
				contents[i] = append(e.data, make([]byte, e.zeros)...) // a base of deltas
			}
			fmt.Fprintf(objHash, "%s %d\x00", typeName(e.typ), int64(len(e.data))+e.zeros)
			objHash.Write(e.data)
			if e.zeros > 0 {
				gitrepotest.CopyZeros(objHash, e.zeros)
			}
		}
		cw.Write(hdr)
		if e.zeros > 0 && len(e.data) == 0 {
			gitrepotest.ZeroZlib(cw, nil, e.zeros)
		} else {
			zw.Reset(cw)
			zw.Write(e.data)
			gitrepotest.CopyZeros(zw, e.zeros)
			zw.Close()
		}
		pos += cw.n
		var name [20]byte
		copy(name[:], objHash.Sum(nil))
		hashes[i] = hex.EncodeToString(name[:])
		idx = append(idx, indexed{name, crc.Sum32(), offs[i]})
	}
	bw.Flush()
	sum := packSum.Sum(nil)
	f.Write(sum)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	sort.Slice(idx, func(i, j int) bool { return bytes.Compare(idx[i].name[:], idx[j].name[:]) < 0 })
	var out bytes.Buffer
	out.WriteString("\xfftOc")
	binary.Write(&out, binary.BigEndian, uint32(2))
	for b := range 256 {
		n := sort.Search(len(idx), func(i int) bool { return int(idx[i].name[0]) > b })
		binary.Write(&out, binary.BigEndian, uint32(n))
	}
	for _, e := range idx {
		out.Write(e.name[:])
	}
	for _, e := range idx {
		binary.Write(&out, binary.BigEndian, e.crc)
	}
	for _, e := range idx {
		binary.Write(&out, binary.BigEndian, uint32(e.off))
	}
	out.Write(sum)
	idxSum := sha1.Sum(out.Bytes())
	out.Write(idxSum[:])
	base := filepath.Join(dir, "pack-"+hex.EncodeToString(sum))
	if err := os.WriteFile(base+".idx", out.Bytes(), 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, base+".pack"); err != nil {
		t.Fatal(err)
	}
	return hashes
}

// fixedHash is a hash.Hash whose sum is known.
type fixedHash string

func (f fixedHash) Write(p []byte) (int, error) { return len(p), nil }
func (f fixedHash) Sum(b []byte) []byte {
	sum, _ := hex.DecodeString(string(f))
	return append(b, sum...)
}
func (f fixedHash) Reset()         {}
func (f fixedHash) Size() int      { return sha1.Size }
func (f fixedHash) BlockSize() int { return sha1.BlockSize }

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// allocated runs f and returns the bytes it allocated (the heap's total
// growth, an upper bound of its peak) and the time it took.
func allocated(f func()) (uint64, time.Duration) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	f()
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, took
}

// smallSMS starts a repository with a small SMS committed.
func smallSMS(t *testing.T) *repoBuilder {
	t.Helper()
	b := newRepoBuilder(t)
	b.write("sms.cue", "package sms\n")
	b.write("services/web.cue", "package sms\n")
	b.git("add", "-A")
	b.commit("Set up")
	return b
}

// A 1 GiB blob, loose and packed, as a record file at HEAD: TreeFS reports
// its size from the header and refuses to read it, the loader turns it
// into a finding on that file, and History and Blob refuse it, each within
// a few megabytes and promptly.
func TestHugeBlobRefusedFromItsHeader(t *testing.T) {
	for _, packed := range []bool{false, true} {
		name := "loose"
		if packed {
			name = "packed"
		}
		t.Run(name, func(t *testing.T) {
			b := smallSMS(t)
			gitDir := filepath.Join(b.dir, ".git")
			var blob string
			if packed {
				blob = writePack(t, gitDir, []packEntry{{typ: objBlob, zeros: hugeSize}})[0]
			} else {
				blob = writeZeroBlob(t, gitDir, hugeSize)
			}
			if got := strings.TrimSpace(b.git("cat-file", "-s", blob)); got != fmt.Sprint(hugeSize) {
				t.Fatalf("git cat-file -s %s = %s", blob, got)
			}
			b.git("update-index", "--add", "--cacheinfo", "100644,"+blob+",services/big.cue")
			head := b.commit("Add a big file")
			repo := openRepo(t, b.dir)
			c, err := repo.Resolve("HEAD")
			if err != nil {
				t.Fatal(err)
			}
			fsys, err := repo.FS(c, "")
			if err != nil {
				t.Fatal(err)
			}
			const few = 4 << 20 // "a few megabytes"

			var info fs.FileInfo
			n, took := allocated(func() { info, err = fsys.Stat("services/big.cue") })
			t.Logf("Stat: %d bytes allocated, %v", n, took)
			if err != nil || info.Size() != hugeSize {
				t.Fatalf("Stat = %v, %v", info, err)
			}
			if n > few {
				t.Errorf("Stat allocated %d bytes", n)
			}
			n, _ = allocated(func() {
				entries, _ := fsys.ReadDir("services")
				info, err = entries[0].Info()
			})
			if err != nil || info.Size() != hugeSize || n > few {
				t.Errorf("ReadDir's Info = %v, %v, %d bytes allocated", info, err, n)
			}

			var data []byte
			n, took = allocated(func() { data, err = fsys.ReadFile("services/big.cue") })
			t.Logf("ReadFile: %d bytes allocated, %v", n, took)
			want := "services/big.cue at " + head[:12] + ": blob 1073741824 bytes, over the 1 MiB limit for records"
			var tl *TooLargeError
			if !errors.As(err, &tl) || !errors.Is(err, ErrTooLarge) || err.Error() != want || data != nil {
				t.Fatalf("ReadFile: %v (%T), want %q", err, err, want)
			}
			if tl.Path != "services/big.cue" || tl.Rev != head || tl.Hash != blob || tl.Size != hugeSize || tl.Limit != MaxBlobSize {
				t.Errorf("ReadFile's error: %+v", tl)
			}
			if n > few {
				t.Errorf("ReadFile allocated %d bytes", n)
			}
			f, err := fsys.Open("services/big.cue")
			if err != nil {
				t.Fatal(err)
			}
			n, _ = allocated(func() { _, err = f.Read(make([]byte, 10)) })
			if !errors.Is(err, ErrTooLarge) || n > few {
				t.Errorf("Read: %v, %d bytes allocated", err, n)
			}

			var loaded *records.Repository
			n, took = allocated(func() { loaded, err = records.Load(fsys, records.Options{Workers: 1}) })
			t.Logf("records.Load: %d bytes allocated, %v", n, took)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, fd := range loaded.Findings {
				if fd.File == "services/big.cue" && fd.Rule == "file" && strings.Contains(fd.Message, "1073741824 bytes, over the") {
					found = true
				}
			}
			if !found {
				t.Errorf("no finding on services/big.cue: %+v", loaded.Findings)
			}
			if n > hugeSize/8 {
				t.Errorf("records.Load allocated %d bytes", n)
			}

			var blobErr error
			var changes []FileChange
			n, took = allocated(func() {
				err = repo.History(HistoryOptions{Renames: true}, func(c *HistoryCommit) error {
					if c.Hash == head {
						changes = c.Changes
						_, blobErr = repo.Blob(blob)
					}
					return nil
				})
			})
			t.Logf("History and Blob: %d bytes allocated, %v", n, took)
			if err != nil || len(changes) != 1 || changes[0].Path != "services/big.cue" || !errors.Is(blobErr, ErrTooLarge) {
				t.Errorf("History: %v, %+v, Blob: %v", err, changes, blobErr)
			}
			if n > few || took > 5*time.Second {
				t.Errorf("History and Blob allocated %d bytes in %v", n, took)
			}
			br, err := repo.BlobReader()
			if err != nil {
				t.Fatal(err)
			}
			defer br.Close()
			if _, err := br.Blob(blob); !errors.Is(err, ErrTooLarge) {
				t.Errorf("BlobReader.Blob: %v", err)
			}
			if _, err := repo.Blob(blob); !errors.Is(err, ErrTooLarge) {
				t.Errorf("Blob outside History: %v", err)
			}
		})
	}
}

// A 64 MiB blob in a pack that git repack wrote, and in one where it is
// stored as a delta: refused from the pack entry's header, or from the
// result size in the delta's header, before anything is patched.
func TestLargeBlobPackedByGit(t *testing.T) {
	b := smallSMS(t)
	gitDir := filepath.Join(b.dir, ".git")
	const size = 64 << 20
	blob := writeZeroBlob(t, gitDir, size)
	// A record file of 300 KB in two versions, for a delta.
	var text strings.Builder
	for i := range 6000 {
		fmt.Fprintf(&text, "// line %d of a long comment in a record file\n", i)
	}
	b.write("services/long.cue", "package sms\n"+text.String())
	b.git("add", "-A")
	b.git("update-index", "--add", "--cacheinfo", "100644,"+blob+",services/big.cue")
	b.commit("Add a big file and a long one")
	b.write("services/long.cue", "package sms\n"+text.String()+"// one more line\n")
	b.git("add", "services/long.cue")
	b.commit("Edit the long one")
	b.git("-c", "pack.compression=1", "repack", "-a", "-d", "-q", "-f", "--window=10", "--depth=10")
	if out := b.git("count-objects", "-v"); !strings.Contains(out, "count: 0") {
		t.Fatalf("loose objects left: %s", out)
	}
	repo := openRepo(t, b.dir)
	var n uint64
	var err error
	n, _ = allocated(func() { _, err = repo.Blob(blob) })
	if !errors.Is(err, ErrTooLarge) || n > 4<<20 {
		t.Errorf("Blob: %v, %d bytes allocated", err, n)
	}
	// Which version is the delta is git's choice: read both with a limit
	// under their size.
	repo.SetLimits(Limits{Blob: 100 << 10})
	deltas := 0
	for _, rev := range []string{"HEAD", "HEAD~1"} {
		h := strings.TrimSpace(b.git("rev-parse", rev+":services/long.cue"))
		n, _ = allocated(func() { _, err = repo.Blob(h) })
		var tl *TooLargeError
		if !errors.As(err, &tl) || tl.Kind != "blob" || tl.Size < 250<<10 || tl.Limit != 100<<10 || n > 200<<10 {
			t.Errorf("%s: %v, %d bytes allocated", rev, err, n)
		}
		if isDelta(t, repo, h) {
			deltas++
		}
	}
	if deltas == 0 {
		t.Error("git stored neither version as a delta")
	}
	repo.SetLimits(Limits{})
	for _, rev := range []string{"HEAD", "HEAD~1"} {
		h := strings.TrimSpace(b.git("rev-parse", rev+":services/long.cue"))
		if _, err := repo.Blob(h); err != nil {
			t.Errorf("%s under the default limit: %v", rev, err)
		}
	}
}

// isDelta tells whether object h is stored as a delta in a pack of repo.
func isDelta(t *testing.T, repo *Repo, h string) bool {
	t.Helper()
	s, err := repo.openStore()
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	for _, p := range s.reader.packs {
		if off := p.find(plumbing.NewHash(h)); off >= 0 {
			typ, _, _, _, _, err := p.header(off)
			if err != nil {
				t.Fatal(err)
			}
			return typ == objOfsDelta || typ == objRefDelta
		}
	}
	t.Fatalf("%s is in no pack", h)
	return false
}

// Packs Git would not write: a small blob whose delta base is over the
// limit of delta bases, a delta whose header claims a result of 2 GiB, a
// chain longer than MaxDeltaDepth. Each is refused from headers.
func TestDeltaChainsCheckedFromHeaders(t *testing.T) {
	b := smallSMS(t)
	gitDir := filepath.Join(b.dir, ".git")
	delta := func(src, dst uint64, ops ...byte) []byte {
		d := binary.AppendUvarint(nil, src)
		d = binary.AppendUvarint(d, dst)
		return append(d, ops...)
	}
	const big = 3 << 20
	entries := []packEntry{
		{typ: objBlob, zeros: big},                                          // 0: a 3 MiB base
		{typ: objOfsDelta, base: 0, data: delta(big, 10, 0x90, 10)},         // 1: 10 bytes from it
		{typ: objBlob, data: []byte("hello, world")},                        // 2: a small base
		{typ: objOfsDelta, base: 2, data: delta(12, 2<<30, 0x90, 5)},        // 3: claims 2 GiB
		{typ: objOfsDelta, base: 2, data: delta(12, 5, 0x90, 5)},            // 4: "hello"
		{typ: objOfsDelta, base: 2, data: delta(1<<40, 5, 0x90, 5)},         // 5: claims a 1 TiB base
		{typ: objOfsDelta, base: 2, data: delta(12, 12, 0x90, 12, 0x00, 0)}, // 6: instructions too long for what they make (reserved op: never applied)
	}
	entries[6].data = append(entries[6].data, make([]byte, 300)...)
	// 8 makes 3 MiB from a 64 KiB base (48 copies of all of it); 9, on 8,
	// claims a base of 5 bytes: the 3 MiB are refused when 8 is patched,
	// before they are allocated.
	copies := bytes.Repeat([]byte{0x80}, 48) // copy 0x10000 bytes from offset 0
	entries = append(entries,
		packEntry{typ: objBlob, zeros: 64 << 10},                                    // 7
		packEntry{typ: objOfsDelta, base: 7, data: delta(64<<10, 3<<20, copies...)}, // 8
		packEntry{typ: objOfsDelta, base: 8, data: delta(5, 5, 0x90, 5)},            // 9
	)
	// A chain of MaxDeltaDepth+1 deltas on "hello, world", each adding a
	// byte to the one before (so that each is another object).
	for i := range MaxDeltaDepth + 1 {
		base := 2
		if i > 0 {
			base = len(entries) - 1
		}
		n := uint64(12 + i)
		entries = append(entries, packEntry{typ: objOfsDelta, base: base, data: delta(n, n+1, 0xb0, byte(n), byte(n>>8), 1, 'x')})
	}
	hashes := writePack(t, gitDir, entries)
	if out := b.git("cat-file", "-s", hashes[1]); strings.TrimSpace(out) != "10" {
		t.Fatalf("git reads the pack differently: %s", out)
	}
	repo := openRepo(t, b.dir)
	repo.SetLimits(Limits{DeltaBase: 2 << 20})
	read := func(i int) (uint64, error) {
		var err error
		n, _ := allocated(func() { _, err = repo.Blob(hashes[i]) })
		return n, err
	}
	tooLarge := func(i int, kind string, size, limit int64) {
		t.Helper()
		n, err := read(i)
		var tl *TooLargeError
		if !errors.As(err, &tl) || tl.Kind != kind || tl.Size != size || tl.Limit != limit || tl.Hash != hashes[i] {
			t.Errorf("entry %d: %v, want a %s of %d bytes over %d", i, err, kind, size, limit)
		}
		if n > 1<<20 {
			t.Errorf("entry %d: %d bytes allocated", i, n)
		}
	}
	tooLarge(1, "delta base", big, 2<<20)
	tooLarge(3, "blob", 2<<30, MaxBlobSize)
	tooLarge(5, "delta base", 1<<40, 2<<20)
	tooLarge(9, "delta base", 3<<20, 2<<20)
	if data, err := repo.Blob(hashes[4]); err != nil || string(data) != "hello" {
		t.Errorf("entry 4 = %q, %v", data, err)
	}
	// The chain over MaxDeltaDepth first: the one under it leaves its
	// objects in the cache.
	if _, err := repo.Blob(hashes[len(hashes)-1]); err == nil || !strings.Contains(err.Error(), "delta chain too long") {
		t.Errorf("a chain over MaxDeltaDepth: %v", err)
	}
	if data, err := repo.Blob(hashes[len(hashes)-2]); err != nil || string(data) != "hello, world"+strings.Repeat("x", MaxDeltaDepth) {
		t.Errorf("a chain of MaxDeltaDepth: %q, %v", data, err)
	}
	// With a base limit over its size, the 10 bytes are read.
	repo.SetLimits(Limits{DeltaBase: 4 << 20})
	if data, err := repo.Blob(hashes[1]); err != nil || string(data) != string(make([]byte, 10)) {
		t.Errorf("entry 1 = %q, %v", data, err)
	}
	// Instructions far longer than the limit of what they make.
	repo.SetLimits(Limits{Blob: 100})
	tooLarge(6, "delta", int64(len(entries[6].data)), 2*100+64)
}

// Trees, commits and notes have limits of their own; a loose object whose
// header claims more than it holds is refused from the header.
func TestTreeCommitAndNoteLimits(t *testing.T) {
	b := smallSMS(t)
	for i := range 50 {
		b.write(fmt.Sprintf("changes/2026/CHG-2026-%04d.cue", i), "package sms\n")
	}
	b.git("add", "-A")
	b.commit(strings.Repeat("A long message. ", 200))
	b.git("notes", "--ref", "smsctl", "add", "-m", strings.Repeat("evidence ", 100), "HEAD")
	repo := openRepo(t, b.dir)
	repo.SetLimits(Limits{Tree: 1 << 10, Commit: 2 << 10, Note: 100})
	first, err := repo.Resolve(strings.TrimSpace(b.git("rev-parse", "HEAD~1")))
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := repo.FS(first, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fsys.ReadFile("sms.cue"); err != nil {
		t.Fatal(err)
	}
	if _, err := repo.Resolve("HEAD"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Resolve of a commit over the limit: %v", err)
	}
	err = repo.History(HistoryOptions{}, func(*HistoryCommit) error { return nil })
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Kind != "commit" || tl.Limit != 2<<10 {
		t.Errorf("History over a commit over the limit: %v", err)
	}
	if _, err := repo.Notes(NotesRef); !errors.As(err, &tl) || tl.Kind != "note" {
		t.Errorf("Notes: %v", err)
	}
	repo.SetLimits(Limits{Tree: 1 << 10})
	c, err := repo.Resolve("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	fsys, err = repo.FS(c, "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = fsys.ReadDir("changes/2026")
	if !errors.As(err, &tl) || tl.Kind != "tree" || tl.Path != "changes/2026" || tl.Rev != c.Hash {
		t.Errorf("ReadDir of a tree over the limit: %v", err)
	}
	if want := "changes/2026 at " + c.Hash[:12] + ": tree "; err == nil || !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), "over the 1 KiB limit for trees") {
		t.Errorf("message %q", err)
	}
	if _, err := repo.PathsEver(c, ""); !errors.Is(err, ErrTooLarge) {
		t.Errorf("PathsEver: %v", err)
	}

	// A loose object whose header claims 1 TiB.
	repo.SetLimits(Limits{})
	gitDir := filepath.Join(b.dir, ".git")
	lie := writeLoose(t, gitDir, "blob 1099511627776\x00tiny")
	if _, err := repo.Blob(lie); !errors.As(err, &tl) || tl.Size != 1<<40 {
		t.Errorf("a lying loose header: %v", err)
	}
	short := writeLoose(t, gitDir, "blob 4\x00tiny, and more")
	if _, err := repo.Blob(short); err == nil || !strings.Contains(err.Error(), "longer than its header says") {
		t.Errorf("a loose object longer than its header: %v", err)
	}
}

// writeLoose writes a loose object of raw content (header included) under
// the name of its hash, and returns the hash.
func writeLoose(t *testing.T, gitDir, raw string) string {
	t.Helper()
	sum := sha1.Sum([]byte(raw))
	h := hex.EncodeToString(sum[:])
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	zw.Write([]byte(raw))
	zw.Close()
	p := filepath.Join(gitDir, "objects", h[:2], h[2:])
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o444); err != nil {
		t.Fatal(err)
	}
	return h
}

func TestTooLargeErrorMessages(t *testing.T) {
	for _, tt := range []struct {
		err  *TooLargeError
		want string
	}{
		{&TooLargeError{Path: "services/x.cue", Rev: strings.Repeat("ab", 20), Kind: "blob", Size: 1 << 30, Limit: MaxBlobSize},
			"services/x.cue at abababababab: blob 1073741824 bytes, over the 1 MiB limit for records"},
		{&TooLargeError{Path: "policies/a.rego", Kind: "file", Size: 2 << 20, Limit: MaxBlobSize},
			"policies/a.rego: file 2097152 bytes, over the 1 MiB limit for policies"},
		{&TooLargeError{Hash: strings.Repeat("cd", 20), Kind: "tree", Size: 100 << 20, Limit: MaxTreeSize},
			"object " + strings.Repeat("cd", 20) + ": tree 104857600 bytes, over the 64 MiB limit for trees"},
		{&TooLargeError{Path: ".github/CODEOWNERS", Kind: "file", Size: 1500, Limit: 1000},
			".github/CODEOWNERS: file 1500 bytes, over the 1000 bytes limit for repository files"},
	} {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got  %q\nwant %q", got, tt.want)
		}
		if !errors.Is(fmt.Errorf("wrapped: %w", tt.err), ErrTooLarge) {
			t.Errorf("%v does not match ErrTooLarge", tt.err)
		}
	}
	if MaxBlobSize != records.MaxFileSize {
		t.Errorf("MaxBlobSize %d differs from records.MaxFileSize %d", MaxBlobSize, records.MaxFileSize)
	}
}

// ReadFile checks the size from Stat on any file system, and a file that
// grows while it is read.
func TestReadFileChecksStatFirst(t *testing.T) {
	fsys := fstest.MapFS{"a.cue": {Data: make([]byte, 2000)}, "b.cue": {Data: []byte("small")}}
	if _, err := ReadFile(fsys, "a.cue", 1000); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "a.cue: file 2000 bytes, over the 1000 bytes limit for records") {
		t.Errorf("a.cue: %v", err)
	}
	if data, err := ReadFile(fsys, "b.cue", 1000); err != nil || string(data) != "small" {
		t.Errorf("b.cue: %q, %v", data, err)
	}
	if _, err := ReadFile(lyingFS{fsys}, "a.cue", 1000); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a file bigger than Stat says: %v", err)
	}
	if _, err := ReadFile(fsys, "none", 1000); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
}

// lyingFS reports every file as empty.
type lyingFS struct{ fstest.MapFS }

func (l lyingFS) Open(name string) (fs.File, error) {
	f, err := l.MapFS.Open(name)
	return lyingFile{f}, err
}

type lyingFile struct{ fs.File }

func (l lyingFile) Stat() (fs.FileInfo, error) {
	info, err := l.File.Stat()
	return zeroInfo{info}, err
}

type zeroInfo struct{ fs.FileInfo }

func (zeroInfo) Size() int64 { return 0 }

// TreeFS is an fs.FS by the book, and Stat reads headers only.
func TestTreeFSConformsAndLooksUpByBinarySearch(t *testing.T) {
	b := smallSMS(t)
	names := []string{"a", "a.b", "a-b", "a0", "ab"}
	for _, n := range names {
		b.write("t/"+n+"/x.cue", "package sms\n")
		b.write("t/"+n+".cue", "package sms\n// "+n+"\n")
	}
	b.write("t/a.c", "file beside folders")
	b.git("add", "-A")
	b.commit("Names that sort differently as files and folders")
	repo := openRepo(t, b.dir)
	c, err := repo.Resolve("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := repo.FS(c, "")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"sms.cue", "services/web.cue", "t/a.c"}
	for _, n := range names {
		want = append(want, "t/"+n+"/x.cue", "t/"+n+".cue")
	}
	if err := fstest.TestFS(fsys, want...); err != nil {
		t.Error(err)
	}
	for _, n := range names {
		if data, err := fs.ReadFile(fsys, "t/"+n+".cue"); err != nil || !strings.Contains(string(data), "// "+n+"\n") {
			t.Errorf("t/%s.cue = %q, %v", n, data, err)
		}
		if info, err := fs.Stat(fsys, "t/"+n); err != nil || !info.IsDir() {
			t.Errorf("t/%s: %v, %v", n, info, err)
		}
	}
	if _, err := fs.Stat(fsys, "t/a.d"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
	// The tree's entries are in Git's order, which is not the order by name.
	tree := strings.TrimSpace(b.git("rev-parse", "HEAD:t"))
	r := openRepo(t, b.dir)
	r.mu.Lock()
	s, _ := r.sharedStoreLocked()
	rt, err := s.tree(plumbing.NewHash(tree))
	r.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for i := range rt.len() {
		order = append(order, rt.entry(i).name)
	}
	if sort.StringsAreSorted(order) {
		t.Errorf("Git's order happens to be sorted: %v", order)
	}
}
