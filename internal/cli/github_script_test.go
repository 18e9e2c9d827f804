package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"
	"go.yaml.in/yaml/v3"

	"github.com/smsctl/smsctl/internal/github/githubtest"
)

// githubServers are the stand-in APIs the scripts started, by script.
var githubServers sync.Map // *testscript.TestScript -> *githubtest.Server

var gitRevRE = regexp.MustCompile(`"git:([^"]+)"`)

func githubCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: github serve FIXTURE | github dump FILE")
	}
	switch args[0] {
	case "serve":
		data := ts.ReadFile(args[1])
		var failed error
		data = gitRevRE.ReplaceAllStringFunc(data, func(m string) string {
			rev := gitRevRE.FindStringSubmatch(m)[1]
			cmd := exec.Command("git", "rev-parse", rev)
			cmd.Dir = ts.MkAbs(".")
			out, err := cmd.Output()
			if err != nil {
				failed = err
				return m
			}
			return `"` + strings.TrimSpace(string(out)) + `"`
		})
		ts.Check(failed)
		var fx githubtest.Fixture
		ts.Check(json.Unmarshal([]byte(data), &fx))
		srv := githubtest.New(fx)
		ts.Defer(srv.Close)
		githubServers.Store(ts, srv)
		ts.Setenv("GITHUB_API_URL", srv.APIURL())
		// the stand-in speaks plain http on 127.0.0.1: say so, explicitly
		ts.Setenv("SMSCTL_TEST_GITHUB_HTTP_LOOPBACK", "1")
	case "dump":
		v, ok := githubServers.Load(ts)
		if !ok {
			ts.Fatalf("github dump: no server started")
		}
		var out bytes.Buffer
		enc := json.NewEncoder(&out)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		ts.Check(enc.Encode(v.(*githubtest.Server).State()))
		ts.Check(os.WriteFile(ts.MkAbs(args[1]), out.Bytes(), 0o644))
	default:
		ts.Fatalf("usage: github serve FIXTURE | github dump FILE")
	}
}

// actionScriptCmd is "action-script ACTION STEP FILE": it writes the run
// script of step STEP of actions/ACTION/action.yml to FILE, and makes
// $RUNNER_TEMP/smsctl run the smsctl under test, so a script can run the
// action's shell logic as the runner would after the build step.
func actionScriptCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: action-script ACTION STEP FILE")
	}
	data, err := os.ReadFile(filepath.Join(repoRoot, "actions", args[0], "action.yml"))
	ts.Check(err)
	var action struct {
		Runs struct {
			Steps []struct {
				Name string `yaml:"name"`
				Run  string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"runs"`
	}
	ts.Check(yaml.Unmarshal(data, &action))
	for _, st := range action.Runs.Steps {
		if st.Name == args[1] {
			ts.Check(os.WriteFile(ts.MkAbs(args[2]), []byte(st.Run), 0o755))
			runner := ts.Getenv("RUNNER_TEMP")
			if runner == "" {
				ts.Fatalf("action-script: set RUNNER_TEMP first")
			}
			ts.Check(os.MkdirAll(runner, 0o755))
			ts.Check(os.WriteFile(filepath.Join(runner, "smsctl"), []byte("#!/bin/sh\nexec smsctl \"$@\"\n"), 0o755))
			return
		}
	}
	ts.Fatalf("action-script: actions/%s has no step %q", args[0], args[1])
}

// repoRoot is this repository's top directory.
var repoRoot = func() string {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	return filepath.Join(wd, "..", "..")
}()
