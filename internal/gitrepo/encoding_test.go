package gitrepo

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A commit whose encoding header says ISO-8859-1 shows as git log shows
// it; a date past year 9999 and a zone RFC 3339 cannot write give a time
// that marshals (zero, or UTC), and the trail goes on.
func TestCommitTextAsGitShowsIt(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not found")
	}
	dir := t.TempDir()
	runGit(t, dir, "init", "-q")
	write(t, filepath.Join(dir, "a.cue"), "package sms\n")
	runGit(t, dir, "add", "-A")
	runGit(t, dir, "commit", "-q", "--no-gpg-sign", "-m", "first")
	tree := strings.TrimSpace(gitOut(t, dir, "rev-parse", "HEAD^{tree}"))
	parent := strings.TrimSpace(gitOut(t, dir, "rev-parse", "HEAD"))
	latin1 := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			b.WriteByte(byte(r)) // every rune here is below 256
		}
		return b.String()
	}
	raw := "tree " + tree + "\nparent " + parent + "\n" +
		"author " + latin1("José Muñoz") + " <jose@example.com> 1700000000 +0100\n" +
		"committer " + latin1("José Muñoz") + " <jose@example.com> 999999999999 +9999\n" +
		"encoding ISO-8859-1\n\n" + latin1("Café résumé") + "\n"
	cmd := exec.Command("git", "-C", dir, "hash-object", "-t", "commit", "-w", "--literally", "--stdin")
	cmd.Stdin = strings.NewReader(raw)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	runGit(t, dir, "update-ref", "HEAD", strings.TrimSpace(string(out)))
	want := strings.TrimSpace(gitOut(t, dir, "log", "-1", "--format=%an|%s"))

	repo, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []*HistoryCommit
	if err := repo.History(HistoryOptions{}, func(c *HistoryCommit) error { got = append(got, c); return nil }); err != nil {
		t.Fatalf("the trail stopped: %v", err)
	}
	if len(got) != 2 {
		t.Fatalf("%d commits, want 2", len(got))
	}
	c := got[0]
	if s := c.Author.Name + "|" + c.Subject; s != want || s != "José Muñoz|Café résumé" {
		t.Errorf("name and subject %q, git shows %q", s, want)
	}
	if !c.Author.When.Equal(time.Unix(1700000000, 0)) || c.Author.When.Format(time.RFC3339) != "2023-11-14T23:13:20+01:00" {
		t.Errorf("author time %s", c.Author.When.Format(time.RFC3339))
	}
	if _, err := json.Marshal(c.Committer.When); err != nil {
		t.Errorf("the committer time does not marshal: %v", err)
	}
}

func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).Output()
	if err != nil {
		t.Fatalf("git %v: %v", args, err)
	}
	return string(out)
}

// A pack with a version-1 index is refused with the fix, never read as if
// its objects were missing.
func TestVersion1PackIndexRefused(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not found")
	}
	dir := t.TempDir()
	runGit(t, dir, "init", "-q")
	write(t, filepath.Join(dir, "a.cue"), "package sms\n")
	runGit(t, dir, "add", "-A")
	runGit(t, dir, "commit", "-q", "--no-gpg-sign", "-m", "first")
	runGit(t, dir, "-c", "pack.indexVersion=1", "repack", "-a", "-d", "-q")
	repo, err := Open(dir)
	if err == nil {
		err = repo.History(HistoryOptions{}, func(*HistoryCommit) error { return nil })
	}
	if err == nil || !strings.Contains(err.Error(), "index-version=2") {
		t.Errorf("a version-1 pack index: %v, want a refusal naming git index-pack --index-version=2", err)
	}
}
