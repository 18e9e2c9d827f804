// Package gitrepotest makes what tests of size limits need in a real Git
// repository: blobs of any size, written as Git writes them, in
// milliseconds and without holding their size in memory or on disk.
package gitrepotest

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/adler32"
	"io"
	"os"
	"path/filepath"

	"github.com/klauspost/compress/flate"
)

// knownZeroBlobs are the hashes `git hash-object` gave for blobs of zero
// bytes, so that a test does not hash a gigabyte each time; ZeroBlobHash
// computes the others.
var knownZeroBlobs = map[int64]string{1 << 30: "4fce05a4e4ed8cefef2d99f32c519b2fd7841b74"}

var zeroChunk = make([]byte, 1<<20)

// ZeroBlobHash is the hash of a blob of size zero bytes.
func ZeroBlobHash(size int64) string {
	if h, ok := knownZeroBlobs[size]; ok {
		return h
	}
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", size)
	CopyZeros(h, size)
	return hex.EncodeToString(h.Sum(nil))
}

// CopyZeros writes n zero bytes to w.
func CopyZeros(w io.Writer, n int64) error {
	for n > 0 {
		k := min(n, int64(len(zeroChunk)))
		if _, err := w.Write(zeroChunk[:k]); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// ZeroZlib writes a zlib stream of prefix and then n zero bytes, as a
// compressor would but without compressing n bytes: a chunk of zeros is
// deflated once, on its own, and its blocks are repeated (they end on a
// byte, after a flush, and refer to nothing before them); then come a final
// empty block and the Adler-32 of it all.
func ZeroZlib(w io.Writer, prefix []byte, n int64) error {
	deflated := func(data []byte) []byte {
		var buf bytes.Buffer
		fw, _ := flate.NewWriter(&buf, flate.BestSpeed)
		fw.Write(data)
		fw.Flush()
		return buf.Bytes()
	}
	out := bufio.NewWriter(w)
	out.Write([]byte{0x78, 0x01})
	out.Write(deflated(prefix))
	chunk := deflated(zeroChunk)
	for k := n / int64(len(zeroChunk)); k > 0; k-- {
		out.Write(chunk)
	}
	if rest := n % int64(len(zeroChunk)); rest > 0 {
		out.Write(deflated(zeroChunk[:rest]))
	}
	out.Write([]byte{0x01, 0x00, 0x00, 0xff, 0xff})
	// Adler-32: a zero byte adds nothing to a, and a to b.
	const mod = 65521
	sum := adler32.Checksum(prefix)
	a, b := uint64(sum&0xffff), uint64(sum>>16)
	b = (b + uint64(n%mod)*a) % mod
	binary.Write(out, binary.BigEndian, uint32(b<<16|a))
	return out.Flush()
}

// WriteZeroBlob writes a loose blob of size zero bytes into the objects of
// the Git folder gitDir and returns its hash.
func WriteZeroBlob(gitDir string, size int64) (string, error) {
	h := ZeroBlobHash(size)
	dir := filepath.Join(gitDir, "objects", h[:2])
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	f, err := os.Create(filepath.Join(dir, h[2:]))
	if err != nil {
		return "", err
	}
	if err := ZeroZlib(f, fmt.Appendf(nil, "blob %d\x00", size), size); err != nil {
		f.Close()
		return "", err
	}
	return h, f.Close()
}
