package reconcile

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"time"

	"github.com/smsctl/smsctl/internal/attest"
	"github.com/smsctl/smsctl/internal/gitrepo"
	"github.com/smsctl/smsctl/internal/records"
)

// merge is a pull request merged on the first-parent line.
type merge struct {
	PR      int
	Commit  string
	Parent  string
	Subject string
	When    time.Time
	// Changes are the change IDs whose record files the merge added or
	// edited.
	Changes []string
	Att     *attest.Attestation
	// FromForge is set when Att was fetched from GitHub, not read from a
	// note.
	FromForge bool
}

// changeData is the part of a change record the reconciler reads.
type changeData struct {
	Type        string `json:"type"`
	Status      string `json:"status"`
	PullRequest int    `json:"pull_request"`
	MergeCommit string `json:"merge_commit"`
	Actual      struct {
		Start string `json:"start"`
		End   string `json:"end"`
	} `json:"actual"`
	Approvals []struct {
		By       string `json:"by"`
		Decision string `json:"decision"`
	} `json:"approvals"`
}

// approval is a change's approval as the schema's #Approval has it.
type approval struct {
	By       string `json:"by"`
	Role     string `json:"role"`
	At       string `json:"at"`
	Decision string `json:"decision"`
}

// merges reads the pull requests merged on HEAD's first-parent line, oldest
// first, with the attestation of each merge commit.
func merges(ctx context.Context, in *Input) ([]*merge, error) {
	var out []*merge
	err := in.Repo.History(gitrepo.HistoryOptions{Sub: in.Sub, Cache: true}, func(c *gitrepo.HistoryCommit) error {
		if c.PR == 0 {
			return nil
		}
		m := &merge{PR: c.PR, Commit: c.Hash, Subject: c.Subject, When: c.Committer.When.UTC()}
		// Only evidence that counts (signed by a trusted attester, its
		// people mapped from the merge's base) is copied into records: an
		// unverified note says nothing, not even which changes it covers.
		if a := in.Attestations[c.Hash]; a.Counts() {
			m.Att = a
		}
		if len(c.Parents) > 0 {
			m.Parent = c.Parents[0]
		}
		for _, fc := range c.Changes {
			if k, id, ok := records.ParsePath(fc.Path); ok && k.Name == "change" && fc.Status != 'D' {
				m.Changes = append(m.Changes, id)
			}
		}
		if m.Att != nil {
			m.When = m.Att.PullRequest.MergedAt.UTC()
			for _, id := range m.Att.Changes {
				if !slices.Contains(m.Changes, id) {
					m.Changes = append(m.Changes, id)
				}
			}
		}
		out = append(out, m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Reverse(out)
	// Merges of change records that no note covers: their approvals from
	// the forge, when it can be asked.
	if in.PullRequest != nil {
		open := openChanges(in.Records)
		for _, m := range out {
			if m.Att != nil || !slices.ContainsFunc(m.Changes, func(id string) bool { return open[id] }) {
				continue // attested, or only changes that are done: no call
			}
			a, err := in.PullRequest(ctx, m.PR)
			if err != nil {
				return nil, fmt.Errorf("pull request #%d: %w", m.PR, err)
			}
			if a == nil || a.PullRequest.MergeCommit != m.Commit {
				continue // not on GitHub, or another pull request of that number
			}
			m.Att, m.FromForge = a, true
			m.When = a.PullRequest.MergedAt.UTC()
			for _, id := range a.Changes {
				if !slices.Contains(m.Changes, id) {
					m.Changes = append(m.Changes, id)
				}
			}
		}
	}
	return out, nil
}

// openChanges are the changes still to be carried out, whose approvals
// the forge may add to.
func openChanges(repo *records.Repository) map[string]bool {
	out := map[string]bool{}
	for _, r := range repo.Records {
		if r.Kind != "change" || r.Data == nil {
			continue
		}
		var d changeData
		if json.Unmarshal(r.Data, &d) == nil && slices.Contains(openChange, d.Status) {
			out[r.ID] = true
		}
	}
	return out
}

func (m *merge) describe() string {
	s := fmt.Sprintf("pull request #%d merged as %s at %s", m.PR, m.Commit[:12], m.When.Format(time.RFC3339))
	switch {
	case m.FromForge:
		s += " (reviews read from GitHub)"
	case m.Att != nil:
		s += " (attested)"
	}
	return s
}

// statusAt is the change's status in the tree of commit rev ("" when the
// record did not exist there).
func statusAt(in *Input, rev, file string) (string, error) {
	c, err := in.Repo.Resolve(rev)
	if err != nil {
		return "", err
	}
	fsys, err := in.Repo.FS(c, in.Sub)
	if err != nil {
		return "", err
	}
	src, err := fs.ReadFile(fsys, file)
	if err != nil {
		return "", nil
	}
	_, _, data, err := records.Data(file, src)
	if err != nil {
		return "", nil
	}
	var d changeData
	_ = json.Unmarshal(data, &d)
	return d.Status, nil
}

// reconcileChanges fills change records from the merges that carried and
// approved them.
func reconcileChanges(ctx context.Context, in *Input) ([]Change, []Report, error) {
	if in.Repo == nil {
		return nil, []Report{{File: ".", Message: "not a Git repository: no history to reconcile changes with", Fix: "run smsctl reconcile in a clone of the SMS repository"}}, nil
	}
	ms, err := merges(ctx, in)
	if err != nil {
		return nil, nil, err
	}
	byPR := map[int]*merge{}
	touching := map[string][]*merge{}
	for _, m := range ms {
		if byPR[m.PR] == nil {
			byPR[m.PR] = m
		}
		for _, id := range m.Changes {
			touching[id] = append(touching[id], m)
		}
	}
	roles := roleAuthorities(in.Records)
	var out []Change
	for _, rec := range in.Records.Records {
		if rec.Kind != "change" || rec.Data == nil {
			continue
		}
		var d changeData
		if err := json.Unmarshal(rec.Data, &d); err != nil {
			continue
		}
		field := func(path []string, old, new any, evidence string) {
			var oldJSON json.RawMessage
			if old != nil {
				oldJSON = jsonValue(old)
			}
			out = append(out, Change{File: rec.File, Record: rec.Key(), Field: joinPath(path), Old: oldJSON, New: jsonValue(new),
				Evidence: evidence, Edit: &records.Edit{Op: records.EditSet, Path: path, Value: jsonValue(new)}})
		}
		// The carrying pull request: the one the record names, else the
		// first merged pull request that added or edited the record.
		var carrier *merge
		if d.PullRequest != 0 {
			carrier = byPR[d.PullRequest]
		} else if ts := touching[rec.ID]; len(ts) > 0 {
			carrier = ts[0]
			field([]string{"pull_request"}, nil, carrier.PR, "the record came in with "+carrier.describe())
		}
		if carrier != nil && d.MergeCommit == "" {
			field([]string{"merge_commit"}, nil, carrier.Commit, carrier.describe())
		}

		// Approvals: every approval that counts in an attested merge that
		// added or edited the record, by a person not yet recorded as
		// approving.
		var added []approval
		var approvedBy *merge
		have := map[string]bool{}
		for _, a := range d.Approvals {
			if a.Decision == "approved" {
				have[a.By] = true
			}
		}
		for _, m := range touching[rec.ID] {
			if m.Att == nil {
				continue
			}
			for _, r := range m.Att.Approvals() {
				if r.Person == "" || have[r.Person] {
					continue
				}
				role := chooseRole(r.Roles, d.Type, roles)
				if role == "" {
					continue
				}
				have[r.Person] = true
				approvedBy = m
				added = append(added, approval{By: r.Person, Role: role, At: r.SubmittedAt.UTC().Format(time.RFC3339), Decision: "approved"})
			}
		}
		if len(added) > 0 {
			evidence := fmt.Sprintf("approved on GitHub in %s", approvedBy.describe())
			out = append(out, Change{File: rec.File, Record: rec.Key(), Field: "approvals", New: jsonValue(added), Evidence: evidence,
				Edit: &records.Edit{Op: records.EditAppend, Path: []string{"approvals"}, Value: jsonValue(added)}})
		}

		// Status, forward only.
		switch d.Status {
		case "draft", "submitted":
			if approvedBy != nil {
				field([]string{"status"}, d.Status, "approved", fmt.Sprintf("approvals that count in %s", approvedBy.describe()))
			}
		case "approved", "scheduled":
			// An approved change whose pull request merged after the
			// approval is implemented: in a GitOps SMS the merge deploys it.
			if carrier == nil || d.PullRequest == 0 {
				break
			}
			before, err := statusAt(in, carrier.Parent, rec.File)
			if err != nil {
				return nil, nil, err
			}
			if before != "approved" && before != "scheduled" {
				break
			}
			at := carrier.When.Format(time.RFC3339)
			evidence := fmt.Sprintf("%s while the change was %s", carrier.describe(), before)
			field([]string{"status"}, d.Status, "implemented", evidence)
			if d.Actual.Start == "" {
				field([]string{"actual", "start"}, nil, at, evidence)
			}
			if d.Actual.End == "" {
				field([]string{"actual", "end"}, nil, at, evidence)
			}
		}
	}
	return out, nil, nil
}

func joinPath(p []string) string {
	s := ""
	for i, e := range p {
		if i > 0 {
			s += "."
		}
		s += e
	}
	return s
}

// roleAuthorities maps each role to its authorities.
func roleAuthorities(repo *records.Repository) map[string][]string {
	out := map[string][]string{}
	for _, r := range repo.Records {
		if r.Kind != "role" || r.Data == nil {
			continue
		}
		var d struct {
			Authorities []string `json:"authorities"`
		}
		_ = json.Unmarshal(r.Data, &d)
		out[r.ID] = d.Authorities
	}
	return out
}

// chooseRole picks the role in which a reviewer approves a change of a
// type: one that grants approval of that type, else a CAB member's, else
// none.
func chooseRole(held []string, changeType string, auth map[string][]string) string {
	for _, want := range []string{"approve-" + changeType + "-change", "cab-member"} {
		for _, r := range held {
			if slices.Contains(auth[r], want) {
				return r
			}
		}
	}
	return ""
}
