package cli

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// scriptEnv is the environment every script starts with (Setup sets it),
// and the acme template is built with.
var scriptEnv = map[string]string{
	"SMSCTL_NOW":          "2026-11-23T10:00:00Z",
	"GIT_AUTHOR_NAME":     "Test Author",
	"GIT_AUTHOR_EMAIL":    "author@example.com",
	"GIT_COMMITTER_NAME":  "Test Author",
	"GIT_COMMITTER_EMAIL": "author@example.com",
	"GIT_CONFIG_NOSYSTEM": "1",
}

// acmeTemplate replays the acme example once per test binary: most
// scripts start from it, and the replay is the slowest thing they do.
// init_example.txtar still runs `smsctl init --example acme` itself.
type acmeTemplate struct {
	once sync.Once
	dir  string
	err  error
}

// build replays acme in-process, as `smsctl init --example acme` does in
// a script's environment; t cleans it up at the end of the scripts.
func (a *acmeTemplate) build(t *testing.T) (string, error) {
	a.once.Do(func() {
		dir, err := os.MkdirTemp("", "smsctl-acme-")
		if err != nil {
			a.err = err
			return
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
		now, _ := time.Parse(time.RFC3339, scriptEnv["SMSCTL_NOW"])
		out := &lockedBuffer{}
		env := &Env{Stdout: out, Stderr: out, Dir: dir, Now: func() time.Time { return now }, Getenv: func(k string) string { return scriptEnv[k] }}
		if code := Run(env, []string{"init", "--example", "acme", "acme"}); code != ExitOK {
			a.err = fmt.Errorf("init --example acme exited %d: %s", code, out.String())
			return
		}
		a.dir = filepath.Join(dir, "acme")
	})
	return a.dir, a.err
}

// cmd is the script command "acme DIR": DIR becomes a copy of the
// replayed example, its Git history and notes included.
func (a *acmeTemplate) cmd(t *testing.T) func(ts *testscript.TestScript, neg bool, args []string) {
	return func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 1 {
			ts.Fatalf("usage: acme DIR")
		}
		src, err := a.build(t)
		ts.Check(err)
		ts.Check(copyTree(src, ts.MkAbs(args[0])))
	}
}

// copyTree copies a directory tree with its files' modes.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.MkdirAll(target, info.Mode().Perm()|0o700)
		case d.Type()&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(target, os.O_CREATE|os.O_EXCL|os.O_WRONLY, info.Mode().Perm())
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}

type lockedBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b = append(l.b, p...)
	return len(p), nil
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.b)
}
