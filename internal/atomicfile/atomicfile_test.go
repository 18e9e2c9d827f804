package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a", "b", "file.cue")
	if err := Write(path, []byte("one"), Options{}); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, []byte("two"), Options{Sync: true}); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); string(data) != "two" {
		t.Errorf("content %q, want two", data)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want the file's 0600 kept", fi.Mode().Perm())
	}
	if err := Write(path, []byte("three"), Options{NoReplace: true}); !errors.Is(err, ErrExists) {
		t.Errorf("NoReplace over a file: %v", err)
	}
	refuse := errors.New("changed on disk")
	if err := Write(path, []byte("four"), Options{Check: func() error { return refuse }}); !errors.Is(err, refuse) {
		t.Errorf("Check's error: %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "two" {
		t.Errorf("a refused write changed the file: %q", data)
	}
	fresh := filepath.Join(dir, "new.cue")
	if err := Write(fresh, []byte("x"), Options{NoReplace: true}); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(fresh); fi.Mode().Perm() != 0o644 {
		t.Errorf("a new file's mode %v, want 0644", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "a", "b"))
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}
