package gitrepo

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strconv"
)

// Every read of repository content, from the work tree or from Git, checks
// the size first: a file's size from Stat, an object's from its header (a
// loose object's after inflating its first bytes, a packed one's from the
// pack entry, a delta's from the delta's own header), before anything is
// inflated or allocated. Content over its limit is refused with a
// *TooLargeError. The limits are documented in the README.
const (
	// MaxBlobSize bounds a file read from a tree or the work tree: records
	// and sms.cue (it equals records.MaxFileSize), policies, CODEOWNERS,
	// and the blobs audit log compares. Rename detection scores files up
	// to this size; a bigger file is paired only when it is unchanged.
	MaxBlobSize = 1 << 20
	// MaxNoteSize bounds a note under refs/notes/smsctl or
	// refs/notes/smsctl-checkpoints (evidence is a few kilobytes).
	MaxNoteSize = 4 << 20
	// MaxTreeSize bounds one tree object, about a million entries.
	MaxTreeSize = 64 << 20
	// MaxCommitSize bounds one commit or tag object, signature and message
	// included.
	MaxCommitSize = 4 << 20
	// MaxDeltaBaseSize bounds every object a delta chain passes through on
	// the way to the object asked for (which has its own limit): Git picks
	// a base at most 32 times bigger than the object, so a 1 MiB record's
	// base stays under it.
	MaxDeltaBaseSize = 32 << 20
	// MaxDeltaDepth bounds the length of a delta chain (Git writes at most
	// 4095).
	MaxDeltaDepth = 10000
	// MaxCacheSize bounds a cache file smsctl keeps under the Git folder
	// (smsctl/history.cache, smsctl/diffs.cache); a bigger one is ignored,
	// and not written.
	MaxCacheSize = 512 << 20
	// maxGitFile bounds Git's own small files that smsctl reads (commondir,
	// objects/info/alternates).
	maxGitFile = 64 << 10
)

// Limits are the limits a Repo reads with; a zero field means the default
// (the constants above).
type Limits struct {
	Blob, Note, Tree, Commit, DeltaBase, Cache int64
}

// DefaultLimits are the limits Open sets.
var DefaultLimits = Limits{Blob: MaxBlobSize, Note: MaxNoteSize, Tree: MaxTreeSize, Commit: MaxCommitSize, DeltaBase: MaxDeltaBaseSize, Cache: MaxCacheSize}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	for _, f := range []struct{ v, def *int64 }{{&l.Blob, &d.Blob}, {&l.Note, &d.Note}, {&l.Tree, &d.Tree}, {&l.Commit, &d.Commit}, {&l.DeltaBase, &d.DeltaBase}, {&l.Cache, &d.Cache}} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	return l
}

// ErrTooLarge matches every *TooLargeError with errors.Is.
var ErrTooLarge = errors.New("over the size limit")

// TooLargeError is content refused for its size before it was read.
type TooLargeError struct {
	// Path is the file, when known, and Rev the revision (a commit hash)
	// it was read at; Rev is empty for the work tree.
	Path, Rev string
	// Hash is the Git object, when read from Git.
	Hash string
	// Kind is what was refused: "blob", "tree", "commit", "tag", "note",
	// "delta", "delta base", "file" or "cache".
	Kind string
	// Size is its size in bytes (for a delta, the size of the object it
	// makes), and Limit the limit it is over.
	Size, Limit int64
	// For says what the limit is for ("records", "trees", ...); when empty
	// it is told from Kind and Path.
	For string
}

func (e *TooLargeError) Error() string {
	where := ""
	switch {
	case e.Path != "" && e.Rev != "":
		where = e.Path + " at " + shortRev(e.Rev) + ": "
	case e.Path != "":
		where = e.Path + ": "
	case e.Hash != "":
		where = "object " + e.Hash + ": "
	}
	return fmt.Sprintf("%s%s %d bytes, over the %s limit for %s", where, e.Kind, e.Size, HumanSize(e.Limit), e.purpose())
}

// Is makes errors.Is(err, ErrTooLarge) true.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

func (e *TooLargeError) purpose() string {
	if e.For != "" {
		return e.For
	}
	switch e.Kind {
	case "blob", "file", "delta":
		switch path.Ext(e.Path) {
		case ".cue":
			return "records"
		case ".rego":
			return "policies"
		}
		return "repository files"
	case "tree":
		return "trees"
	case "commit", "tag":
		return "commits"
	case "note":
		return "notes"
	case "delta base":
		return "delta bases"
	case "cache":
		return "caches"
	}
	return e.Kind + "s"
}

func shortRev(rev string) string {
	if len(rev) == 40 {
		return rev[:12]
	}
	return rev
}

// HumanSize writes a limit as people read it: "1 MiB", "64 KiB", or bytes.
func HumanSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + " GiB"
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// ReadFile reads name from fsys, refusing it with a *TooLargeError when its
// size, as Stat reports it, is over limit (then nothing is read). On a
// TreeFS, Stat reads only the object's header. A file that grows past the
// limit while it is read is refused too.
func ReadFile(fsys fs.FS, name string, limit int64) ([]byte, error) {
	if t, ok := fsys.(*TreeFS); ok {
		return t.readFile(name, limit)
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readOpened(f, name, "file", limit)
}

// readFileOS is ReadFile for a path of the operating system.
func readFileOS(name, kind string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readOpened(f, name, kind, limit)
}

// readOpened reads an open file whole, refusing it from its size before
// reading when it is a regular file over limit, and while reading
// otherwise; a refusal names the file as kind.
func readOpened(f fs.File, name, kind string, limit int64) ([]byte, error) {
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if info.Mode().IsRegular() && info.Size() > limit {
		return nil, &TooLargeError{Path: name, Kind: kind, Size: info.Size(), Limit: limit}
	}
	data, err := readAtMost(f, name, info.Size(), limit)
	var tl *TooLargeError
	if errors.As(err, &tl) {
		tl.Kind = kind
	}
	return data, err
}

// readAtMost reads r whole, expecting about size bytes, and refuses it when
// it holds more than limit.
func readAtMost(r io.Reader, name string, size, limit int64) ([]byte, error) {
	buf := make([]byte, 0, min(max(size, 0), limit)+1)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, &TooLargeError{Path: name, Kind: "file", Size: int64(len(buf)), Limit: limit}
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
