package cli

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smsctl/smsctl/internal/github/githubtest"
)

// TestTokenNeverShown runs every command that talks to GitHub, on success
// and on each kind of failure, with a recognisable token, and searches all
// their output for it.
func TestTokenNeverShown(t *testing.T) {
	const token = "ghp_NEVERSHOWN0123456789abcdefRECOGNISABLE"
	dir := t.TempDir()
	now := func() time.Time { return time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) }
	run := func(getenv map[string]string, args ...string) (int, string) {
		var out, errb bytes.Buffer
		env := &Env{Stdout: &out, Stderr: &errb, Stdin: strings.NewReader(""), Now: now, Dir: dir,
			Getenv: func(k string) string { return getenv[k] }}
		code := Run(env, args)
		return code, out.String() + errb.String()
	}
	if code, out := run(nil, "init", "--example", "acme", "acme"); code != 0 {
		t.Fatalf("init: %d %s", code, out)
	}
	head := "0000000000000000000000000000000000000001"
	fx := githubtest.Fixture{Token: token, Repo: "acme/sms", Pulls: []githubtest.Pull{{
		Number: 7, Title: "t", Author: "lwalsh-acme", HeadSHA: head, HeadRef: "b", BaseRef: "main", Pusher: "lwalsh-acme",
	}}}
	fx.Faults = []githubtest.Fault{
		{Path: "/pulls/9$", Status: 403, Headers: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1795431600"}, Body: `{"message":"API rate limit exceeded"}`},
	}
	srv := githubtest.New(fx)
	defer srv.Close()
	// the stand-in speaks plain http on 127.0.0.1, which smsctl allows
	// only when told so
	const loopback = "SMSCTL_TEST_GITHUB_HTTP_LOOPBACK"
	good := map[string]string{"GITHUB_TOKEN": token, "GITHUB_API_URL": srv.APIURL(), loopback: "1"}
	ghToken := map[string]string{"GH_TOKEN": token, "GITHUB_API_URL": srv.APIURL(), loopback: "1"}
	wrong := map[string]string{"GITHUB_TOKEN": "ghp_wrong", "GITHUB_API_URL": srv.APIURL(), loopback: "1"}
	inURL := map[string]string{"GITHUB_API_URL": strings.Replace(srv.APIURL(), "http://", "http://x:"+token+"@", 1), loopback: "1"}
	plainHTTP := map[string]string{"GITHUB_TOKEN": token, "GITHUB_API_URL": srv.APIURL()}
	acme := filepath.Join(dir, "acme")
	for _, c := range []struct {
		env  map[string]string
		args []string
		code int
	}{
		{good, []string{"validate", acme, "--pr", "7", "--comment", "--check-run", "--now", "2026-11-23"}, 0},
		{ghToken, []string{"validate", acme, "--pr", "7", "-o", "json", "--now", "2026-11-23"}, 0},
		{good, []string{"validate", acme, "--pr", "404"}, ExitError},
		{good, []string{"validate", acme, "--pr", "9"}, ExitError},
		{wrong, []string{"validate", acme, "--pr", "7"}, ExitError},
		{inURL, []string{"validate", acme, "--pr", "7"}, ExitError},
		{plainHTTP, []string{"validate", acme, "--pr", "7"}, ExitError},
		{plainHTTP, []string{"-C", acme, "attest", "--pr", "7", "--unsigned"}, ExitError},
		{good, []string{"-C", acme, "attest", "--pr", "7", "--unsigned"}, ExitError},
		{good, []string{"-C", acme, "attest", "--unsigned"}, ExitError},
		{good, []string{"-C", acme, "audit", "log", "CHG-2026-0038"}, 0},
	} {
		before := len(srv.Requests())
		code, out := run(c.env, c.args...)
		// over plain http without the test switch, or with credentials in
		// the URL, nothing is sent at all
		if plain := c.env[loopback] == "" || c.env["GITHUB_API_URL"] != srv.APIURL(); plain && len(srv.Requests()) != before {
			t.Errorf("%v sent %d requests to %s", c.args, len(srv.Requests())-before, c.env["GITHUB_API_URL"])
		}
		t.Logf("%v: %d\n%s", c.args, code, lastLines(out))
		if code != c.code {
			t.Errorf("%v: exit %d, want %d\n%s", c.args, code, c.code, out)
		}
		if c.args[len(c.args)-1] == "9" && !strings.Contains(out, "is spent until 2026-11-23T11:00:00Z (in 1h0m0s)") {
			t.Errorf("the primary rate limit's error names the reset: %s", out)
		}
		if strings.Contains(out, token) || strings.Contains(out, "NEVERSHOWN") {
			t.Errorf("%v shows the token:\n%s", c.args, out)
		}
	}

	for _, c := range srv.Comments(7) {
		if strings.Contains(c.Body, token) {
			t.Error("the comment shows the token")
		}
	}
	for _, r := range srv.CheckRuns() {
		if strings.Contains(r.Summary, token) {
			t.Error("the check run shows the token")
		}
	}
}

func lastLines(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-2):], "\n")
}
