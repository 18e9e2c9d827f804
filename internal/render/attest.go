package render

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/smsctl/smsctl/internal/attest"
	"github.com/smsctl/smsctl/internal/audit"
)

// attestedEntry is a trail entry with the approval evidence that `smsctl
// attest` kept for its commit, in the json and jsonl formats.
type attestedEntry struct {
	audit.Entry
	Attestation *attest.Attestation `json:"attestation,omitempty"`
}

// withAttestation adds the evidence for e's commit, if any.
func (a *AuditWriter) withAttestation(e audit.Entry) any {
	if at := a.Attestations[e.Commit]; at != nil {
		return attestedEntry{Entry: e, Attestation: at}
	}
	return e
}

// attestationLines are the evidence for e's commit, for people: each
// approval that counted, then the gate's verdict.
func (a *AuditWriter) attestationLines(e audit.Entry) []string {
	at := a.Attestations[e.Commit]
	if at == nil {
		return nil
	}
	if !at.Counts() {
		return []string{fmt.Sprintf("evidence: %s; the note for pull request #%d counts for nothing, nor its approvals and verdict", at.Check.Text(), at.PullRequest.Number)}
	}
	var out []string
	approvals := at.Approvals()
	if len(approvals) == 0 {
		out = append(out, fmt.Sprintf("pull request #%d: no approval of the merged head commit", at.PullRequest.Number))
	}
	for _, r := range approvals {
		who := r.Login
		if r.Person != "" {
			who = fmt.Sprintf("%s (GitHub %s", r.Person, r.Login)
			if len(r.Roles) > 0 {
				who += "; " + strings.Join(r.Roles, ", ")
			}
			who += ")"
		}
		out = append(out, fmt.Sprintf("approved in #%d by %s at %s", at.PullRequest.Number, who, r.SubmittedAt.UTC().Format(time.RFC3339)))
	}
	digest := at.PolicyDigest
	if len(digest) > 19 {
		digest = digest[:19] + "…"
	}
	out = append(out, fmt.Sprintf("gate at merge: %s (%d errors, %d warnings), policies %s; merged by %s; evidence attested %s",
		at.Verdict.Result, at.Verdict.Errors, at.Verdict.Warnings, digest, at.PullRequest.MergedBy, at.AttestedAt.UTC().Format(time.RFC3339)))
	if at.Check != nil {
		out = append(out, "evidence: "+at.Check.Text())
	}
	return out
}

func (a *AuditWriter) writeAttestationText(w io.Writer, e audit.Entry) {
	for _, l := range a.attestationLines(e) {
		fmt.Fprintf(w, "    %s\n", l)
	}
}
