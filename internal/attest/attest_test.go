package attest

import (
	"strings"
	"testing"
	"time"

	"github.com/smsctl/smsctl/internal/finding"
	"github.com/smsctl/smsctl/internal/github"
	"github.com/smsctl/smsctl/internal/policy"
)

func TestBuildParseApprovals(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 11, 20, h, 0, 0, 0, time.UTC) }
	pr := &github.PullRequest{
		Number: 7, Title: "Rotate the key", Author: "author", LastPusher: "pusher", HeadSHA: "head",
		MergeCommit: "merge", MergedBy: "merger", MergedAt: at(12),
		Reviews: []github.Review{
			{Login: "stale", State: "APPROVED", CommitID: "old", SubmittedAt: at(9)},
			{Login: "pusher", State: "APPROVED", CommitID: "head", SubmittedAt: at(10)},
			{Login: "good", State: "APPROVED", CommitID: "head", SubmittedAt: at(10)},
			{Login: "gone", State: "DISMISSED", CommitID: "head", SubmittedAt: at(10), Dismissed: true},
			{Login: "fickle", State: "APPROVED", CommitID: "head", SubmittedAt: at(10)},
			{Login: "fickle", State: "CHANGES_REQUESTED", CommitID: "head", SubmittedAt: at(11)},
		},
	}
	facts := &policy.PullRequest{Changes: []string{"CHG-2026-0039"}}
	for _, r := range pr.Reviews {
		facts.Reviews = append(facts.Reviews, policy.Review{Login: r.Login, Person: r.Login + "-person", Roles: []string{"cab-member"}})
	}
	fs := []finding.Finding{{Rule: "change.approval", Severity: finding.Error, Record: "change/CHG-2026-0039", Message: "m"}, {Rule: "x", Severity: finding.Warning}}
	a := Build("acme/sms", pr, facts, fs, 1, "sha256:abc", at(13), "smsctl test")
	if a.Verdict.Result != "fail" || a.Verdict.Errors != 1 || a.Verdict.Warnings != 1 || a.Verdict.Waived != 1 {
		t.Errorf("verdict %+v", a.Verdict)
	}
	b, err := Parse(a.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if b.Approvals() != nil || b.Check.Status != NotChecked {
		t.Errorf("evidence read back counts before it is checked: %+v", b.Check)
	}
	if a.Source != SourceGitHub {
		t.Errorf("source %q", a.Source)
	}
	var got []string
	for _, r := range a.Approvals() {
		got = append(got, r.Login)
	}
	if strings.Join(got, ",") != "good" {
		t.Errorf("approvals %v, want only good's", got)
	}
	if b.PullRequest.MergeCommit != "merge" || b.Reviews[2].Person != "good-person" || !b.Reviews[2].OnHead || b.Reviews[0].OnHead {
		t.Errorf("round trip lost facts: %+v", b)
	}
	for _, bad := range []string{"not json", `{"pull_request":{}}`, `{"smsctl_attestation":99}`} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("Parse(%q) accepted it", bad)
		}
	}
}
