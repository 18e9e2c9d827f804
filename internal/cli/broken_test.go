package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/smsctl/smsctl/internal/github/githubtest"
	"github.com/smsctl/smsctl/internal/policy"
)

// brokenNow is the clock of every broken example.
var brokenNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// TestBrokenExamples runs `smsctl validate` on each repository in
// examples/broken and compares the exit code and output with its
// expected.txt (`go test ./internal/cli -update` rewrites them).
//
// A folder named rule-<id> shows one violation of the built-in rule <id>:
// its output must name the rule. A folder with a base/ subfolder is judged
// as a change: base/ is committed to a fresh Git repository (after
// history/, when there is one), head/ becomes the work tree, and
// `validate --base HEAD .` runs there. A github.json beside base/ is a
// pull request on an in-process GitHub (githubtest.Fixture): the example
// is then judged as the action judges it, with --policies-from HEAD and
// --pr, its first pull request.
func TestBrokenExamples(t *testing.T) {
	dirs, err := filepath.Glob("../../examples/broken/*")
	if err != nil {
		t.Fatal(err)
	}
	severity := map[string]string{}
	for _, r := range builtinRules(t) {
		severity[r.ID] = r.Severity
	}
	n := 0
	for _, dir := range dirs {
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			continue
		}
		n++
		t.Run(filepath.Base(dir), func(t *testing.T) {
			workDir, args := dir, []string{"validate", "."}
			if isDir(filepath.Join(dir, "base")) {
				workDir, args = gitCase(t, dir), []string{"validate", "--base", "HEAD", "."}
			}
			vars := map[string]string{}
			if data, err := os.ReadFile(filepath.Join(dir, "github.json")); err == nil {
				var fx githubtest.Fixture
				if err := json.Unmarshal(data, &fx); err != nil || len(fx.Pulls) == 0 {
					t.Fatalf("%s/github.json: want a fixture with a pull request (%v)", dir, err)
				}
				srv := githubtest.New(fx)
				t.Cleanup(srv.Close)
				vars["GITHUB_API_URL"], vars["GITHUB_TOKEN"] = srv.APIURL(), fx.Token
				vars["SMSCTL_TEST_GITHUB_HTTP_LOOPBACK"] = "1" // the stand-in is plain http on 127.0.0.1
				args = append(args[:len(args)-1], "--policies-from", "HEAD", "--pr", strconv.Itoa(fx.Pulls[0].Number), "--github-repo", fx.Repo, ".")
			}
			var stdout, stderr bytes.Buffer
			env := &Env{
				Stdout: &stdout, Stderr: &stderr, Dir: workDir,
				Now:    func() time.Time { return brokenNow },
				Getenv: func(k string) string { return vars[k] },
			}
			code := Run(env, args)
			got := fmt.Sprintf("exit %d\n-- stdout --\n%s-- stderr --\n%s", code, stdout.String(), stderr.String())
			want := filepath.Join(dir, "expected.txt")
			if *update {
				if err := os.WriteFile(want, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			} else {
				data, err := os.ReadFile(want)
				if err != nil {
					t.Fatal(err)
				}
				if string(data) != got {
					t.Errorf("%s %s:\n%s\nwant:\n%s", strings.Join(args, " "), dir, got, data)
				}
			}
			id, isRule := strings.CutPrefix(filepath.Base(dir), "rule-")
			if isRule {
				sev, ok := severity[id]
				if !ok {
					t.Fatalf("%s: there is no built-in rule %s", dir, id)
				}
				if !strings.Contains(stdout.String(), "["+id+"]") {
					t.Errorf("%s: rule %s does not fire:\n%s", dir, id, stdout.String())
				}
				// A warning alone does not fail validate.
				if sev == "warning" {
					return
				}
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

// TestBrokenExamplesCoverRules requires a broken example rule-<id> for every
// built-in rule, so a new rule comes with a repository that breaks it.
func TestBrokenExamplesCoverRules(t *testing.T) {
	for _, r := range builtinRules(t) {
		if !isDir(filepath.Join("../../examples/broken", "rule-"+r.ID)) {
			t.Errorf("rule %s has no broken example: add examples/broken/rule-%s/", r.ID, r.ID)
		}
	}
}

// builtinRules lists the built-in rules as the engine compiles them.
func builtinRules(t *testing.T) []policy.Rule {
	t.Helper()
	mods, err := policy.BuiltinModules()
	if err != nil {
		t.Fatal(err)
	}
	engine, err := policy.Compile(context.Background(), mods)
	if err != nil {
		t.Fatal(err)
	}
	rules := engine.Rules()
	if len(rules) == 0 {
		t.Fatal("the engine lists no built-in rules")
	}
	return rules
}

func isDir(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.IsDir()
}

// gitCase builds the Git repository of a broken example judged with
// --base: history/ (when present) and base/ are committed in turn, and
// head/ is left as the uncommitted work tree. It returns the work tree.
func gitCase(t *testing.T, dir string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not found")
	}
	home := t.TempDir()
	work := filepath.Join(home, "repo")
	if err := os.Mkdir(work, 0o755); err != nil {
		t.Fatal(err)
	}
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(),
			"HOME="+home,
			"GIT_CONFIG_NOSYSTEM=1",
			"GIT_CONFIG_GLOBAL="+filepath.Join(home, ".gitconfig"),
			"GIT_AUTHOR_NAME=Broken Example", "GIT_AUTHOR_EMAIL=broken@example.com",
			"GIT_COMMITTER_NAME=Broken Example", "GIT_COMMITTER_EMAIL=broken@example.com",
			"GIT_AUTHOR_DATE=2026-11-20T10:00:00Z", "GIT_COMMITTER_DATE=2026-11-20T10:00:00Z",
		)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	// fill replaces the work tree (everything but .git) with a stage folder.
	fill := func(stage string) {
		t.Helper()
		entries, err := os.ReadDir(work)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.Name() != ".git" {
				if err := os.RemoveAll(filepath.Join(work, e.Name())); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := os.CopyFS(work, os.DirFS(filepath.Join(dir, stage))); err != nil {
			t.Fatal(err)
		}
	}
	git("init", "-q")
	for _, stage := range []string{"history", "base"} {
		if !isDir(filepath.Join(dir, stage)) {
			continue
		}
		fill(stage)
		git("add", "-A")
		git("commit", "-q", "--no-gpg-sign", "-m", stage)
	}
	if !isDir(filepath.Join(dir, "head")) {
		t.Fatalf("%s has base/ but no head/", dir)
	}
	fill("head")
	return work
}
