package gitrepo

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

func gitCmd(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir, "GIT_AUTHOR_NAME=T", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=T", "GIT_COMMITTER_EMAIL=t@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func TestNotesRoundTripWithGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := t.TempDir()
	gitCmd(t, dir, "init", "-q", "-b", "main")
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a\n"), 0o644)
	gitCmd(t, dir, "add", "a.txt")
	gitCmd(t, dir, "commit", "-q", "-m", "one")
	first := gitCmd(t, dir, "rev-parse", "HEAD")
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("b\n"), 0o644)
	gitCmd(t, dir, "commit", "-q", "-am", "two")
	second := gitCmd(t, dir, "rev-parse", "HEAD")
	// a note git itself wrote is read back
	gitCmd(t, dir, "notes", "--ref=smsctl", "add", "-m", "from git", first)

	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	who := Signature{Name: "smsctl", Email: "smsctl@example.com", When: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	if _, err := r.AddNote(NotesRef, second, []byte("{\"pr\":7}\n"), who, "attest #7"); err != nil {
		t.Fatal(err)
	}
	// git reads both notes: ours, and its own kept in the new tree
	if got := gitCmd(t, dir, "notes", "--ref=smsctl", "show", second); got != `{"pr":7}` {
		t.Errorf("git notes show %s = %q", second, got)
	}
	if got := gitCmd(t, dir, "notes", "--ref=smsctl", "show", first); got != "from git" {
		t.Errorf("git notes show %s = %q", first, got)
	}
	if got := gitCmd(t, dir, "log", "-1", "--format=%s %P", NotesRef); !strings.HasPrefix(got, "attest #7 ") || len(got) != len("attest #7 ")+40 {
		t.Errorf("notes commit: %q, want a subject and the previous notes commit as parent", got)
	}
	// replacing a note keeps one note per commit
	if _, err := r.AddNote(NotesRef, second, []byte("replaced\n"), who, "attest #7 again"); err != nil {
		t.Fatal(err)
	}
	notes, err := r.Notes(NotesRef)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 2 || string(notes[second]) != "replaced\n" || string(notes[first]) != "from git\n" {
		t.Errorf("notes: %q", notes)
	}
	if _, ok, err := r.Note("refs/notes/none", second); ok || err != nil {
		t.Errorf("a missing notes ref: ok=%v err=%v", ok, err)
	}
	if _, err := r.AddNote(NotesRef, strings.Repeat("0", 40), []byte("x"), who, "m"); err == nil {
		t.Error("a note on a commit that does not exist was written")
	}

	// push to a bare remote and fetch into a fresh clone
	bare := filepath.Join(t.TempDir(), "remote.git")
	gitCmd(t, dir, "init", "-q", "--bare", bare)
	gitCmd(t, dir, "remote", "add", "origin", bare)
	gitCmd(t, dir, "push", "-q", "origin", "main")
	if err := r.PushNotes("origin", NotesRef, Credentials{}); err != nil {
		t.Fatal(err)
	}
	clone := filepath.Join(t.TempDir(), "clone")
	gitCmd(t, dir, "clone", "-q", bare, clone)
	c, err := Open(clone)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := c.Notes(NotesRef); len(n) != 0 {
		t.Fatalf("a clone has notes before fetching them: %d", len(n))
	}
	// the clone writes a note of its own before fetching: its push is
	// refused, and fetching with replace, writing again and pushing works
	if _, err := c.AddNote(NotesRef, first, []byte("from the clone\n"), who, "attest"); err != nil {
		t.Fatal(err)
	}
	if err := c.PushNotes("origin", NotesRef, Credentials{}); !errors.Is(err, ErrNotesMoved) {
		t.Fatalf("push over moved notes: %v, want ErrNotesMoved", err)
	}
	if err := c.FetchNotes("origin", NotesRef, Credentials{}, false); !errors.Is(err, ErrNotesMoved) {
		t.Fatalf("fast-forward fetch over diverged notes: %v, want ErrNotesMoved", err)
	}
	if err := c.FetchNotes("origin", NotesRef, Credentials{}, true); err != nil {
		t.Fatal(err)
	}
	if data, ok, err := c.Note(NotesRef, second); err != nil || !ok || string(data) != "replaced\n" {
		t.Errorf("fetched note: %q %v %v", data, ok, err)
	}
	if _, err := c.AddNote(NotesRef, first, []byte("from the clone\n"), who, "attest"); err != nil {
		t.Fatal(err)
	}
	if err := c.PushNotes("origin", NotesRef, Credentials{}); err != nil {
		t.Fatal(err)
	}
	if got := gitCmd(t, bare, "notes", "--ref=smsctl", "show", first); got != "from the clone" {
		t.Errorf("the remote's note on %s: %q", first, got)
	}
	if got := gitCmd(t, bare, "notes", "--ref=smsctl", "show", second); got != "replaced" {
		t.Errorf("the remote's note on %s: %q", second, got)
	}
}

// TestNotesFanout reads a notes tree with fan-out (ab/cdef…), as git writes
// once there are many notes, and rewrites it flat without losing a note.
func TestNotesFanout(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := t.TempDir()
	gitCmd(t, dir, "init", "-q", "-b", "main")
	gitCmd(t, dir, "commit", "-q", "--allow-empty", "-m", "one")
	first := gitCmd(t, dir, "rev-parse", "HEAD")
	gitCmd(t, dir, "commit", "-q", "--allow-empty", "-m", "two")
	second := gitCmd(t, dir, "rev-parse", "HEAD")
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	// notes tree: <first[:2]>/<first[2:]> -> blob
	blob, err := r.writeObject(plumbing.BlobObject, []byte("fanned out\n"))
	if err != nil {
		t.Fatal(err)
	}
	sub := &object.Tree{Entries: []object.TreeEntry{{Name: first[2:], Mode: filemode.Regular, Hash: blob}}}
	subHash := encodeTree(t, r, sub)
	top := encodeTree(t, r, &object.Tree{Entries: []object.TreeEntry{{Name: first[:2], Mode: filemode.Dir, Hash: subHash}}})
	sig := object.Signature{Name: "T", Email: "t@example.com", When: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	c := &object.Commit{Author: sig, Committer: sig, Message: "notes", TreeHash: top}
	obj := r.repo.Storer.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		t.Fatal(err)
	}
	h, err := r.repo.Storer.SetEncodedObject(obj)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.repo.Storer.SetReference(plumbing.NewHashReference(NotesRef, h)); err != nil {
		t.Fatal(err)
	}
	if got := gitCmd(t, dir, "notes", "--ref=smsctl", "show", first); got != "fanned out" {
		t.Fatalf("git reads the fanned-out note as %q", got)
	}
	notes, err := r.Notes(NotesRef)
	if err != nil || string(notes[first]) != "fanned out\n" {
		t.Fatalf("Notes = %q, %v", notes, err)
	}
	if _, err := r.AddNote(NotesRef, second, []byte("flat\n"), Signature{Name: "T", Email: "t@example.com", When: sig.When}, "m"); err != nil {
		t.Fatal(err)
	}
	if got := gitCmd(t, dir, "notes", "--ref=smsctl", "show", first); got != "fanned out" {
		t.Errorf("after a rewrite, git reads %q", got)
	}
	if got := gitCmd(t, dir, "notes", "--ref=smsctl", "show", second); got != "flat" {
		t.Errorf("after a rewrite, git reads %q", got)
	}
}

func encodeTree(t *testing.T, r *Repo, tree *object.Tree) plumbing.Hash {
	t.Helper()
	obj := r.repo.Storer.NewEncodedObject()
	if err := tree.Encode(obj); err != nil {
		t.Fatal(err)
	}
	h, err := r.repo.Storer.SetEncodedObject(obj)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
