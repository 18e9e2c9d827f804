// Package atomicfile writes files so that a reader sees the old content or
// the new, never half of either: data goes to a temporary file beside the
// target, which is renamed over it.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrExists is returned, wrapped, when Options.NoReplace finds the file.
var ErrExists = errors.New("already exists; not overwritten")

// Options adjust Write.
type Options struct {
	// NoReplace makes an existing file an error (ErrExists), also when it
	// appears while the data is being written.
	NoReplace bool
	// Perm is the file's mode; zero keeps an existing file's mode, and
	// gives a new file 0644.
	Perm fs.FileMode
	// Sync flushes the data to the disk before the rename.
	Sync bool
	// Check, when set, runs just before the rename; its error stops the
	// write and is returned (to refuse a file that changed since it was
	// read, say).
	Check func() error
}

// Write writes data to path, creating its folder if needed.
func Write(path string, data []byte, opts Options) error {
	if opts.NoReplace {
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("%s %w", path, ErrExists)
		}
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	perm := opts.Perm
	if perm == 0 {
		perm = 0o644
		if fi, err := os.Stat(path); err == nil {
			perm = fi.Mode().Perm()
		}
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a rename or link: nothing there, or the link's other name
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if opts.Sync {
		if err := tmp.Sync(); err != nil {
			tmp.Close()
			return err
		}
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if opts.Check != nil {
		if err := opts.Check(); err != nil {
			return err
		}
	}
	if opts.NoReplace {
		// Link fails if the name appeared since the check above; a file
		// system without hard links falls back to a rename.
		err := os.Link(tmp.Name(), path)
		if err == nil {
			return nil
		}
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s %w", path, ErrExists)
		}
	}
	return os.Rename(tmp.Name(), path)
}
