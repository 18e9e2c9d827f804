//go:build unix

package audit

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/smsctl/smsctl/internal/gitrepo"
)

// A FIFO, or a link to /dev/zero, where a cache file should be does not
// hang the run: it is refused before it is read, reported once, and the
// trail is computed all the same (and the cache written again).
func TestCacheFilesThatAreNotFiles(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	for _, args := range [][]string{
		{"init", "-q", "-b", "main"},
		{"-c", "user.name=A", "-c", "user.email=a@example.com", "commit", "-q", "--allow-empty", "-m", "root"},
	} {
		if out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	repo, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	cacheDir := repo.CacheDir()
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	for _, tt := range []struct {
		name, history, diffs string // "fifo" or "zero"
	}{
		{"fifo and link", "fifo", "zero"},
		{"link and fifo", "zero", "fifo"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for file, what := range map[string]string{"history.cache": tt.history, diffCacheFile: tt.diffs} {
				p := filepath.Join(cacheDir, file)
				_ = os.Remove(p)
				var err error
				if what == "fifo" {
					err = syscall.Mkfifo(p, 0o644)
				} else {
					err = os.Symlink("/dev/zero", p)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			var mu sync.Mutex
			var errs []string
			done := make(chan error, 1)
			go func() {
				_, err := Log(repo, Options{Cache: true, CacheError: func(err error) {
					mu.Lock()
					defer mu.Unlock()
					errs = append(errs, err.Error())
				}})
				done <- err
			}()
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("audit log hangs on a cache file that is not a regular file")
			}
			mu.Lock()
			all := strings.Join(errs, "\n")
			mu.Unlock()
			for _, want := range []string{"a FIFO", "a symbolic link"} {
				if strings.Count(all, want) != 1 {
					t.Errorf("want %q reported once, got:\n%s", want, all)
				}
			}
		})
	}
}
