// Package pack writes and checks an audit evidence pack: a folder of files
// with MANIFEST.sha256, the SHA-256 of every other file in the folder, in
// the format of `sha256sum` ("<hex>  <path>", paths sorted), so
// `sha256sum -c MANIFEST.sha256` checks it as well as smsctl does.
package pack

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Manifest is the manifest's file name.
const Manifest = "MANIFEST.sha256"

// ManifestOf returns the manifest of files (path -> content).
func ManifestOf(files map[string][]byte) []byte {
	names := make([]string, 0, len(files))
	for name := range files {
		if name != Manifest {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var b bytes.Buffer
	for _, name := range names {
		sum := sha256.Sum256(files[name])
		fmt.Fprintf(&b, "%s  %s\n", hex.EncodeToString(sum[:]), name)
	}
	return b.Bytes()
}

// Write writes files and their manifest into dir, which must not exist or
// be empty. The pack is written into a temporary folder beside dir and
// renamed into place, so a failure leaves nothing half-written.
func Write(dir string, files map[string][]byte) error {
	if entries, err := os.ReadDir(dir); err == nil {
		if len(entries) > 0 {
			return fmt.Errorf("%s is not empty: give a new folder for the pack", dir)
		}
	} else if !os.IsNotExist(err) {
		return err
	}
	parent := filepath.Dir(filepath.Clean(dir))
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	all := map[string][]byte{Manifest: ManifestOf(files)}
	for name, data := range files {
		all[name] = data
	}
	for name, data := range all {
		if !fs.ValidPath(name) {
			return fmt.Errorf("pack: invalid file name %q", name)
		}
		p := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	os.Remove(dir) // an empty folder gives way
	if err := os.Rename(tmp, dir); err != nil {
		return err
	}
	ok = true
	return nil
}

// Problem is one way a pack differs from its manifest or its rebuild.
type Problem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// Read reads every file of a pack folder.
func Read(dir string) (map[string][]byte, error) {
	files := map[string][]byte{}
	root := os.DirFS(dir)
	err := fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(root, p)
		files[p] = data
		return err
	})
	if err != nil {
		return nil, err
	}
	if _, ok := files[Manifest]; !ok {
		return nil, fmt.Errorf("%s: no %s: not an smsctl audit pack", dir, Manifest)
	}
	return files, nil
}

// CheckManifest checks the pack's files against its manifest: every file
// listed with its hash, and no file that is not listed.
func CheckManifest(files map[string][]byte) []Problem {
	var out []Problem
	listed := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(files[Manifest]))
	line := 0
	for sc.Scan() {
		line++
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok || len(sum) != 64 {
			out = append(out, Problem{Manifest, fmt.Sprintf("line %d is not \"<sha256>  <path>\"", line)})
			continue
		}
		name = path.Clean(name)
		listed[name] = true
		data, ok := files[name]
		if !ok {
			out = append(out, Problem{name, "listed in the manifest but missing"})
			continue
		}
		got := sha256.Sum256(data)
		if hex.EncodeToString(got[:]) != sum {
			out = append(out, Problem{name, "its SHA-256 differs from the manifest's: the file was altered"})
		}
	}
	for name := range files {
		if name != Manifest && !listed[name] {
			out = append(out, Problem{name, "not in the manifest: a file was added"})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Compare compares a pack's files with a rebuild of it.
func Compare(files, rebuilt map[string][]byte) []Problem {
	var out []Problem
	rebuilt[Manifest] = ManifestOf(rebuilt)
	for name, data := range rebuilt {
		got, ok := files[name]
		switch {
		case !ok:
			out = append(out, Problem{name, "the rebuild from the repository has it, the pack does not"})
		case !bytes.Equal(got, data):
			out = append(out, Problem{name, "differs from the rebuild from the repository"})
		}
	}
	for name := range files {
		if _, ok := rebuilt[name]; !ok {
			out = append(out, Problem{name, "not in the rebuild from the repository"})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}
