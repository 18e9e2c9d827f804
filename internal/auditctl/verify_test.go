package auditctl

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/smsctl/smsctl/internal/attest"
	"github.com/smsctl/smsctl/internal/gitrepo"
)

// A generated history, one commit per way a record can reach the main
// line; Verify reports each that breaks a control, by commit.
func TestVerifyForms(t *testing.T) {
	dir := t.TempDir()
	w, err := gitrepo.NewHistoryWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	sig := func() gitrepo.Signature {
		when = when.Add(time.Hour)
		return gitrepo.Signature{Name: "A", Email: "a@example.com", When: when}
	}
	files := map[string][]byte{"sms.cue": []byte("package sms\n\nsms: {\n\tchange_management: require_signed_commits: false\n}\n")}
	person := func(id string) {
		files["people/"+id+".cue"] = []byte(fmt.Sprintf("package sms\n\npeople: %q: {name: %q, type: \"person\", roles: [], active: true}\n", id, id))
	}
	change := func(id string) {
		files["changes/2026/"+id+".cue"] = []byte(fmt.Sprintf("package sms\n\nchanges: %q: {title: \"t\"}\n", id))
	}
	commit := func(msg string, parents ...string) string {
		snapshot := map[string][]byte{}
		for k, v := range files {
			snapshot[k] = v
		}
		h, err := w.Commit(snapshot, parents, sig(), sig(), msg+"\n")
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	root := commit("Set up")
	person("bob")
	tip := commit("Add bob", root)
	merge := commit("Merge pull request #1 from x/bob", root, tip)
	change("CHG-2026-0001")
	squash := commit("Raise CHG-2026-0001 (#2)", merge)
	person("carol")
	direct := commit("Add carol", squash)
	person("dave")
	fake := commit("Merge pull request #3 from x/dave", direct)
	files["README.md"] = []byte("not a record\n")
	outside := commit("Docs", fake)
	if err := w.SetBranch("main", outside); err != nil {
		t.Fatal(err)
	}
	repo, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	evidence := map[string]*attest.Attestation{}
	opts := VerifyOptions{Evidence: func(c *gitrepo.HistoryCommit) (*attest.Attestation, string, error) {
		if a := evidence[c.Hash]; a != nil {
			return a, "attestation", nil
		}
		return nil, "", nil
	}}
	rep, err := Verify(repo, opts)
	if err != nil {
		t.Fatal(err)
	}
	forms := map[string]string{}
	for _, c := range rep.Commits {
		forms[c.Commit] = c.Form
	}
	for h, want := range map[string]string{root: "root", merge: "merge", squash: "squash", direct: "direct", fake: "direct"} {
		if forms[h] != want {
			t.Errorf("commit %s: form %q, want %q", h[:12], forms[h], want)
		}
	}
	if _, ok := forms[outside]; ok || rep.MainLine != 6 || len(rep.Commits) != 5 {
		t.Errorf("main line %d, %d record commits; the commit outside the records was checked: %v", rep.MainLine, len(rep.Commits), ok)
	}
	got := map[string]string{}
	for _, f := range rep.Findings {
		got[f.Commit] += f.Rule + " "
	}
	want := map[string]string{
		squash: RuleEvidence + " ",
		direct: RulePullRequest + " ",
		fake:   RulePullRequest + " ",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("findings by commit %v, want %v", got, want)
	}
	if rep.Unattested != 2 {
		t.Errorf("unattested %d, want 2 (#1 and #3, which brought no change)", rep.Unattested)
	}

	// Evidence for the squash: about another commit, approved by its author.
	evidence[squash] = &attest.Attestation{Changes: []string{}, PullRequest: attest.PullRequest{Number: 2, MergeCommit: merge, Author: "bob"},
		Reviews: []attest.Review{{Login: "bob", State: "APPROVED", OnHead: true}}, Verdict: attest.Verdict{Result: "fail", Errors: 1}}
	rep, err = Verify(repo, opts)
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, f := range rep.Findings {
		if f.Commit == squash {
			msgs = append(msgs, f.Rule+": "+f.Message)
		}
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{"verify.evidence: the evidence on", "is for merge commit", "verify.evidence: commit " + squash[:12] + " changed CHG-2026-0001, which its evidence for pull request #2 does not list",
		"verify.approval: pull request #2 was merged although the gate failed", "verify.segregation: pull request #2 was approved by its own author bob"} {
		if !strings.Contains(all, want) {
			t.Errorf("findings on the squash lack %q:\n%s", want, all)
		}
	}

	// The period bounds the commits checked.
	opts.Since = time.Date(2026, 1, 1, 14, 30, 0, 0, time.UTC)
	rep, err = Verify(repo, opts)
	if err != nil {
		t.Fatal(err)
	}
	if rep.InPeriod != 5 || len(rep.Commits) != 4 {
		t.Errorf("since %s: %d in period, %d record commits", opts.Since, rep.InPeriod, len(rep.Commits))
	}
}
