package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	cuecmd "cuelang.org/go/cmd/cue/cmd"
	"github.com/rhysd/actionlint"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/smsctl/smsctl/internal/gitrepo/gitrepotest"
)

var update = flag.Bool("update", false, "rewrite the expected output in testdata/script")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"smsctl": func() { os.Exit(Main()) },
		// The real cue CLI, at the version go.mod pins, for interop checks.
		"cue": func() { os.Exit(cuecmd.Main()) },
		// actionlint, at the version go.mod pins, on the workflows init writes.
		"actionlint": func() {
			os.Exit((&actionlint.Command{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}).Main(os.Args))
		},
		// mkfile NAME SIZE writes SIZE bytes of CUE comment to NAME.
		"mkfile": func() {
			size, err := strconv.Atoi(os.Args[2])
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(2)
			}
			data := append([]byte("package sms\n"), bytes.Repeat([]byte("// padding\n"), size/11+1)...)
			if err := os.WriteFile(os.Args[1], data[:size], 0o644); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		},
		// zeroblob PATH SIZE stages, at PATH in the Git repository of the
		// current directory, a blob of SIZE zero bytes, written as a loose
		// object without holding its size in memory or on disk.
		"zeroblob": func() {
			size, err := strconv.ParseInt(os.Args[2], 10, 64)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(2)
			}
			gitDir, err := exec.Command("git", "rev-parse", "--git-dir").Output()
			if err != nil {
				fmt.Fprintln(os.Stderr, "git rev-parse --git-dir:", err)
				os.Exit(1)
			}
			h, err := gitrepotest.WriteZeroBlob(strings.TrimSpace(string(gitDir)), size)
			if err == nil {
				cmd := exec.Command("git", "update-index", "--add", "--cacheinfo", "100644,"+h+","+os.Args[1])
				cmd.Stderr = os.Stderr
				err = cmd.Run()
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		},
		// maxrss MB PROG ARGS... runs a program, exits with its code, and
		// fails (exit 125) when its peak resident memory went over MB.
		"maxrss": func() {
			limit, err := strconv.Atoi(os.Args[1])
			if err != nil || len(os.Args) < 3 {
				fmt.Fprintln(os.Stderr, "usage: maxrss MB PROG [ARGS...]")
				os.Exit(2)
			}
			cmd := exec.Command(os.Args[2], os.Args[3:]...)
			cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
			err = cmd.Run()
			var ee *exec.ExitError
			if err != nil && !errors.As(err, &ee) {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			if mb, ok := peakRSS(cmd.ProcessState); ok {
				fmt.Fprintf(os.Stderr, "maxrss: %s used at most %d MB\n", os.Args[2], mb)
				if mb > int64(limit) {
					fmt.Fprintf(os.Stderr, "maxrss: over %d MB\n", limit)
					os.Exit(125)
				}
			}
			os.Exit(cmd.ProcessState.ExitCode())
		},
	})
}

// TestScripts runs the end-to-end scripts in testdata/script: one per
// command and per failure mode. `go test ./internal/cli -update` rewrites
// their expected output.
func TestScripts(t *testing.T) {
	acme := &acmeTemplate{}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// github serve FIXTURE starts an in-process GitHub API (see
			// githubtest) and points GITHUB_API_URL at it; "git:REV" strings
			// in the fixture become that revision's hash in the current
			// directory. github dump FILE writes the server's state
			// (comments, check runs, requests) as JSON.
			"github": githubCmd,
			// action-script ACTION STEP FILE writes an action's run script.
			"action-script": actionScriptCmd,
			// acme DIR copies the acme example, replayed once per test
			// binary as smsctl init --example acme replays it.
			"acme": acme.cmd(t),
			// attester-key example|new FILE writes the example's attester
			// key (or a new one) to FILE and FILE.pub; ssh-agent KEYFILE...
			// serves an ssh-agent holding keys and sets SSH_AUTH_SOCK;
			// replace OLD NEW FILE edits FILE (tampering with a note).
			"attester-key": attesterKeyCmd,
			"ssh-agent":    sshAgentCmd,
			"replace":      replaceCmd,
			// exit CODE PROG ARGS... runs a program and checks its exit code.
			"exit": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) < 2 {
					ts.Fatalf("usage: exit CODE PROG [ARGS...]")
				}
				want, err := strconv.Atoi(args[0])
				ts.Check(err)
				got := 0
				if err := ts.Exec(args[1], args[2:]...); err != nil {
					var ee *exec.ExitError
					if !errors.As(err, &ee) {
						ts.Fatalf("%s: %v", args[1], err)
					}
					got = ee.ExitCode()
				}
				if got != want {
					ts.Fatalf("%s exited %d, want %d", args[1], got, want)
				}
			},
		},
		Setup: func(e *testscript.Env) error {
			for k, v := range scriptEnv {
				e.Setenv(k, v)
			}
			e.Setenv("CUE_CACHE_DIR", e.WorkDir+"/.cache/cue")
			return nil
		},
	})
}
