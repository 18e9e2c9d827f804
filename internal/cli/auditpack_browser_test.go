package cli

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/smsctl/smsctl/internal/scaffold"
)

// acmePack builds the acme example's replayed repository and its evidence
// pack, in-process, and returns the pack's folder.
func acmePack(t *testing.T) string {
	t.Helper()
	ex, err := scaffold.LookupExample("acme")
	if err != nil {
		t.Fatal(err)
	}
	repoDir := filepath.Join(t.TempDir(), "acme")
	if _, err := scaffold.CreateExample(repoDir, ex); err != nil {
		t.Fatal(err)
	}
	packDir := filepath.Join(t.TempDir(), "pack")
	var stdout, stderr bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Dir: repoDir,
		Now:    func() time.Time { return time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) },
		Getenv: func(string) string { return "" }}
	if code := Run(env, []string{"audit", "pack", "--since", "2026-01-01", "--until", "2026-10-31", packDir}); code != 0 {
		t.Fatalf("audit pack exited %d: %s", code, stderr.String())
	}
	return packDir
}

var externalURL = regexp.MustCompile(`(?i)(https?|ftp|wss?):|//[a-z0-9.-]+\.[a-z]{2,}/`)

// The pack refers to no external URL: no link, image, style or script
// source, and no URL in its data either.
func TestPackHasNoExternalURL(t *testing.T) {
	dir := acmePack(t)
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if m := externalURL.Find(data); m != nil {
			t.Errorf("%s holds an external URL: %q", p, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 20 {
		t.Errorf("the pack has %d files", n)
	}
	index, _ := os.ReadFile(filepath.Join(dir, "index.html"))
	for _, m := range regexp.MustCompile(`(?:href|src)="([^"]*)"`).FindAllSubmatch(index, -1) {
		if ref := string(m[1]); !strings.HasPrefix(ref, "#") && ref != "sla.html" {
			t.Errorf("index.html refers to %q, not a place in the pack", ref)
		}
	}
}

// A real browser (Debian's headless Chromium) opens index.html from the
// acme pack, offline, and the page it renders shows the clause table and a
// change's approval trail. Without chromium the test is skipped, unless
// SMSCTL_REQUIRE_BROWSER=1 (as CI sets it).
func TestPackOpensInChromium(t *testing.T) {
	browser := ""
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			browser = p
			break
		}
	}
	if browser == "" {
		if os.Getenv("SMSCTL_REQUIRE_BROWSER") == "1" {
			t.Fatal("chromium is not installed, and SMSCTL_REQUIRE_BROWSER=1 requires it (apt-get install chromium)")
		}
		t.Skip("chromium is not installed (apt-get install chromium); SMSCTL_REQUIRE_BROWSER=1 makes this a failure")
	}
	dir := acmePack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	profile := t.TempDir()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
		"--no-first-run", "--user-data-dir="+profile, "--dump-dom", "file://"+filepath.Join(dir, "index.html"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	dom := string(out)
	// The clause table, as rendered: a row per clause with its status.
	for _, want := range []string{
		`<table id="clauses">`,
		`<tr id="clause-4.3-4.4"><td><a href="#records">4.3, 4.4</a></td><td>Scope of the SMS</td><td class="met">met</td>`,
		`<tr id="clause-8.5.1"><td><a href="#changes">8.5.1</a></td><td>Change management</td><td class="met">met</td>`,
		`<tr id="clause-10.2">`,
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("the rendered page lacks %s", want)
		}
	}
	// One change's approval trail: the approval the record holds and the
	// approval attested for the pull request that brought it.
	i := strings.Index(dom, `<section id="change-CHG-2026-0012" class="change">`)
	if i < 0 {
		t.Fatalf("the rendered page has no section for CHG-2026-0012")
	}
	section := dom[i:]
	section = section[:strings.Index(section, "</section>")]
	for _, want := range []string{
		"<h3>CHG-2026-0012: Extend pg_wal volumes and restore WAL archiving on pg-cluster-01</h3>",
		"<td>priya-shah</td><td>change-manager</td><td>2026-04-15T10:00:00+01:00</td><td>approved</td>",
		"approved in #60 by priya-shah (GitHub pshah-acme; change-manager, cab-member)",
	} {
		if !strings.Contains(section, want) {
			t.Errorf("CHG-2026-0012's section lacks %s", want)
		}
	}
	if t.Failed() {
		t.Logf("rendered DOM, first 3000 bytes:\n%.3000s", dom)
	}
}
