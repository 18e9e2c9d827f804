// Package gate is smsctl's one judge. Every command that gives a verdict on
// the SMS (validate on the work tree, a revision or a pull request; attest;
// reconcile's hold-back; audit verify, readiness and pack) calls Judge with
// the head to judge, the base it changes and the trusted revision whose
// policies, waivers, sms.cue settings, people and roles judge it. A pull
// request's own edits to those controlled records are judged (they need
// the approval of the authority the matrix names), never used to judge it.
package gate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/smsctl/smsctl/internal/finding"
	"github.com/smsctl/smsctl/internal/gitrepo"
	"github.com/smsctl/smsctl/internal/policy"
	"github.com/smsctl/smsctl/internal/records"
	"github.com/smsctl/smsctl/internal/sms"
)

// Case is what is judged and with what.
type Case struct {
	// Head is the SMS being judged.
	Head *sms.Snapshot
	// Base is the SMS the head changes (a pull request's base, a merge's
	// first parent); nil judges the head alone, without transitions.
	Base *sms.Snapshot
	// Trusted is the revision whose policies, waivers, sms.cue settings,
	// people and roles judge; the head itself when nil.
	Trusted *sms.Snapshot
	// PullRequest holds the pull request's facts as the forge (or verified
	// evidence) gives them: logins, reviews, files. The people and roles
	// behind each login are mapped here, from Trusted, whatever the facts
	// say.
	PullRequest *policy.PullRequest
	// Now is "today" for time-based rules.
	Now time.Time
	// Retired overrides the IDs the base's history retired (nil: read
	// them from the base's history; the work tree as a base has none).
	Retired map[string][]string
	// Rules, when not nil, limits the judgement to these rules, for a
	// caller that keeps only their findings.
	Rules []string
	// SplitBase judges Base too, with the same trusted revision and day,
	// and marks the head's findings the base already had as Preexisting:
	// a pull request fails only for what it introduces or worsens.
	SplitBase bool
}

// Verdict is the judgement.
type Verdict struct {
	// Findings are the loader's findings on the head, then the policies',
	// sorted.
	Findings []finding.Finding
	// Waived are the findings the trusted waivers cover.
	Waived []finding.Waived
	// Engine is the trusted revision's compiled policies: the rules and
	// their digest.
	Engine *policy.Engine
	// PullRequest is the pull request as judged: logins mapped to the
	// trusted revision's people and roles.
	PullRequest *policy.PullRequest
	// UnknownLogins are reviewers (and the author or last pusher) whose
	// GitHub login no trusted person record names, sorted: reported, never
	// guessed.
	UnknownLogins []string
	// Controlled are the controlled records and files the head edits
	// relative to the base, with the authority each needs.
	Controlled []policy.Controlled
}

// Judge judges c.Head. It is the only place where the policies are run.
func Judge(ctx context.Context, c Case) (*Verdict, error) {
	trusted := c.Trusted
	if trusted == nil {
		trusted = c.Head
	}
	engine, err := trusted.Engine(ctx)
	if err != nil {
		return nil, err
	}
	v := &Verdict{Engine: engine}
	opts := policy.Options{Now: c.Now, Trusted: trusted.Records, Waivers: trusted.Records, Rules: c.Rules}
	if c.Base != nil {
		opts.Base = c.Base.Records
		opts.Retired = c.Retired
		if opts.Retired == nil && c.Base.Commit != nil {
			if opts.Retired, err = c.Base.Retired(); err != nil {
				return nil, err
			}
		}
		if v.Controlled, err = Controlled(c.Base, c.Head, trusted); err != nil {
			return nil, err
		}
		opts.Controlled = v.Controlled
	}
	if c.PullRequest != nil {
		v.PullRequest, v.UnknownLogins = MapPeople(c.PullRequest, trusted.Records)
		opts.PullRequest = v.PullRequest
	}
	out, err := engine.Judge(ctx, c.Head.Records, opts)
	if err != nil {
		return nil, err
	}
	v.Findings = append(slices.Clone(c.Head.Records.Findings), out.Findings...)
	finding.Sort(v.Findings)
	v.Waived = out.Waived
	if c.SplitBase && c.Base != nil {
		// The base judged alone: no transitions (what it changed from is
		// not under judgement), no pull request.
		before, err := Judge(ctx, Case{Head: c.Base, Trusted: trusted, Now: c.Now, Rules: c.Rules})
		if err != nil {
			return nil, fmt.Errorf("judge the base %s: %w", c.Base.Label(), err)
		}
		had := map[string]bool{}
		for _, f := range before.Findings {
			had[f.Key()] = true
		}
		for i := range v.Findings {
			v.Findings[i].Preexisting = had[v.Findings[i].Key()]
		}
	}
	return v, nil
}

// Merge is a merged commit to judge, as attest and audit verify judge it.
type Merge struct {
	// Commit is the merge (or squash) commit.
	Commit *gitrepo.Commit
	// PullRequest holds the pull request's facts (logins, reviews, files).
	PullRequest *policy.PullRequest
	// Now is "today" for time-based rules: the merge's time for a judgement
	// of the past, the clock for attest.
	Now time.Time
	// Rules, when not nil, limits the judgement to these rules; the IDs
	// the base's history retired are then not read unless a transition
	// rule is among them.
	Rules []string
}

// JudgeMerge judges a merge commit the way the gate judged (or should have
// judged) its pull request: its first parent is the base and the trusted
// revision, the pull request's reviews its approvals. A root commit, or a
// first parent that holds no SMS yet, is judged alone. A first parent the
// clone lacks is an error that names the fix, never a judgement without
// the base.
func JudgeMerge(ctx context.Context, repo *sms.Repo, m Merge) (*Verdict, error) {
	head, err := repo.AtCommit(ctx, m.Commit)
	if err != nil {
		return nil, fmt.Errorf("merge commit %s: %w", m.Commit.Hash[:12], err)
	}
	c := Case{Head: head, PullRequest: m.PullRequest, Now: m.Now, Rules: m.Rules}
	if m.Rules != nil && !slices.ContainsFunc(m.Rules, func(r string) bool { return strings.HasPrefix(r, "transition.") }) {
		c.Retired = map[string][]string{}
	}
	if m.Commit.NumParents() > 0 {
		parent, err := repo.Git.Resolve(m.Commit.Hash + "^1")
		if err != nil {
			return nil, fmt.Errorf("merge commit %s: its first parent is not in this clone, so the base that judges it cannot be read (fetch the whole history: fetch-depth: 0 in actions/checkout, or git fetch --unshallow): %w", m.Commit.Hash[:12], err)
		}
		base, err := repo.AtCommit(ctx, parent)
		switch {
		case err == nil:
			c.Base, c.Trusted = base, base
		case !errors.Is(err, records.ErrNotSMS):
			return nil, fmt.Errorf("base %s: %w", parent.Hash[:12], err)
		}
	}
	return Judge(ctx, c)
}

// person is a people record as far as authority goes.
type person struct {
	GitHub string   `json:"github"`
	Roles  []string `json:"roles"`
}

// MapPeople returns a copy of pr whose author, last pusher and reviewers
// are mapped to the people of trusted whose github field names their login
// (case-insensitive, as GitHub logins are), with those people's roles.
// Whatever pr says of people and roles is replaced: only the trusted
// records say who is who. It also returns the logins no person names.
func MapPeople(pr *policy.PullRequest, trusted *records.Repository) (*policy.PullRequest, []string) {
	byLogin := map[string]string{}
	roles := map[string][]string{}
	for _, r := range trusted.Records {
		if r.Kind != "person" || !r.Valid || r.Data == nil {
			continue
		}
		var p person
		if json.Unmarshal(r.Data, &p) != nil {
			continue
		}
		roles[r.ID] = p.Roles
		if p.GitHub != "" {
			byLogin[strings.ToLower(p.GitHub)] = r.ID
		}
	}
	lookup := func(login string) string {
		if login == "" {
			return ""
		}
		return byLogin[strings.ToLower(login)]
	}
	out := *pr
	out.AuthorPerson = lookup(pr.Author)
	out.LastPusherPerson = lookup(pr.LastPusher)
	out.Reviews = make([]policy.Review, 0, len(pr.Reviews))
	var unknown []string
	for _, r := range pr.Reviews {
		r.Person = lookup(r.Login)
		r.Roles = []string{}
		if r.Person != "" {
			r.Roles = append(r.Roles, roles[r.Person]...)
		} else if !slices.Contains(unknown, r.Login) {
			unknown = append(unknown, r.Login)
		}
		out.Reviews = append(out.Reviews, r)
	}
	slices.Sort(unknown)
	return &out, unknown
}

// DefaultMatrix says which authority approves an edit of each controlled
// kind: what judges every other change. The trusted sms.cue's
// change_management.controlled adds kinds or names another authority.
var DefaultMatrix = map[string]string{
	"sms":    "approve-policy", // settings: intervals, freezes, templates, calendars, the matrix itself
	"policy": "approve-policy", // the repository's own Rego rules
	"role":   "approve-policy", // roles and their authorities
	"person": "approve-policy", // people, their roles and identities
	"waiver": "approve-waiver", // exceptions to the rules
}

// Matrix is the approval matrix in force at the trusted revision.
func Matrix(trusted *records.Repository) map[string]string {
	m := make(map[string]string, len(DefaultMatrix))
	for k, a := range DefaultMatrix {
		m[k] = a
	}
	if r := trusted.Lookup(records.SMSKind.Name, "sms"); r != nil && r.Valid && r.Data != nil {
		var s struct {
			ChangeManagement struct {
				Controlled map[string]string `json:"controlled"`
			} `json:"change_management"`
		}
		if json.Unmarshal(r.Data, &s) == nil {
			for k, a := range s.ChangeManagement.Controlled {
				m[k] = a
			}
		}
	}
	return m
}

// Controlled lists the controlled records and policy files that head adds,
// edits or deletes relative to base, each with the authority the trusted
// revision's matrix names for it, in a stable order.
func Controlled(base, head, trusted *sms.Snapshot) ([]policy.Controlled, error) {
	matrix := Matrix(trusted.Records)
	var out []policy.Controlled
	old := map[string]*records.Record{}
	for _, r := range base.Records.Records {
		old[r.Key()] = r
	}
	seen := map[string]bool{}
	add := func(r *records.Record, change string) {
		if a, ok := matrix[r.Kind]; ok {
			out = append(out, policy.Controlled{Kind: r.Kind, ID: r.ID, File: r.File, Change: change, Authority: a})
		}
	}
	for _, r := range head.Records.Records {
		seen[r.Key()] = true
		switch o := old[r.Key()]; {
		case o == nil:
			add(r, "added")
		case !sameRecord(o, r):
			add(r, "modified")
		}
	}
	for _, r := range base.Records.Records {
		if !seen[r.Key()] {
			add(r, "deleted")
		}
	}
	if a, ok := matrix["policy"]; ok {
		files, err := policyChanges(base.FS, head.FS)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			out = append(out, policy.Controlled{Kind: "policy", ID: f.path, File: f.path, Change: f.change, Authority: a})
		}
	}
	slices.SortStableFunc(out, func(a, b policy.Controlled) int {
		return strings.Compare(a.File+"\x00"+a.ID, b.File+"\x00"+b.ID)
	})
	return out, nil
}

// sameRecord compares two versions of a record by value; a record that is
// not valid on either side compares by its file's position and validity,
// which is all that is known of it.
func sameRecord(a, b *records.Record) bool {
	if a.Valid != b.Valid || a.File != b.File {
		return false
	}
	if a.Data == nil || b.Data == nil {
		return a.Data == nil && b.Data == nil
	}
	var x, y any
	if json.Unmarshal(a.Data, &x) != nil || json.Unmarshal(b.Data, &y) != nil {
		return string(a.Data) == string(b.Data)
	}
	ax, _ := json.Marshal(x)
	bx, _ := json.Marshal(y)
	return string(ax) == string(bx)
}

type fileChange struct{ path, change string }

// policyChanges compares the Rego files under policies/ of two trees.
func policyChanges(base, head fs.FS) ([]fileChange, error) {
	read := func(fsys fs.FS) (map[string][]byte, error) {
		mods, err := policy.RepositoryModules(fsys)
		if err != nil {
			return nil, err
		}
		out := map[string][]byte{}
		for _, m := range mods {
			out[m.Name] = m.Source
		}
		return out, nil
	}
	b, err := read(base)
	if err != nil {
		return nil, fmt.Errorf("read the base's policies: %w", err)
	}
	h, err := read(head)
	if err != nil {
		return nil, fmt.Errorf("read the head's policies: %w", err)
	}
	var out []fileChange
	for p, src := range h {
		switch old, ok := b[p]; {
		case !ok:
			out = append(out, fileChange{p, "added"})
		case string(old) != string(src):
			out = append(out, fileChange{p, "modified"})
		}
	}
	for p := range b {
		if _, ok := h[p]; !ok {
			out = append(out, fileChange{p, "deleted"})
		}
	}
	return out, nil
}
