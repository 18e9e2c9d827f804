package gitrepo

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func runGit(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=T", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=T", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A real repository built with the git binary, read back through TreeFS at
// two revisions: files, folders, symbolic links inside and outside, unicode
// names, and a sub-folder as root.
func TestTreeFS(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	runGit(t, dir, "init", "-q", "-b", "main")
	write(t, filepath.Join(dir, "sms/a.cue"), "first")
	runGit(t, dir, "add", "-A")
	runGit(t, dir, "commit", "-q", "-m", "one")
	write(t, filepath.Join(dir, "sms/a.cue"), "second")
	write(t, filepath.Join(dir, "sms/dir/ünï.cue"), "unicode")
	if err := os.Symlink("../a.cue", filepath.Join(dir, "sms/dir/link.cue")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../../outside", filepath.Join(dir, "sms/out.cue")); err != nil {
		t.Fatal(err)
	}
	runGit(t, dir, "add", "-A")
	runGit(t, dir, "commit", "-q", "-m", "two")

	repo, err := Open(filepath.Join(dir, "sms"))
	if err != nil {
		t.Fatal(err)
	}
	sub, err := repo.RelPath(filepath.Join(dir, "sms"))
	if err != nil || sub != "sms" {
		t.Fatalf("RelPath = %q, %v", sub, err)
	}
	head, err := repo.Resolve("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	if head.Subject != "two" {
		t.Errorf("subject %q", head.Subject)
	}
	fsys, err := repo.FS(head, sub)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := fs.ReadFile(fsys, "dir/ünï.cue"); err != nil || string(b) != "unicode" {
		t.Errorf("unicode name read %q, %v", b, err)
	}
	if entries, err := fs.ReadDir(fsys, "dir"); err != nil || len(entries) != 2 || entries[0].Name() != "link.cue" {
		t.Errorf("ReadDir dir = %v, %v", entries, err)
	}
	if b, err := fs.ReadFile(fsys, "dir/link.cue"); err != nil || string(b) != "second" {
		t.Errorf("link read %q, %v", b, err)
	}
	if l, err := fsys.ReadLink("out.cue"); err != nil || l != "../../outside" {
		t.Errorf("ReadLink = %q, %v", l, err)
	}
	if _, err := fsys.Open("out.cue"); err == nil || !strings.Contains(err.Error(), "outside") {
		t.Errorf("opening a link that leaves the tree: %v", err)
	}
	if info, err := fsys.Lstat("dir/link.cue"); err != nil || info.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("Lstat link: %v %v", info, err)
	}

	prev, err := repo.Resolve("HEAD~1")
	if err != nil {
		t.Fatal(err)
	}
	old, err := repo.FS(prev, "sms")
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(old, "a.cue"); err != nil {
		t.Error(err)
	}
	if b, err := fs.ReadFile(old, "a.cue"); err != nil || string(b) != "first" {
		t.Errorf("HEAD~1 a.cue = %q, %v", b, err)
	}
	if _, err := old.Open("dir"); err == nil {
		t.Error("dir exists at HEAD~1")
	}
	if _, err := repo.Resolve("nope"); err == nil || !strings.Contains(err.Error(), `revision "nope" does not exist`) {
		t.Errorf("unknown revision: %v", err)
	}
}
