package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/smsctl/smsctl/internal/policy"
	"github.com/smsctl/smsctl/internal/records"
)

// TestGenerateValid checks that a generated repository is a valid SMS: no
// findings at all, from the schema and references or from the built-in
// policies at genNow, and the number of changes asked for.
func TestGenerateValid(t *testing.T) {
	dir := t.TempDir()
	const n = 60
	if err := generate(dir, n, defaultSeed); err != nil {
		t.Fatal(err)
	}
	repo, err := records.Load(os.DirFS(dir), records.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range repo.Findings {
		t.Errorf("%s: %s: %s", f.Severity, f.Location(), f.Message)
	}
	// Every generated record is literal data the fast path accepts: the
	// validate scenario measures that path, whose cost is linear in the
	// repository's size, not CUE's evaluator.
	if repo.FastChecked != len(repo.Records) || repo.Evaluated != 0 {
		t.Errorf("the fast path took %d of %d records; CUE evaluated %d", repo.FastChecked, len(repo.Records), repo.Evaluated)
	}
	ctx := context.Background()
	mods, err := policy.BuiltinModules()
	if err != nil {
		t.Fatal(err)
	}
	engine, err := policy.Compile(ctx, mods)
	if err != nil {
		t.Fatal(err)
	}
	// At genNow, as smsctl validate judges with SMSCTL_NOW, and at midnight
	// of its date, as the policy scenario exports the input.
	for _, now := range []time.Time{genNow, genNow.Truncate(24 * time.Hour)} {
		out, err := engine.Judge(ctx, repo, policy.Options{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range out.Findings {
			t.Errorf("policies at %s: %s: %s: %s [%s]", now.Format(time.RFC3339), f.Severity, f.Location(), f.Message, f.Rule)
		}
	}
	count := map[string]int{}
	years := map[string]int{}
	for _, r := range repo.Records {
		count[r.Kind]++
		if r.Kind == "change" {
			years[r.ID[4:8]]++
		}
	}
	if count["change"] != n {
		t.Errorf("%d change records, want %d", count["change"], n)
	}
	want := map[string]int{
		"sms": 1, "person": len(genPeople) + 1, "role": len(genRoles) + 1,
		"service": len(genServices), "ci": len(genCIs), "supplier": len(genSuppliers),
		// An SLA per customer and year, the OLA, a UC per supplier.
		"agreement": len(genCustomers)*len(genSLAYears) + 1 + len(genSuppliers),
		"audit":     3, "review": 2,
	}
	for kind, w := range want {
		if count[kind] != w {
			t.Errorf("%d %s records, want %d", count[kind], kind, w)
		}
	}
	if years["2025"] == 0 || years["2026"] == 0 || len(years) != 2 {
		t.Errorf("changes per year = %v, want some in each of 2025 and 2026 only", years)
	}
	for kind, c := range count {
		if _, ok := want[kind]; !ok && kind != "change" {
			t.Errorf("%d %s records, want none", c, kind)
		}
	}
}

// TestGenerateDeterministic checks that a seed always gives the same files
// and another seed different ones.
func TestGenerateDeterministic(t *testing.T) {
	a, err := generateFiles(30, 7)
	if err != nil {
		t.Fatal(err)
	}
	b, err := generateFiles(30, 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != len(b) {
		t.Fatalf("%d files, then %d", len(a), len(b))
	}
	for p, data := range a {
		if !bytes.Equal(data, b[p]) {
			t.Errorf("%s differs between two runs with the same seed", p)
		}
	}
	c, err := generateFiles(30, 8)
	if err != nil {
		t.Fatal(err)
	}
	same := true
	for p, data := range a {
		same = same && bytes.Equal(data, c[p])
	}
	if same {
		t.Error("seeds 7 and 8 gave the same files")
	}
}

func TestGenerateRefusesNonEmptyDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/stray.txt", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := generate(dir, 1, defaultSeed); err == nil {
		t.Error("generate wrote into a directory that was not empty")
	}
}

// TestDenialCounts checks that the policy scenario counts the denials in
// the JSON of `smsctl policy eval -o json` and of `opa eval --format json`
// alike.
func TestDenialCounts(t *testing.T) {
	ours, err := smsctlDenials(`[
  {"rule": "change.segregation", "kind": "change", "id": "CHG-2026-0001", "msg": "m", "field": "approvals[0].by"},
  {"rule": "change.segregation", "kind": "change", "id": "CHG-2026-0002", "msg": "m"},
  {"rule": "assurance.policy_review", "kind": "sms", "id": "sms", "msg": "m"}
]`)
	if err != nil {
		t.Fatal(err)
	}
	binding := func(area, name string) string {
		return `{"expressions": [{"value": {"msg": "m"}, "text": "q"}], "bindings": {"area": "` + area + `", "finding": {"msg": "m"}, "name": "` + name + `"}}`
	}
	theirs, err := opaDenials(`{"result": [` + binding("change", "segregation") + `, ` + binding("assurance", "policy_review") + `, ` +
		binding("change", "segregation") + `]}`)
	if err != nil {
		t.Fatal(err)
	}
	if total(ours) != 3 || total(theirs) != 3 || ruleDiff(ours, theirs) != "" {
		t.Errorf("smsctl %v, opa %v: want 3 each, the same per rule", ours, theirs)
	}
	theirs["change.freeze"] = 1
	if got, want := ruleDiff(ours, theirs), "change.freeze 0/1"; got != want {
		t.Errorf("ruleDiff = %q, want %q", got, want)
	}
	none, err := smsctlDenials("[]\n")
	if err != nil || total(none) != 0 {
		t.Errorf("smsctl [] = %v, %v; want no denials", none, err)
	}
	if none, err := opaDenials("{}\n"); err != nil || total(none) != 0 {
		t.Errorf("opa {} = %v, %v; want no denials", none, err)
	}
	if _, err := opaDenials(`{"errors": [{"message": "boom"}]}`); err == nil {
		t.Error("opa errors were not reported")
	}
}

// TestGenerateHistory checks the shape of a generated Git history: the
// first commit, N commits on the first-parent line, every 10th a merge of
// a one-commit side branch.
func TestGenerateHistory(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git:", err)
	}
	dir := t.TempDir()
	const commits, files = 200, 50
	if err := generateHistory(context.Background(), dir, commits, files, defaultSeed); err != nil {
		t.Fatal(err)
	}
	git := func(args ...string) string {
		out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).Output()
		if err != nil {
			t.Fatalf("git %s: %v", strings.Join(args, " "), err)
		}
		return strings.TrimSpace(string(out))
	}
	merges := commits / historyMergeEvery
	if got, want := git("rev-list", "--count", "HEAD"), strconv.Itoa(1+commits+merges); got != want {
		t.Errorf("rev-list --count HEAD = %s, want %s", got, want)
	}
	if got, want := git("rev-list", "--count", "--first-parent", "HEAD"), strconv.Itoa(1+commits); got != want {
		t.Errorf("rev-list --count --first-parent HEAD = %s, want %s", got, want)
	}
	log := git("log", "--first-parent", "--oneline")
	if got := strings.Count(log, "Merge pull request"); got != merges {
		t.Errorf("%d merges of pull requests on the first-parent line, want %d", got, merges)
	}
	if got := git("branch", "--show-current"); got != "main" {
		t.Errorf("branch %q, want main", got)
	}
	if got := git("ls-files", "changes"); strings.Count(got, "\n")+1 != files {
		t.Errorf("%d files tracked, want %d", strings.Count(got, "\n")+1, files)
	}
	if got := git("status", "--porcelain"); got != "" {
		t.Errorf("work tree not clean:\n%s", got)
	}
	// Deterministic: the same seed gives the same commits.
	again := t.TempDir()
	if err := generateHistory(context.Background(), again, commits, files, defaultSeed); err != nil {
		t.Fatal(err)
	}
	head := git("rev-parse", "HEAD")
	out, err := exec.Command("git", "-C", again, "rev-parse", "HEAD").Output()
	if err != nil || strings.TrimSpace(string(out)) != head {
		t.Errorf("second generation's HEAD = %s (%v), want %s", out, err, head)
	}
}
