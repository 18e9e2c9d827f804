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

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// TreeFS is a Git tree seen as a read-only file system. Symbolic links are
// reported as such by ReadDir and Lstat; ReadLink returns their target.
type TreeFS struct {
	repo *git.Repository
	tree *object.Tree
}

var (
	_ fs.ReadDirFS  = (*TreeFS)(nil)
	_ fs.ReadLinkFS = (*TreeFS)(nil)
	_ fs.StatFS     = (*TreeFS)(nil)
)

func (t *TreeFS) entry(op, name string) (*object.TreeEntry, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	e, err := t.tree.FindEntry(name)
	if err != nil {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
	}
	return e, nil
}

// Open opens a file or directory; a symbolic link is followed when it stays
// inside the tree.
func (t *TreeFS) Open(name string) (fs.File, error) {
	for range 8 {
		if name == "." {
			return &treeDir{fs: t, name: ".", tree: t.tree}, nil
		}
		e, err := t.entry("open", name)
		if err != nil {
			return nil, err
		}
		switch e.Mode {
		case filemode.Dir:
			sub, err := t.tree.Tree(name)
			if err != nil {
				return nil, &fs.PathError{Op: "open", Path: name, Err: err}
			}
			return &treeDir{fs: t, name: name, tree: sub}, nil
		case filemode.Symlink:
			target, err := t.ReadLink(name)
			if err != nil {
				return nil, err
			}
			next := path.Join(path.Dir(name), target)
			if path.IsAbs(target) || next == ".." || strings.HasPrefix(next, "../") {
				return nil, &fs.PathError{Op: "open", Path: name, Err: errors.New("symbolic link points outside the tree")}
			}
			name = next
			continue
		case filemode.Submodule:
			return nil, &fs.PathError{Op: "open", Path: name, Err: errors.New("is a submodule")}
		}
		data, err := t.blob(e)
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		return &treeFile{info: info(name, e, int64(len(data))), Reader: bytes.NewReader(data)}, nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: errors.New("too many levels of symbolic links")}
}

func (t *TreeFS) blob(e *object.TreeEntry) ([]byte, error) {
	b, err := t.repo.BlobObject(e.Hash)
	if err != nil {
		return nil, err
	}
	r, err := b.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// ReadLink returns the target of a symbolic link.
func (t *TreeFS) ReadLink(name string) (string, error) {
	e, err := t.entry("readlink", name)
	if err != nil {
		return "", err
	}
	if e.Mode != filemode.Symlink {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: fs.ErrInvalid}
	}
	data, err := t.blob(e)
	if err != nil {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: err}
	}
	return string(data), nil
}

// Lstat describes a file without following a symbolic link.
func (t *TreeFS) Lstat(name string) (fs.FileInfo, error) {
	if name == "." {
		return dirInfo("."), nil
	}
	e, err := t.entry("lstat", name)
	if err != nil {
		return nil, err
	}
	return info(name, e, t.size(e)), nil
}

// Stat describes a file, following symbolic links.
func (t *TreeFS) Stat(name string) (fs.FileInfo, error) {
	f, err := t.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Stat()
}

// ReadDir lists a directory, sorted by name.
func (t *TreeFS) ReadDir(name string) ([]fs.DirEntry, error) {
	f, err := t.Open(name)
	if err != nil {
		return nil, err
	}
	d, ok := f.(*treeDir)
	if !ok {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
	}
	return d.ReadDir(-1)
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

func info(name string, e *object.TreeEntry, size int64) fileInfo {
	switch e.Mode {
	case filemode.Dir:
		return dirInfo(name)
	case filemode.Symlink:
		return fileInfo{name: path.Base(name), mode: fs.ModeSymlink | 0o777}
	case filemode.Executable:
		return fileInfo{name: path.Base(name), mode: 0o755, size: size}
	case filemode.Submodule:
		return fileInfo{name: path.Base(name), mode: fs.ModeIrregular}
	}
	return fileInfo{name: path.Base(name), mode: 0o644, size: size}
}

type treeFile struct {
	info fileInfo
	*bytes.Reader
}

func (f *treeFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *treeFile) Close() error               { return nil }

type treeDir struct {
	fs      *TreeFS
	name    string
	tree    *object.Tree
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
		d.read = true
		for i := range d.tree.Entries {
			e := &d.tree.Entries[i]
			d.entries = append(d.entries, fs.FileInfoToDirEntry(info(e.Name, e, d.fs.size(e))))
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

// size is a file's size in bytes, read from the object header; 0 for
// directories, links and submodules.
func (t *TreeFS) size(e *object.TreeEntry) int64 {
	if e.Mode != filemode.Regular && e.Mode != filemode.Executable {
		return 0
	}
	n, _ := t.repo.Storer.EncodedObjectSize(e.Hash)
	return n
}
