package auditctl

import (
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/smsctl/smsctl/internal/attest"
	"github.com/smsctl/smsctl/internal/gitrepo"
	"github.com/smsctl/smsctl/internal/records"
)

// The controls Verify checks; each finding names one.
const (
	// RulePullRequest: a commit that changed records came through a pull
	// request, merged (two parents, "Merge pull request #N from ...") or
	// squashed (one parent, "Title (#N)"), and something other than its
	// subject says so: a verified attestation, or GitHub. A subject alone is
	// an unverified direct change; so is a pull request number that an
	// earlier main-line commit already carries.
	RulePullRequest = "verify.pull_request"
	// RuleEvidence: the evidence counts (a note signed by an attester the
	// trusted sms.cue lists, or GitHub), and is about that commit and pull
	// request. An unsigned note, a bad signature or an unknown key is
	// unverified evidence: a finding, never a pass.
	RuleEvidence = "verify.evidence"
	// RuleApproval: the approvals satisfied the policies in force at the
	// pull request's base (change.approval, change.cab_approval).
	RuleApproval = "verify.approval"
	// RuleSegregation: no approval by the change's requester or
	// implementer, nor by the pull request's author (change.segregation).
	RuleSegregation = "verify.segregation"
	// RuleSignature: commits are signed where sms.cue requires it
	// (change_management.require_signed_commits at the parent).
	RuleSignature = "verify.signature"
	// RuleHistory: every checkpointed commit is still on the main line.
	RuleHistory = "verify.history"
)

// Finding is one control that did not hold, on one commit.
type Finding struct {
	Rule     string    `json:"rule"`
	Severity string    `json:"severity"`
	Commit   string    `json:"commit"`
	When     time.Time `json:"when,omitzero"`
	Subject  string    `json:"subject,omitempty"`
	PR       int       `json:"pr,omitempty"`
	Record   string    `json:"record,omitempty"`
	Message  string    `json:"message"`
}

// CommitCheck is one commit of the period that changed records, as Verify
// found it.
type CommitCheck struct {
	Commit  string    `json:"commit"`
	When    time.Time `json:"when"`
	Subject string    `json:"subject"`
	Author  string    `json:"author"`
	// Form is how the commit reached the main line: "merge", "squash",
	// "direct", or "root" (the repository's first commit).
	Form string `json:"form"`
	PR   int    `json:"pr,omitempty"`
	// Records are the records it changed, kind/ID, and sms.cue or
	// policies/ files.
	Records []string `json:"records"`
	// Changes are the change records among them.
	Changes []string `json:"changes,omitempty"`
	// Evidence is where the approvals came from: "attestation" (a verified
	// note), "github", or "" (none that counts).
	Evidence string `json:"evidence,omitempty"`
	// EvidenceCheck says what was found of the evidence: "verified (signed
	// by IDENTITY, key SHA256:...)", "confirmed by GitHub", or "unverified
	// (unsigned: ...)" for a note that does not count.
	EvidenceCheck string `json:"evidence_check,omitempty"`
	// Source is where the attestation read the pull request: "github" or
	// "offline".
	Source string `json:"source,omitempty"`
	// Approvals are the approvals that counted, "person (login) as role,
	// role".
	Approvals []string `json:"approvals,omitempty"`
	// Signature is the commit's signature kind ("" unsigned);
	// SignatureStatus the verdict on it when keys were given
	// (VerifyOptions.VerifySignature): verified, bad, unknown-key,
	// unchecked.
	Signature       string `json:"signature,omitempty"`
	SignatureStatus string `json:"signature_status,omitempty"`
	SignedRequired  bool   `json:"signed_required,omitempty"`
	OK              bool   `json:"ok"`
}

// VerifyReport is the outcome of Verify.
type VerifyReport struct {
	Since time.Time `json:"since,omitzero"`
	Until time.Time `json:"until,omitzero"`
	Head  string    `json:"head"`
	// MainLine is the number of commits on the first-parent line.
	MainLine int `json:"main_line"`
	// InPeriod is the number of main-line commits in the period.
	InPeriod int `json:"in_period"`
	// Commits are the period's commits that changed records, newest first.
	Commits     []CommitCheck      `json:"commits"`
	Checkpoints []CheckpointResult `json:"checkpoints"`
	Findings    []Finding          `json:"findings"`
}

// Errors counts the findings of severity error.
func (r *VerifyReport) Errors() int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == "error" {
			n++
		}
	}
	return n
}

// JudgeFinding is a policy finding on the records of a merged pull
// request, judged with the policies in force at its base.
type JudgeFinding struct {
	Rule    string
	Record  string
	Message string
}

// VerifyOptions say what Verify reads.
type VerifyOptions struct {
	// Rev is the main line's head ("" = HEAD).
	Rev string
	// Sub is the SMS's folder in the Git work tree.
	Sub string
	// Since and Until bound the commits checked (committer time; zero:
	// open). The checkpoints cover the whole line.
	Since, Until time.Time
	// VerifySignature, when set, checks signed commits' signatures (as
	// gitrepo.HistoryOptions.Verify): a bad signature is a finding, and so
	// is one that is not verified where sms.cue requires signed commits.
	VerifySignature func(payload, signature string, when time.Time) gitrepo.SignatureCheck
	// Notes are the attestation notes by commit, each checked
	// (attest.Resolver): only those that count are evidence; the others
	// are reported as unverified.
	Notes map[string]*attest.Attestation
	// Online, when set, asks GitHub about the pull request a commit's
	// subject names, when no verified note covers it: the evidence GitHub
	// confirms (the pull request merged as commit c, and its reviews), or
	// nil.
	Online func(c *gitrepo.HistoryCommit) (*attest.Attestation, error)
	// Judge judges the records at commit c with the policies and waivers
	// of its first parent and the evidence's approvals, and returns the
	// findings of the approval and segregation rules on the changes the
	// evidence names. Nil: the evidence is not judged.
	Judge func(c *gitrepo.HistoryCommit, a *attest.Attestation) ([]JudgeFinding, error)
	// Checkpoints are the checkpoints to hold the main line to.
	Checkpoints []*Checkpoint
}

// lineCommit is a main-line commit with what Verify needs of it.
type lineCommit struct {
	hc      *gitrepo.HistoryCommit
	files   []string // controlled files changed, relative to the SMS folder
	smsBlob string   // sms.cue's new blob, when the commit changed it
	smsGone bool
}

// controlled says whether a path (relative to the SMS folder) is part of
// the SMS whose changes must come through a pull request: a record,
// sms.cue, or a policy.
func controlled(p string) (string, bool) {
	if p == "sms.cue" {
		return "sms", true
	}
	if strings.HasPrefix(p, "policies/") && path.Ext(p) == ".rego" {
		return p, true
	}
	if k, id, ok := records.ParsePath(p); ok {
		return k.Name + "/" + id, true
	}
	return "", false
}

// Verify checks the controls on every main-line commit of the period that
// changed records, and the main line against the checkpoints.
func Verify(repo *gitrepo.Repo, opts VerifyOptions) (*VerifyReport, error) {
	sub := strings.Trim(path.Clean("/"+opts.Sub), "/")
	var line []lineCommit
	err := repo.History(gitrepo.HistoryOptions{Rev: opts.Rev, Cache: true, Verify: opts.VerifySignature}, func(c *gitrepo.HistoryCommit) error {
		lc := lineCommit{hc: c}
		for _, fc := range c.Changes {
			p := fc.Path
			if sub != "" {
				rel, ok := strings.CutPrefix(p, sub+"/")
				if !ok {
					continue
				}
				p = rel
			}
			if _, ok := controlled(p); ok {
				lc.files = append(lc.files, p)
			}
			if p == "sms.cue" {
				lc.smsBlob, lc.smsGone = fc.NewBlob, fc.Status == 'D'
			}
		}
		line = append(line, lc)
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Oldest first: what sms.cue requires is known from the commits before.
	for i, j := 0, len(line)-1; i < j; i, j = i+1, j-1 {
		line[i], line[j] = line[j], line[i]
	}
	rep := &VerifyReport{Since: opts.Since, Until: opts.Until, MainLine: len(line), Commits: []CommitCheck{}, Checkpoints: []CheckpointResult{}, Findings: []Finding{}}
	if len(line) > 0 {
		rep.Head = line[len(line)-1].hc.Hash
	}
	hashes := make([]string, len(line))
	for i, lc := range line {
		hashes[i] = lc.hc.Hash
	}
	for _, cp := range opts.Checkpoints {
		res := cp.Check(hashes)
		rep.Checkpoints = append(rep.Checkpoints, res)
		switch {
		case res.Problem != "":
			rep.Findings = append(rep.Findings, Finding{Rule: RuleHistory, Severity: "error", Commit: cp.Head, When: cp.At,
				Message: fmt.Sprintf("checkpoint of %s (head %s): %s", cp.At.Format(time.RFC3339), short(cp.Head), res.Problem)})
		case len(res.Missing) > 0:
			names := res.Missing
			more := ""
			if len(names) > 10 {
				names, more = names[:10], fmt.Sprintf(" and %d more", len(res.Missing)-10)
			}
			rep.Findings = append(rep.Findings, Finding{Rule: RuleHistory, Severity: "error", Commit: res.Missing[0], When: cp.At,
				Message: fmt.Sprintf("history was rewritten since the checkpoint of %s: %d of its %d commits are no longer on the main line, from %s (%s%s)",
					cp.At.Format(time.RFC3339), len(res.Missing), cp.Count, short(res.Missing[0]), strings.Join(shortAll(names), ", "), more)})
		}
	}

	requireSigned := false
	blobs, err := repo.BlobReader()
	if err != nil {
		return nil, err
	}
	defer blobs.Close()
	var checks []CommitCheck
	prSeen := map[int]string{} // pull request number -> the first main-line commit that carries it
	for i, lc := range line {
		inForce := requireSigned // sms.cue as the commit's parent had it
		if lc.smsBlob != "" || lc.smsGone {
			requireSigned = false
			if !lc.smsGone {
				if data, err := blobs.Blob(lc.smsBlob); err == nil {
					requireSigned = signedRequired(data)
				}
			}
		}
		c := lc.hc
		when := c.Committer.When
		// The pull request a commit claims: its subject's, else a verified
		// note's (an offline attestation of a merge whose subject does not
		// say).
		note := opts.Notes[c.Hash]
		pr := c.PR
		if pr == 0 && note.Counts() {
			pr = note.PullRequest.Number
		}
		reused := ""
		if pr > 0 {
			if first, ok := prSeen[pr]; ok {
				reused = first
			} else {
				prSeen[pr] = c.Hash
			}
		}
		if (!opts.Since.IsZero() && when.Before(opts.Since)) || (!opts.Until.IsZero() && when.After(opts.Until)) {
			continue
		}
		rep.InPeriod++
		var found []Finding
		add := func(rule, record, msg string) {
			found = append(found, Finding{Rule: rule, Severity: "error", Commit: c.Hash, When: when, Subject: c.Subject, PR: pr, Record: record, Message: msg})
		}
		if note != nil && !note.Counts() {
			add(RuleEvidence, "", fmt.Sprintf("the %s note on %s is unverified evidence: %s; its approvals and verdict count for nothing", gitrepo.NotesRef, short(c.Hash), note.Check.Text()))
		}
		if reused != "" {
			add(RulePullRequest, "", fmt.Sprintf("commit %s claims pull request #%d, which the earlier main-line commit %s already carries: one pull request merges once", short(c.Hash), pr, short(reused)))
		}
		if len(lc.files) == 0 {
			rep.Findings = append(rep.Findings, found...)
			continue
		}
		cc := CommitCheck{Commit: c.Hash, When: when, Subject: c.Subject, Author: c.Author.Name + " <" + c.Author.Email + ">",
			PR: pr, Signature: c.Signature, SignedRequired: inForce, Records: []string{}}
		if note != nil && !note.Counts() {
			cc.EvidenceCheck = note.Check.Text()
		}
		seen := map[string]bool{}
		for _, p := range lc.files {
			name, _ := controlled(p)
			if !seen[name] {
				seen[name] = true
				cc.Records = append(cc.Records, name)
			}
			if k, id, ok := records.ParsePath(p); ok && k.Name == "change" {
				cc.Changes = append(cc.Changes, id)
			}
		}
		sort.Strings(cc.Records)
		sort.Strings(cc.Changes)
		merge := strings.HasPrefix(c.Subject, "Merge pull request #")
		switch {
		case i == 0 && len(c.Parents) == 0:
			cc.Form = "root"
		case pr == 0:
			cc.Form = "direct"
			add(RulePullRequest, "", fmt.Sprintf("commit %s changed %s without a pull request (pushed directly to the main line)", short(c.Hash), strings.Join(limit(cc.Records, 5), ", ")))
		case merge && len(c.Parents) != 2:
			cc.Form = "direct"
			add(RulePullRequest, "", fmt.Sprintf("commit %s says it merges pull request #%d but has %d parents: not a merge", short(c.Hash), pr, len(c.Parents)))
		case merge || len(c.Parents) == 2 && c.PR == 0:
			cc.Form = "merge"
		case len(c.Parents) != 1:
			cc.Form = "direct"
			add(RulePullRequest, "", fmt.Sprintf("commit %s names pull request #%d but is a merge of %d parents without GitHub's merge message", short(c.Hash), pr, len(c.Parents)))
		default:
			cc.Form = "squash"
		}
		if inForce && c.Signature == "" {
			add(RuleSignature, "", fmt.Sprintf("commit %s is not signed, and sms.cue requires signed commits (change_management.require_signed_commits)", short(c.Hash)))
		}
		if ch := c.Check; ch != nil {
			cc.SignatureStatus = ch.Status
			why := ""
			if ch.Reason != "" {
				why = ": " + ch.Reason
			}
			switch {
			case ch.Status == "bad":
				add(RuleSignature, "", fmt.Sprintf("commit %s has a bad %s signature%s", short(c.Hash), c.Signature, why))
			case inForce && ch.Status != "verified":
				add(RuleSignature, "", fmt.Sprintf("commit %s is signed (%s) but its signature is %s%s, and sms.cue requires signed commits", short(c.Hash), c.Signature, ch.Status, why))
			}
		}
		if pr > 0 && cc.Form != "direct" {
			var a *attest.Attestation
			switch {
			case note.Counts():
				a, cc.Evidence = note, "attestation"
			case opts.Online != nil:
				online, err := opts.Online(c)
				if err != nil {
					return nil, fmt.Errorf("evidence for %s: %w", short(c.Hash), err)
				}
				if online != nil {
					a, cc.Evidence = online, "github"
				}
			}
			if a == nil {
				// Only the subject says it was a pull request.
				cc.Form = "direct"
				add(RulePullRequest, "", fmt.Sprintf("commit %s says it is pull request #%d, but no verified attestation (a note signed by an attester the trusted sms.cue lists) and no GitHub confirm it: an unverified direct change of %s", short(c.Hash), pr, strings.Join(limit(cc.Records, 5), ", ")))
			} else {
				cc.Source = a.Source
				if a.Check != nil {
					cc.EvidenceCheck = a.Check.Text()
				} else if cc.Evidence == "github" {
					cc.EvidenceCheck = "confirmed by GitHub"
				}
				found = append(found, checkEvidence(c, pr, a, cc.Changes)...)
				for _, r := range a.Approvals() {
					who := r.Login
					if r.Person != "" {
						who = r.Person + " (" + r.Login + ")"
					}
					if len(r.Roles) > 0 {
						who += " as " + strings.Join(r.Roles, ", ")
					}
					cc.Approvals = append(cc.Approvals, who)
				}
				if opts.Judge != nil && len(cc.Changes) > 0 {
					jf, err := opts.Judge(c, a)
					if err != nil {
						return nil, fmt.Errorf("judge pull request #%d (%s): %w", pr, short(c.Hash), err)
					}
					for _, f := range jf {
						rule := RuleApproval
						if f.Rule == "change.segregation" {
							rule = RuleSegregation
						}
						add(rule, f.Record, fmt.Sprintf("pull request #%d (%s), judged with the policies of its base: %s [%s]", pr, short(c.Hash), f.Message, f.Rule))
					}
				}
			}
		}
		cc.OK = len(found) == 0
		rep.Findings = append(rep.Findings, found...)
		checks = append(checks, cc)
	}
	for i := len(checks) - 1; i >= 0; i-- {
		rep.Commits = append(rep.Commits, checks[i])
	}
	sort.SliceStable(rep.Findings, func(i, j int) bool {
		return rep.Findings[i].When.After(rep.Findings[j].When)
	})
	return rep, nil
}

// checkEvidence checks that the evidence is about commit c, and the
// segregation of duties it shows on its own: the pull request's author
// approving it, and who merged it.
func checkEvidence(c *gitrepo.HistoryCommit, pr int, a *attest.Attestation, changes []string) []Finding {
	var out []Finding
	add := func(rule, msg string) {
		out = append(out, Finding{Rule: rule, Severity: "error", Commit: c.Hash, When: c.Committer.When, Subject: c.Subject, PR: pr, Message: msg})
	}
	if a.PullRequest.MergeCommit != c.Hash {
		add(RuleEvidence, fmt.Sprintf("the evidence on %s is for merge commit %s, not this one", short(c.Hash), short(a.PullRequest.MergeCommit)))
	}
	if a.PullRequest.Number != pr {
		add(RuleEvidence, fmt.Sprintf("commit %s names pull request #%d but its evidence is for #%d", short(c.Hash), pr, a.PullRequest.Number))
	}
	for _, id := range changes {
		found := false
		for _, e := range a.Changes {
			found = found || e == id
		}
		if !found {
			add(RuleEvidence, fmt.Sprintf("commit %s changed %s, which its evidence for pull request #%d does not list", short(c.Hash), id, a.PullRequest.Number))
		}
	}
	if a.Verdict.Result == "fail" {
		add(RuleApproval, fmt.Sprintf("pull request #%d was merged although the gate failed at its merge, with %d error(s) as attested", a.PullRequest.Number, a.Verdict.Errors))
	}
	for _, r := range a.Reviews {
		if r.State == "APPROVED" && !r.Dismissed && (r.Login == a.PullRequest.Author || (r.Person != "" && r.Person == a.PullRequest.AuthorPerson)) {
			add(RuleSegregation, fmt.Sprintf("pull request #%d was approved by its own author %s", a.PullRequest.Number, r.Login))
		}
	}
	return out
}

// signedRequired reads change_management.require_signed_commits from
// sms.cue's source; false when it does not parse.
func signedRequired(src []byte) bool {
	_, _, data, err := records.Data("sms.cue", src)
	if err != nil {
		return false
	}
	var sms struct {
		ChangeManagement struct {
			RequireSignedCommits bool `json:"require_signed_commits"`
		} `json:"change_management"`
	}
	_ = json.Unmarshal(data, &sms)
	return sms.ChangeManagement.RequireSignedCommits
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func shortAll(hs []string) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = short(h)
	}
	return out
}

func limit(s []string, n int) []string {
	if len(s) <= n {
		return s
	}
	return append(append([]string{}, s[:n]...), fmt.Sprintf("%d more", len(s)-n))
}
