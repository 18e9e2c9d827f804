// Package attest is the approval evidence `smsctl attest` keeps in Git: what
// a merged pull request was, who reviewed it in which roles and when, and
// what the gate's policies concluded, as one JSON document stored as a Git
// note on the merge commit. Auditors read it offline with `smsctl audit
// log`, long after the forge's own retention has passed.
package attest

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/smsctl/smsctl/internal/finding"
	"github.com/smsctl/smsctl/internal/github"
	"github.com/smsctl/smsctl/internal/policy"
)

// Version is the format of the evidence; readers refuse a newer one.
const Version = 1

// Attestation is the evidence for one merged pull request.
type Attestation struct {
	Version int `json:"smsctl_attestation"`
	// Repository is OWNER/NAME on the forge.
	Repository  string      `json:"repository"`
	PullRequest PullRequest `json:"pull_request"`
	// Changes are the change records the pull request added or edited.
	Changes []string `json:"changes"`
	Reviews []Review `json:"reviews"`
	Verdict Verdict  `json:"verdict"`
	// PolicyDigest identifies the policies that judged the pull request.
	PolicyDigest string    `json:"policy_digest"`
	AttestedAt   time.Time `json:"attested_at"`
	// Tool is the smsctl version that wrote the evidence.
	Tool string `json:"tool"`
	// Source is where the pull request and its reviews were read:
	// "github", or "offline" (from the merge and the change records it
	// brought: their approvals are the reviews). Empty in evidence written
	// before smsctl said, which read GitHub.
	Source string `json:"source,omitempty"`

	// Check is what the reader found of the evidence, never part of what
	// is signed: nil for evidence built here, set by whoever reads a note.
	// Parse leaves it NotChecked; only a check against the trusted
	// attesters (Resolver.Check) or GitHub makes the evidence count.
	Check *Check `json:"verification,omitempty"`
}

// Sources of evidence (Attestation.Source).
const (
	SourceGitHub  = "github"
	SourceOffline = "offline"
)

// PullRequest is the pull request, as it was merged.
type PullRequest struct {
	Number           int       `json:"number"`
	Title            string    `json:"title"`
	URL              string    `json:"url"`
	Author           string    `json:"author"`
	AuthorPerson     string    `json:"author_person,omitempty"`
	LastPusher       string    `json:"last_pusher,omitempty"`
	LastPusherPerson string    `json:"last_pusher_person,omitempty"`
	BaseRef          string    `json:"base_ref"`
	HeadSHA          string    `json:"head_sha"`
	MergeCommit      string    `json:"merge_commit"`
	MergedBy         string    `json:"merged_by"`
	MergedAt         time.Time `json:"merged_at"`
	Labels           []string  `json:"labels"`
}

// Review is one review, with the reviewer's person and roles in the SMS at
// the merge commit.
type Review struct {
	Login       string    `json:"login"`
	Person      string    `json:"person,omitempty"`
	Roles       []string  `json:"roles"`
	State       string    `json:"state"`
	CommitID    string    `json:"commit_id"`
	SubmittedAt time.Time `json:"submitted_at"`
	Dismissed   bool      `json:"dismissed"`
	// OnHead is true when the review was given on the merged head commit.
	OnHead bool `json:"on_head"`
}

// Verdict is what the policies found on the merge commit with the pull
// request's approvals.
type Verdict struct {
	// Result is "pass" (no errors) or "fail".
	Result   string    `json:"result"`
	Errors   int       `json:"errors"`
	Warnings int       `json:"warnings"`
	Waived   int       `json:"waived"`
	Findings []Finding `json:"findings"`
}

// Finding is a finding of the gate, briefly.
type Finding struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Record   string `json:"record,omitempty"`
	Message  string `json:"message"`
}

// Build assembles the evidence. facts are the policy input's view of the
// pull request (reviewers mapped to people); findings and waived are the
// gate's outcome on the merge commit.
func Build(repo string, pr *github.PullRequest, facts *policy.PullRequest, findings []finding.Finding, waived int, digest string, at time.Time, tool string) *Attestation {
	a := &Attestation{
		Version: Version, Repository: repo,
		PullRequest: PullRequest{
			Number: pr.Number, Title: pr.Title, URL: pr.URL, Author: pr.Author, AuthorPerson: facts.AuthorPerson,
			LastPusher: pr.LastPusher, LastPusherPerson: facts.LastPusherPerson, BaseRef: pr.BaseRef,
			HeadSHA: pr.HeadSHA, MergeCommit: pr.MergeCommit, MergedBy: pr.MergedBy, MergedAt: pr.MergedAt.UTC(),
			Labels: append([]string{}, pr.Labels...),
		},
		Changes: append([]string{}, facts.Changes...), Reviews: []Review{},
		PolicyDigest: digest, AttestedAt: at.UTC(), Tool: tool, Source: SourceGitHub,
		Verdict: Verdict{Result: "pass", Waived: waived, Findings: []Finding{}},
	}
	for i, r := range pr.Reviews {
		fr := facts.Reviews[i]
		a.Reviews = append(a.Reviews, Review{
			Login: r.Login, Person: fr.Person, Roles: append([]string{}, fr.Roles...), State: r.State,
			CommitID: r.CommitID, SubmittedAt: r.SubmittedAt.UTC(), Dismissed: r.Dismissed, OnHead: r.CommitID == pr.HeadSHA,
		})
	}
	for _, f := range findings {
		switch f.Severity {
		case finding.Error:
			a.Verdict.Errors++
		case finding.Warning:
			a.Verdict.Warnings++
		}
		a.Verdict.Findings = append(a.Verdict.Findings, Finding{Rule: f.Rule, Severity: string(f.Severity), Record: f.Record, Message: f.Message})
	}
	if a.Verdict.Errors > 0 {
		a.Verdict.Result = "fail"
	}
	return a
}

// Marshal encodes the attestation alone as indented JSON ending in a
// newline; Seal writes it as a note.
func (a *Attestation) Marshal() []byte {
	return append(a.marshal(""), '\n')
}

// marshal is the attestation's JSON, indented, each line after the first
// prefixed: the bytes a signature covers. A reader's Check is not part of it.
func (a *Attestation) marshal(prefix string) []byte {
	c := *a
	c.Check = nil
	data, _ := json.MarshalIndent(&c, prefix, "  ") // plain data: cannot fail
	return data
}

// Parse reads an attestation (the JSON alone; see ParseNote for a note).
// Its Check is NotChecked whatever the JSON says: evidence read back counts
// for nothing until it is checked. A document that is not smsctl's is an
// error.
func Parse(data []byte) (*Attestation, error) {
	var a Attestation
	if err := json.Unmarshal(data, &a); err != nil {
		return nil, fmt.Errorf("not smsctl approval evidence: %w", err)
	}
	a.Check = &Check{Status: NotChecked, Reason: "read from a note and not checked"}
	if a.Version == 0 {
		return nil, fmt.Errorf("not smsctl approval evidence: no smsctl_attestation version")
	}
	if a.Version > Version {
		return nil, fmt.Errorf("approval evidence of format %d is newer than this smsctl reads (%d)", a.Version, Version)
	}
	return &a, nil
}

// Counts reports whether the evidence may be used: built here, verified,
// or confirmed by GitHub. No evidence (nil) does not count.
func (a *Attestation) Counts() bool {
	return a != nil && (a.Check == nil || a.Check.Counts())
}

// Approvals are the reviews that approved the merged head commit, as the
// change rules count them: not dismissed, not by the author or the last
// pusher, not withdrawn by the reviewer's later request for changes.
// Evidence that does not count (unsigned, badly signed, by an unknown key,
// or not checked) has none.
func (a *Attestation) Approvals() []Review {
	if !a.Counts() {
		return nil
	}
	var out []Review
	for _, r := range a.Reviews {
		if r.State != "APPROVED" || r.Dismissed || !r.OnHead || r.Login == a.PullRequest.Author || r.Login == a.PullRequest.LastPusher {
			continue
		}
		withdrawn := false
		for _, l := range a.Reviews {
			if l.Login == r.Login && l.State == "CHANGES_REQUESTED" && l.SubmittedAt.After(r.SubmittedAt) {
				withdrawn = true
			}
		}
		if !withdrawn {
			out = append(out, r)
		}
	}
	return out
}
