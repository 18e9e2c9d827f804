package auditctl

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/smsctl/smsctl/internal/attest"
	"github.com/smsctl/smsctl/internal/gate"
	"github.com/smsctl/smsctl/internal/gitrepo"
	"github.com/smsctl/smsctl/internal/policy"
	"github.com/smsctl/smsctl/internal/sms"
)

// verifyRules are the policies whose findings on a merged pull request's
// changes mean its approvals did not satisfy the policies in force.
var verifyRules = []string{"change.approval", "change.cab_approval", "change.segregation"}

// JudgeMerge judges a merged pull request's commit with its first parent
// as base and trusted revision, and the evidence's reviews; it keeps the
// findings of the approval rules on the changes the pull request brought.
func JudgeMerge(ctx context.Context, repo *sms.Repo, c *gitrepo.HistoryCommit, a *attest.Attestation) ([]JudgeFinding, error) {
	merge, err := repo.Git.Resolve(c.Hash)
	if err != nil {
		return nil, err
	}
	pr := a.PullRequest
	facts := &policy.PullRequest{
		Number: pr.Number, Title: pr.Title, Author: pr.Author, LastPusher: pr.LastPusher,
		HeadSHA: pr.HeadSHA, BaseRef: pr.BaseRef,
		Merged: true, Labels: append([]string{}, pr.Labels...), Files: []string{}, Changes: append([]string{}, a.Changes...),
		Reviews: []policy.Review{},
	}
	for _, fc := range c.Changes {
		facts.Files = append(facts.Files, fc.Path)
	}
	for _, r := range a.Reviews {
		facts.Reviews = append(facts.Reviews, policy.Review{
			Login: r.Login, State: r.State, CommitID: r.CommitID,
			SubmittedAt: r.SubmittedAt.UTC().Format(time.RFC3339), Dismissed: r.Dismissed,
		})
	}
	// Only the approval rules' findings are kept, so only they run.
	v, err := gate.JudgeMerge(ctx, repo, gate.Merge{Commit: merge, PullRequest: facts, Now: c.Committer.When, Rules: verifyRules})
	if err != nil {
		return nil, err
	}
	var found []JudgeFinding
	for _, f := range v.Findings {
		if !slices.Contains(verifyRules, f.Rule) || f.Severity != "error" {
			continue
		}
		kind, id, _ := strings.Cut(f.Record, "/")
		if kind != "change" || !slices.Contains(a.Changes, id) {
			continue
		}
		found = append(found, JudgeFinding{Rule: f.Rule, Record: f.Record, Message: f.Message})
	}
	return found, nil
}
