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
	person("erin")
	reuse := commit("Tidy policy wording (#1)", fake)
	files["README.md"] = []byte("not a record\n")
	outside := commit("Docs", reuse)
	if err := w.SetBranch("main", outside); err != nil {
		t.Fatal(err)
	}
	repo, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	verified := &attest.Check{Status: attest.Verified, Attester: "ci"}
	notes := map[string]*attest.Attestation{}
	opts := VerifyOptions{Notes: notes}
	check := func(wantForms map[string]string, want map[string]string) *VerifyReport {
		t.Helper()
		rep, err := Verify(repo, opts)
		if err != nil {
			t.Fatal(err)
		}
		forms := map[string]string{}
		for _, c := range rep.Commits {
			forms[c.Commit] = c.Form
		}
		for h, f := range wantForms {
			if forms[h] != f {
				t.Errorf("commit %s: form %q, want %q", h[:12], forms[h], f)
			}
		}
		if _, ok := forms[outside]; ok || rep.MainLine != 7 || len(rep.Commits) != 6 {
			t.Errorf("main line %d, %d record commits; the commit outside the records was checked: %v", rep.MainLine, len(rep.Commits), ok)
		}
		got := map[string]string{}
		for _, f := range rep.Findings {
			got[f.Commit] += f.Rule + " "
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("findings by commit %v, want %v", got, want)
		}
		return rep
	}
	pull, evid := RulePullRequest+" ", RuleEvidence+" "
	// No evidence: a subject saying "#N" or "Merge pull request #N" proves
	// nothing; the merge of #1 and the squash "(#2)" are direct changes.
	rep := check(map[string]string{root: "root", merge: "direct", squash: "direct", direct: "direct", fake: "direct", reuse: "direct"},
		map[string]string{merge: pull, squash: pull, direct: pull, fake: pull, reuse: pull + pull})
	var reused string
	for _, f := range rep.Findings {
		if f.Commit == reuse && strings.Contains(f.Message, "already carries") {
			reused = f.Message
		}
	}
	if !strings.Contains(reused, "claims pull request #1, which the earlier main-line commit "+merge[:12]+" already carries") {
		t.Errorf("the reused number: %q", reused)
	}

	// Verified evidence makes the merge a reviewed merge. The squash's is
	// about another commit, approved by its author, with a failed gate.
	notes[merge] = &attest.Attestation{Changes: []string{}, PullRequest: attest.PullRequest{Number: 1, MergeCommit: merge}, Check: verified, Verdict: attest.Verdict{Result: "pass"}}
	notes[squash] = &attest.Attestation{Changes: []string{}, PullRequest: attest.PullRequest{Number: 2, MergeCommit: merge, Author: "bob"},
		Reviews: []attest.Review{{Login: "bob", State: "APPROVED", OnHead: true}}, Verdict: attest.Verdict{Result: "fail", Errors: 1}, Check: verified}
	rep = check(map[string]string{merge: "merge", squash: "squash"},
		map[string]string{squash: evid + evid + "verify.approval verify.segregation ", direct: pull, fake: pull, reuse: pull + pull})
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
	for _, c := range rep.Commits {
		if c.Commit == merge && (c.Evidence != "attestation" || c.EvidenceCheck != "verified (signed by ci, key )") {
			t.Errorf("merge: evidence %q, %q", c.Evidence, c.EvidenceCheck)
		}
	}

	// Unverified evidence is reported and counts for nothing: the merge is
	// a direct change again.
	notes[merge] = &attest.Attestation{Changes: []string{}, PullRequest: attest.PullRequest{Number: 1, MergeCommit: merge}, Verdict: attest.Verdict{Result: "pass"},
		Check: &attest.Check{Status: attest.Unsigned, Reason: "the note carries no signature"}}
	delete(notes, squash)
	rep = check(map[string]string{merge: "direct"}, map[string]string{merge: evid + pull, squash: pull, direct: pull, fake: pull, reuse: pull + pull})
	for _, f := range rep.Findings {
		if f.Commit == merge && f.Rule == RuleEvidence && !strings.Contains(f.Message, "is unverified evidence: unverified (unsigned: the note carries no signature)") {
			t.Errorf("unverified note: %q", f.Message)
		}
	}
	// A verified note on a commit whose subject names no pull request
	// makes it one (an offline attestation given --pr).
	notes[direct] = &attest.Attestation{Changes: []string{}, PullRequest: attest.PullRequest{Number: 7, MergeCommit: direct}, Check: verified, Verdict: attest.Verdict{Result: "pass"}}
	check(map[string]string{direct: "squash"}, map[string]string{merge: evid + pull, squash: pull, fake: pull, reuse: pull + pull})
	delete(notes, direct)

	// The period bounds the commits checked.
	opts.Since = time.Date(2026, 1, 1, 14, 30, 0, 0, time.UTC)
	rep, err = Verify(repo, opts)
	if err != nil {
		t.Fatal(err)
	}
	if rep.InPeriod != 6 || len(rep.Commits) != 5 {
		t.Errorf("since %s: %d in period, %d record commits", opts.Since, rep.InPeriod, len(rep.Commits))
	}
}
