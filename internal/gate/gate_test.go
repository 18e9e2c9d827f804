package gate

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/smsctl/smsctl/internal/finding"
	"github.com/smsctl/smsctl/internal/policy"
	"github.com/smsctl/smsctl/internal/sms"
)

const smsCue = `package sms

sms: {
	organisation: "Gate Ltd"
	scope: statement: "Everything."
	policy: {
		statement:   "We keep our promises."
		approved_by: "ada"
		approved_on: "2026-01-15"
		review_by:   "2027-01-15"
	}
	calendars: "24x7": timezone: "Europe/London"
	priority_matrix: {
		high: {high: "P1", medium: "P2", low: "P3"}
		medium: {high: "P2", medium: "P3", low: "P4"}
		low: {high: "P3", medium: "P4", low: "P5"}
	}
%s
}
`

var files = map[string]string{
	"services/web.cue": `package sms

services: web: {
	name:        "Web"
	description: "Websites"
	owner:       "ada"
	status:      "pipeline"
	criticality: "low"
}
`,
	"people/ada.cue": `package sms

people: ada: {
	name: "Ada"
	type: "person"
	roles: ["manager"]
	github: "ada-gh"
}
`,
	"people/bob.cue": `package sms

people: bob: {
	name: "Bob"
	type: "person"
	roles: ["engineer"]
	github: "bob-gh"
}
`,
	"roles/manager.cue": `package sms

roles: manager: {
	name: "Manager"
	description: "Runs the SMS"
	authorities: ["approve-policy", "approve-normal-change"]
}
`,
	"roles/engineer.cue": `package sms

roles: engineer: {
	name: "Engineer"
	description: "Builds"
}
`,
}

// snapshot writes an SMS repository with files (overridden by edits) and
// loads its work tree.
func snapshot(t *testing.T, settings string, edits map[string]string) *sms.Snapshot {
	t.Helper()
	dir := t.TempDir()
	write := func(name, data string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("sms.cue", fmtSMS(settings))
	for name, data := range files {
		if e, ok := edits[name]; ok {
			if e != "" {
				write(name, e)
			}
			continue
		}
		write(name, data)
	}
	for name, data := range edits {
		if _, ok := files[name]; !ok {
			write(name, data)
		}
	}
	repo, err := sms.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := repo.WorkTree(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Records.Findings) > 0 {
		t.Fatalf("fixture has findings: %v", s.Records.Findings)
	}
	return s
}

func fmtSMS(settings string) string {
	out := []byte{}
	for i := 0; i < len(smsCue); i++ {
		if smsCue[i] == '%' && i+1 < len(smsCue) && smsCue[i+1] == 's' {
			out = append(out, settings...)
			i++
			continue
		}
		out = append(out, smsCue[i])
	}
	return string(out)
}

func TestMapPeopleUsesOnlyTrustedRecords(t *testing.T) {
	trusted := snapshot(t, "", nil).Records
	pr := &policy.PullRequest{
		Number: 1, Author: "bob-gh", AuthorPerson: "ada", LastPusher: "BOB-GH",
		Reviews: []policy.Review{
			{Login: "Ada-GH", Person: "bob", Roles: []string{"engineer"}, State: "APPROVED"},
			{Login: "mallory", Person: "ada", Roles: []string{"manager"}, State: "APPROVED"},
		},
	}
	got, unknown := MapPeople(pr, trusted)
	if got.AuthorPerson != "bob" || got.LastPusherPerson != "bob" {
		t.Errorf("author %q, last pusher %q: want bob, bob (from the logins, not the facts)", got.AuthorPerson, got.LastPusherPerson)
	}
	if r := got.Reviews[0]; r.Person != "ada" || !slices.Equal(r.Roles, []string{"manager"}) {
		t.Errorf("review by Ada-GH mapped to %q %v, want ada [manager]", r.Person, r.Roles)
	}
	if r := got.Reviews[1]; r.Person != "" || len(r.Roles) != 0 {
		t.Errorf("an unknown login kept the person and roles the facts claimed: %q %v", r.Person, r.Roles)
	}
	if !slices.Equal(unknown, []string{"mallory"}) {
		t.Errorf("unknown logins %v, want [mallory]", unknown)
	}
	if pr.Reviews[0].Person != "bob" {
		t.Error("MapPeople changed the facts it was given")
	}
}

func TestControlledMatrix(t *testing.T) {
	base := snapshot(t, "", nil)
	head := snapshot(t, `	change_management: controlled: {sms: "approve-waiver", service: "approve-policy"}`, map[string]string{
		"roles/engineer.cue": `package sms

roles: engineer: {
	name: "Engineer"
	description: "Builds"
	authorities: ["approve-policy"]
}
`,
		"people/bob.cue": "", // deleted
		"people/cy.cue": `package sms

people: cy: {
	name: "Cy"
	type: "person"
}
`,
		"policies/org/x.rego": "package smsctl.rules.org.x\n",
	})
	got, err := Controlled(base, head, base)
	if err != nil {
		t.Fatal(err)
	}
	want := []policy.Controlled{
		{Kind: "person", ID: "bob", File: "people/bob.cue", Change: "deleted", Authority: "approve-policy"},
		{Kind: "person", ID: "cy", File: "people/cy.cue", Change: "added", Authority: "approve-policy"},
		{Kind: "policy", ID: "policies/org/x.rego", File: "policies/org/x.rego", Change: "added", Authority: "approve-policy"},
		{Kind: "role", ID: "engineer", File: "roles/engineer.cue", Change: "modified", Authority: "approve-policy"},
		{Kind: "sms", ID: "sms", File: "sms.cue", Change: "modified", Authority: "approve-policy"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("controlled with the base's matrix:\n got %+v\nwant %+v", got, want)
	}
	// The head's own matrix is not used; the trusted one may extend the
	// default and name other authorities.
	got, err = Controlled(base, head, head)
	if err != nil {
		t.Fatal(err)
	}
	if i := slices.IndexFunc(got, func(c policy.Controlled) bool { return c.Kind == "sms" }); i < 0 || got[i].Authority != "approve-waiver" {
		t.Errorf("a trusted matrix naming approve-waiver for sms.cue was not applied: %+v", got)
	}
}

func TestJudgeTrustedAuthority(t *testing.T) {
	ctx := context.Background()
	change := `package sms

changes: "CHG-2026-0001": {
	title:     "Do a thing"
	type:      "normal"
	status:    "approved"
	requester: "ada"
	raised:    "2026-11-19T15:40:00Z"
	reason:    "Because."
	risk:      "low"
	impact:    "low"
	urgency:   "low"
	services: ["web"]
	approvals: [{by: "bob", role: "engineer", at: "2026-11-20T10:00:00Z", decision: "approved"}]
}
`
	base := snapshot(t, "", nil)
	head := snapshot(t, "", map[string]string{
		"changes/2026/CHG-2026-0001.cue": change,
		"roles/engineer.cue": `package sms

roles: engineer: {
	name: "Engineer"
	description: "Builds"
	authorities: ["approve-normal-change"]
}
`,
	})
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	rules := func(v *Verdict) []string {
		var out []string
		for _, f := range v.Findings {
			if f.Severity == finding.Error {
				out = append(out, f.Rule+" "+f.Record)
			}
		}
		return out
	}
	// Judged with its own roles, the change's approval by bob counts.
	v, err := Judge(ctx, Case{Head: head, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if r := rules(v); slices.Contains(r, "change.approval change/CHG-2026-0001") {
		t.Fatalf("judged with its own roles, want no change.approval error: %v", r)
	}
	// Judged with the base's, it does not; and the edit of the role is a
	// controlled edit.
	v, err = Judge(ctx, Case{Head: head, Base: base, Trusted: base, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if r := rules(v); !slices.Contains(r, "change.approval change/CHG-2026-0001") {
		t.Errorf("judged with the base's roles, want a change.approval error: %v", r)
	}
	if len(v.Controlled) != 1 || v.Controlled[0].ID != "engineer" {
		t.Errorf("controlled %+v, want the role engineer", v.Controlled)
	}
	// Limited to one rule, only that rule runs.
	only, err := Judge(ctx, Case{Head: head, Base: base, Trusted: base, Now: now, Rules: []string{"change.approval"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range only.Findings {
		if f.Rule != "change.approval" && f.Rule != "" {
			t.Errorf("judged with Rules [change.approval], got a finding of %s", f.Rule)
		}
	}
	if r := rules(only); !slices.Contains(r, "change.approval change/CHG-2026-0001") {
		t.Errorf("judged with Rules [change.approval], the approval error is missing: %v", r)
	}
	var warned bool
	for _, f := range v.Findings {
		warned = warned || (f.Rule == "transition.controlled_unjudged" && f.Record == "role/engineer")
	}
	if !warned {
		t.Errorf("no transition.controlled_unjudged warning on role/engineer: %v", v.Findings)
	}
}

func TestSplitBaseMarksWhatTheBaseHad(t *testing.T) {
	ctx := context.Background()
	unapproved := `package sms

changes: "CHG-2026-0001": {
	title:     "Do a thing"
	type:      "normal"
	status:    "approved"
	requester: "ada"
	raised:    "2026-11-19T15:40:00Z"
	reason:    "Because."
	risk:      "low"
	impact:    "low"
	urgency:   "low"
	services: ["web"]
	backout_plan: description: "Undo it."
}
`
	second := strings.ReplaceAll(strings.ReplaceAll(unapproved, "CHG-2026-0001", "CHG-2026-0002"), "Do a thing", "Do another thing")
	base := snapshot(t, "", map[string]string{"changes/2026/CHG-2026-0001.cue": unapproved})
	head := snapshot(t, "", map[string]string{"changes/2026/CHG-2026-0001.cue": unapproved, "changes/2026/CHG-2026-0002.cue": second})
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	v, err := Judge(ctx, Case{Head: head, Base: base, Trusted: base, Now: now, SplitBase: true})
	if err != nil {
		t.Fatal(err)
	}
	state := map[string]bool{}
	for _, f := range v.Findings {
		if f.Rule == "change.approval" {
			state[f.Record] = f.Preexisting
		}
	}
	if pre, ok := state["change/CHG-2026-0001"]; !ok || !pre {
		t.Errorf("the base's unapproved change: found %v, preexisting %v; want a preexisting finding", ok, pre)
	}
	if pre, ok := state["change/CHG-2026-0002"]; !ok || pre {
		t.Errorf("the head's new unapproved change: found %v, preexisting %v; want a new finding", ok, pre)
	}
	if errs, _ := finding.Count(v.Findings); errs != 1 {
		t.Errorf("errors that fail the gate: %d, want 1 (the new change's)", errs)
	}
}
