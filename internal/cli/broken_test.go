package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestBrokenExamples runs `smsctl validate` on each repository in
// examples/broken and compares the exit code and output with its
// expected.txt (`go test ./internal/cli -update` rewrites them).
func TestBrokenExamples(t *testing.T) {
	dirs, err := filepath.Glob("../../examples/broken/*")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, dir := range dirs {
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			continue
		}
		n++
		t.Run(filepath.Base(dir), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			env := &Env{
				Stdout: &stdout, Stderr: &stderr, Dir: dir,
				Now:    func() time.Time { return time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) },
				Getenv: func(string) string { return "" },
			}
			code := Run(env, []string{"validate", "."})
			got := fmt.Sprintf("exit %d\n-- stdout --\n%s-- stderr --\n%s", code, stdout.String(), stderr.String())
			want := filepath.Join(dir, "expected.txt")
			if *update {
				if err := os.WriteFile(want, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			data, err := os.ReadFile(want)
			if err != nil {
				t.Fatal(err)
			}
			if string(data) != got {
				t.Errorf("validate %s:\n%s\nwant:\n%s", dir, got, data)
			}
			if code == ExitOK {
				t.Errorf("%s validated clean; each broken example must fail", dir)
			}
		})
	}
	if n < 10 {
		t.Fatalf("found %d broken examples, want at least 10", n)
	}
}
