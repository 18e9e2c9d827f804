package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"

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
