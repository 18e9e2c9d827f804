package gitrepo

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// TreeFS is a Git tree seen as a read-only file system. Symbolic links are
// reported as such by ReadDir and Lstat; ReadLink returns their target.
//
// It reads through the repository's own object reader, never inflating
// more than the limits allow: Stat, Lstat and a directory entry's Info
// report a file's size from its object header alone; Open checks nothing
// but the path, and the first Read of a file over the repository's blob
// limit (MaxBlobSize) fails with a *TooLargeError, as do ReadFile and
// ReadLink. Trees over the tree limit are refused the same way.
//
// It may be used from several goroutines: reads are serialized on the
// repository's lock.
type TreeFS struct {
	repo *Repo
	rev  string        // the commit's hash, for messages
	root plumbing.Hash // the tree
}

var (
	_ fs.ReadDirFS   = (*TreeFS)(nil)
	_ fs.ReadFileFS  = (*TreeFS)(nil)
	_ fs.ReadLinkFS  = (*TreeFS)(nil)
	_ fs.StatFS      = (*TreeFS)(nil)
	_ io.ReadSeeker  = (*treeFile)(nil)
	_ io.ReaderAt    = (*treeFile)(nil)
	_ fs.ReadDirFile = (*treeDir)(nil)
)

// Rev is the hash of the commit whose tree this is.
func (t *TreeFS) Rev() string { return t.rev }

// entry looks name up ("." is the root folder, as a folder entry).
func (t *TreeFS) entry(op, name string) (treeEntry, error) {
	if !fs.ValidPath(name) {
		return treeEntry{}, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	if name == "." {
		return treeEntry{name: ".", mode: modeDir, hash: t.root}, nil
	}
	r := t.repo
	r.mu.Lock()
	defer r.mu.Unlock()
	s, err := r.sharedStoreLocked()
	if err != nil {
		return treeEntry{}, err
	}
	e, ok, err := s.lookup(t.root, name, t.rev)
	if err != nil {
		return treeEntry{}, err
	}
	if !ok {
		return treeEntry{}, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
	}
	return e, nil
}

// follow looks name up, following symbolic links that stay inside the tree.
func (t *TreeFS) follow(op, name string) (string, treeEntry, error) {
	for range 8 {
		e, err := t.entry(op, name)
		if err != nil {
			return "", treeEntry{}, err
		}
		if e.mode&modeTypeMask != modeSymlink {
			return name, e, nil
		}
		target, err := t.ReadLink(name)
		if err != nil {
			return "", treeEntry{}, err
		}
		next := path.Join(path.Dir(name), target)
		if path.IsAbs(target) || next == ".." || strings.HasPrefix(next, "../") {
			return "", treeEntry{}, &fs.PathError{Op: op, Path: name, Err: errors.New("symbolic link points outside the tree")}
		}
		name = next
	}
	return "", treeEntry{}, &fs.PathError{Op: op, Path: name, Err: errors.New("too many levels of symbolic links")}
}

// Open opens a file or directory; a symbolic link is followed when it stays
// inside the tree. A file's content is read at its first Read.
func (t *TreeFS) Open(name string) (fs.File, error) {
	name, e, err := t.follow("open", name)
	if err != nil {
		return nil, err
	}
	switch e.mode & modeTypeMask {
	case modeDir:
		return &treeDir{fs: t, name: name, hash: e.hash}, nil
	case modeGitlink:
		return nil, &fs.PathError{Op: "open", Path: name, Err: errors.New("is a submodule")}
	}
	size, err := t.size(name, e)
	if err != nil {
		return nil, err
	}
	return &treeFile{fs: t, name: name, e: e, info: info(name, e, size)}, nil
}

// ReadFile reads a file whole, refusing it, before it inflates anything,
// when it is over the repository's blob limit.
func (t *TreeFS) ReadFile(name string) ([]byte, error) {
	return t.readFile(name, t.repo.limits.Blob)
}

func (t *TreeFS) readFile(name string, limit int64) ([]byte, error) {
	name, e, err := t.follow("open", name)
	if err != nil {
		return nil, err
	}
	switch e.mode & modeTypeMask {
	case modeDir:
		return nil, &fs.PathError{Op: "read", Path: name, Err: errors.New("is a directory")}
	case modeGitlink:
		return nil, &fs.PathError{Op: "open", Path: name, Err: errors.New("is a submodule")}
	}
	data, err := t.blob(name, e, limit)
	if err != nil {
		return nil, err
	}
	return []byte(data), nil
}

// blob reads the blob of entry e (at name), within limit.
func (t *TreeFS) blob(name string, e treeEntry, limit int64) (string, error) {
	r := t.repo
	r.mu.Lock()
	defer r.mu.Unlock()
	s, err := r.sharedStoreLocked()
	if err != nil {
		return "", err
	}
	data, err := s.readLimit(plumbing.BlobObject, e.hash, name+" at "+shortRev(t.rev), limit)
	if err != nil {
		var tl *TooLargeError
		if errors.As(err, &tl) {
			tl.Path, tl.Rev = name, t.rev
			return "", err
		}
		return "", &fs.PathError{Op: "read", Path: name, Err: err}
	}
	return data, nil
}

// size is a file's size from its object header; 0 for folders, links and
// submodules.
func (t *TreeFS) size(name string, e treeEntry) (int64, error) {
	if e.mode&modeTypeMask != modeRegular {
		return 0, nil
	}
	r := t.repo
	r.mu.Lock()
	defer r.mu.Unlock()
	s, err := r.sharedStoreLocked()
	if err != nil {
		return 0, err
	}
	_, n, err := s.info(e.hash)
	if err != nil {
		return 0, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	return n, nil
}

// ReadLink returns the target of a symbolic link.
func (t *TreeFS) ReadLink(name string) (string, error) {
	e, err := t.entry("readlink", name)
	if err != nil {
		return "", err
	}
	if e.mode&modeTypeMask != modeSymlink {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: fs.ErrInvalid}
	}
	return t.blob(name, e, t.repo.limits.Blob)
}

// Lstat describes a file without following a symbolic link. A file's size
// comes from its object header; nothing is inflated.
func (t *TreeFS) Lstat(name string) (fs.FileInfo, error) {
	e, err := t.entry("lstat", name)
	if err != nil {
		return nil, err
	}
	size, err := t.size(name, e)
	if err != nil {
		return nil, err
	}
	return info(name, e, size), nil
}

// Stat describes a file, following symbolic links; as Lstat, it reads only
// the object header.
func (t *TreeFS) Stat(name string) (fs.FileInfo, error) {
	name, e, err := t.follow("stat", name)
	if err != nil {
		return nil, err
	}
	size, err := t.size(name, e)
	if err != nil {
		return nil, err
	}
	return info(name, e, size), nil
}

// ReadDir lists a directory, sorted by name.
func (t *TreeFS) ReadDir(name string) ([]fs.DirEntry, error) {
	name, e, err := t.follow("readdir", name)
	if err != nil {
		return nil, err
	}
	if e.mode&modeTypeMask != modeDir {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
	}
	return (&treeDir{fs: t, name: name, hash: e.hash}).ReadDir(-1)
}

type fileInfo struct {
	name string
	mode fs.FileMode
	size int64
}

func (i fileInfo) Name() string       { return i.name }
func (i fileInfo) Size() int64        { return i.size }
func (i fileInfo) Mode() fs.FileMode  { return i.mode }
func (i fileInfo) ModTime() time.Time { return time.Time{} }
func (i fileInfo) IsDir() bool        { return i.mode.IsDir() }
func (i fileInfo) Sys() any           { return nil }

func dirInfo(name string) fileInfo { return fileInfo{name: path.Base(name), mode: fs.ModeDir | 0o755} }

// mode is the fs.FileMode of a tree entry's Git mode.
func mode(m uint32) fs.FileMode {
	switch m & modeTypeMask {
	case modeDir:
		return fs.ModeDir | 0o755
	case modeSymlink:
		return fs.ModeSymlink | 0o777
	case modeGitlink:
		return fs.ModeIrregular
	}
	if m&0o100 != 0 {
		return 0o755
	}
	return 0o644
}

func info(name string, e treeEntry, size int64) fileInfo {
	if e.mode&modeTypeMask != modeRegular {
		size = 0
	}
	return fileInfo{name: path.Base(name), mode: mode(e.mode), size: size}
}

// treeFile is an open file; its content is read at the first Read, Seek or
// ReadAt.
type treeFile struct {
	fs   *TreeFS
	name string
	e    treeEntry
	info fileInfo
	r    *bytes.Reader
	err  error
}

func (f *treeFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *treeFile) Close() error               { return nil }

func (f *treeFile) load() error {
	if f.r == nil && f.err == nil {
		var data string
		data, f.err = f.fs.blob(f.name, f.e, f.fs.repo.limits.Blob)
		f.r = bytes.NewReader([]byte(data))
	}
	return f.err
}

func (f *treeFile) Read(p []byte) (int, error) {
	if err := f.load(); err != nil {
		return 0, err
	}
	return f.r.Read(p)
}

func (f *treeFile) ReadAt(p []byte, off int64) (int, error) {
	if err := f.load(); err != nil {
		return 0, err
	}
	return f.r.ReadAt(p, off)
}

func (f *treeFile) Seek(offset int64, whence int) (int64, error) {
	if err := f.load(); err != nil {
		return 0, err
	}
	return f.r.Seek(offset, whence)
}

type treeDir struct {
	fs      *TreeFS
	name    string
	hash    plumbing.Hash
	entries []fs.DirEntry
	read    bool
}

func (d *treeDir) Stat() (fs.FileInfo, error) { return dirInfo(d.name), nil }
func (d *treeDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.name, Err: errors.New("is a directory")}
}
func (d *treeDir) Close() error { return nil }

func (d *treeDir) ReadDir(n int) ([]fs.DirEntry, error) {
	if !d.read {
		r := d.fs.repo
		r.mu.Lock()
		s, err := r.sharedStoreLocked()
		var t *rawTree
		if err == nil {
			t, err = s.treeAt(d.hash, d.name, d.fs.rev)
		}
		r.mu.Unlock()
		if err != nil {
			return nil, err
		}
		d.read = true
		d.entries = make([]fs.DirEntry, t.len())
		for i := range t.len() {
			d.entries[i] = &dirEntry{fs: d.fs, dir: d.name, e: t.entry(i)}
		}
		sort.Slice(d.entries, func(i, j int) bool { return d.entries[i].Name() < d.entries[j].Name() })
	}
	if n <= 0 {
		out := d.entries
		d.entries = nil
		return out, nil
	}
	if len(d.entries) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(d.entries))
	out := d.entries[:n]
	d.entries = d.entries[n:]
	return out, nil
}

// dirEntry is an entry of ReadDir: its name and type come from the tree;
// Info reads the object header for the size, only when asked.
type dirEntry struct {
	fs  *TreeFS
	dir string
	e   treeEntry
}

func (d *dirEntry) Name() string      { return d.e.name }
func (d *dirEntry) IsDir() bool       { return d.e.isDir() }
func (d *dirEntry) Type() fs.FileMode { return mode(d.e.mode).Type() }
func (d *dirEntry) Info() (fs.FileInfo, error) {
	name := path.Join(d.dir, d.e.name)
	size, err := d.fs.size(name, d.e)
	if err != nil {
		return nil, err
	}
	return info(name, d.e, size), nil
}
func (d *dirEntry) String() string { return fs.FormatDirEntry(d) }
