package audit

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smsctl/smsctl/internal/gitrepo"
	"github.com/smsctl/smsctl/internal/gitrepo/gitrepotest"
)

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir, "GIT_AUTHOR_NAME=T", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=T", "GIT_COMMITTER_EMAIL=t@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// A record over the blob limit, added, edited and deleted: each entry of
// the trail says it was not read and why, the rest of the trail is read,
// the refusal is not cached, and show refuses it with the reason.
func TestTrailReportsBlobsOverTheLimit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	git(t, dir, "init", "-q", "-b", "main")
	os.WriteFile(filepath.Join(dir, "sms.cue"), []byte("package sms\n"), 0o644)
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "-m", "Set up")
	add := func(size int64, msg string) string {
		h, err := gitrepotest.WriteZeroBlob(filepath.Join(dir, ".git"), size)
		if err != nil {
			t.Fatal(err)
		}
		git(t, dir, "update-index", "--add", "--cacheinfo", "100644,"+h+",services/big.cue")
		git(t, dir, "commit", "-q", "-m", msg)
		return git(t, dir, "rev-parse", "HEAD")
	}
	added := add(64<<20, "Add a big service")
	edited := add(2<<20, "Shrink it")
	git(t, dir, "rm", "-q", "--cached", "services/big.cue")
	git(t, dir, "commit", "-q", "-m", "Remove it")
	repo, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, cache := range []bool{false, true, true} {
		start := time.Now()
		entries, err := Log(repo, Options{ID: "service/big", Cache: cache, CacheError: func(err error) { t.Error(err) }})
		if err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("the trail took %v", took)
		}
		if len(entries) != 3 {
			t.Fatalf("%d entries: %+v", len(entries), entries)
		}
		for i, want := range []string{
			"not read: services/big.cue at " + edited[:12] + ": blob 2097152 bytes, over the 1 MiB limit for records",
			"not read: services/big.cue at " + added[:12] + ": blob 67108864 bytes, over the 1 MiB limit for records",
			"not read: services/big.cue at " + added[:12] + ": blob 67108864 bytes, over the 1 MiB limit for records",
		} {
			e := entries[i]
			if e.Note != want || e.Kind != "service" || e.ID != "big" || len(e.Changes) != 0 {
				t.Errorf("entry %d (%s %s): %q, %s/%s\nwant %q", i, e.Status, e.Commit[:12], e.Note, e.Kind, e.ID, want)
			}
		}
	}
	_, err = Show(repo, "service/big", added, time.Time{}, "")
	if !errors.Is(err, gitrepo.ErrTooLarge) || !strings.Contains(err.Error(), "services/big.cue at "+added[:12]+": blob 67108864 bytes") {
		t.Errorf("Show: %v", err)
	}
}
