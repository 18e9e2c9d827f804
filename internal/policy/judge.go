package policy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"time"

	"github.com/smsctl/smsctl/internal/finding"
	"github.com/smsctl/smsctl/internal/records"
)

// Options say what, besides the records, a judgement takes into account.
type Options struct {
	// Now is "today" for time-based rules.
	Now time.Time
	// Waivers is the repository whose waiver records apply; the judged
	// repository itself when nil (a pull request's base can be given, so
	// the pull request cannot waive its own findings).
	Waivers *records.Repository
	// Base, when set, is the repository as it was before the change being
	// judged: each record that differs enters the input's transitions.
	Base *records.Repository
	// Retired lists, per kind, the IDs that existed at some earlier
	// revision but not in Base: IDs that must not come back.
	Retired map[string][]string
	// PullRequest, when set, is the pull request under judgement: the
	// change rules judge the changes it touches by its real approvals.
	PullRequest *PullRequest
	// Trusted is the revision whose facts judge: the sms.cue settings the
	// rules read (input.sms), the people and roles that hold authority
	// (input.trusted) and, unless Waivers is set, the waivers. The judged
	// repository itself when nil. A pull request's own edits to these
	// records are judged (Controlled), never used to judge it.
	Trusted *records.Repository
	// Rules, when not nil, limits the judgement to the rules named (a
	// caller that keeps only some rules' findings need not run the rest).
	Rules []string
	// Controlled lists the controlled records and files the change edits
	// relative to Base, each with the authority that must approve it
	// (input.controlled).
	Controlled []Controlled
}

// Controlled is one edit of a controlled record or file: what judges
// changes (sms.cue, policies, people, roles, waivers) may itself change
// only with the approval of an authority.
type Controlled struct {
	// Kind is the record kind ("sms", "person", "role", "waiver", ...) or
	// "policy" for a Rego file.
	Kind string `json:"kind"`
	// ID is the record's ID, or the policy file's path.
	ID string `json:"id"`
	// File is the path relative to the SMS repository's root.
	File string `json:"file"`
	// Change is "added", "modified" or "deleted".
	Change string `json:"change"`
	// Authority is what a role must grant for its holder to approve the edit.
	Authority string `json:"authority"`
}

// PullRequest is what the policies see of a pull request: its facts as the
// forge reports them, with reviewers mapped to the SMS's people.
type PullRequest struct {
	Number int    `json:"number"`
	Title  string `json:"title"`
	// Author and LastPusher are GitHub logins; AuthorPerson and
	// LastPusherPerson the people records that name them, if any.
	Author           string   `json:"author"`
	AuthorPerson     string   `json:"author_person,omitempty"`
	LastPusher       string   `json:"last_pusher"`
	LastPusherPerson string   `json:"last_pusher_person,omitempty"`
	HeadSHA          string   `json:"head_sha"`
	BaseRef          string   `json:"base_ref"`
	Fork             bool     `json:"fork"`
	Merged           bool     `json:"merged"`
	Labels           []string `json:"labels"`
	// Files are the paths the pull request changes, relative to the SMS
	// repository's root (files outside it are left out).
	Files []string `json:"files"`
	// Changes are the IDs of the change records it adds or edits.
	Changes []string `json:"changes"`
	Reviews []Review `json:"reviews"`
}

// Review is one submitted review of the pull request.
type Review struct {
	Login string `json:"login"`
	// Person is the people record whose github field is Login; empty (and
	// absent from the input) for an unknown login, which is never guessed.
	Person      string   `json:"person,omitempty"`
	Roles       []string `json:"roles"`
	State       string   `json:"state"`
	CommitID    string   `json:"commit_id"`
	SubmittedAt string   `json:"submitted_at"`
	Dismissed   bool     `json:"dismissed"`
}

// Document builds the policy input: the whole SMS as one JSON value.
//
//	{"now": RFC 3339, "today": YYYY-MM-DD, "sms": {...},
//	 "records": {"sms": {"sms": {...}}, "<kind>": {"<id>": {...}}, ...},
//	 "todo": {"<kind>": {"<id>": true}},
//	 "change_types": {"<type>": ["<change id>", ...]},
//	 "trusted": {"person": {...}, "role": {...}},
//	 "rules": {"<rule id>": {"title", "clause", "severity"}},
//	 "measurements": {"sla": {"<agreement id>": [{"period", ...}]}},
//	 "transitions": [{"kind", "id", "old": {...}|null, "new": {...}|null}],
//	 "retired": {"<kind>": {"<id>": true}},
//	 "pull_request": {"number", "author", "last_pusher", "head_sha",
//	   "changes": [...], "reviews": [{"login", "person", "roles", "state",
//	   "commit_id", "submitted_at", "dismissed"}], ...}}
//
// Every kind has a key. Records that failed the schema are left out: the
// schema has already reported them, and rules may rely on its types.
// sms is the trusted revision's sms.cue (the settings in force) and trusted
// its people and roles (who holds which authority); records.person and
// records.role are the judged repository's, judged as data like any
// record. transitions, retired and controlled are present only when a base
// is given, pull_request only when a pull request is.
func (e *Engine) Document(repo *records.Repository, opts Options) []byte {
	var b bytes.Buffer
	now := opts.Now.UTC()
	trusted := opts.Trusted
	if trusted == nil {
		trusted = repo
	}
	fmt.Fprintf(&b, `{"now":%q,"today":%q,"sms":`, now.Format(time.RFC3339), now.Format(time.DateOnly))
	if sms := trusted.Lookup(records.SMSKind.Name, "sms"); sms != nil && sms.Valid && sms.Data != nil {
		b.Write(sms.Data)
	} else {
		b.WriteString("{}")
	}
	b.WriteString(`,"records":{"sms":{`)
	if sms := repo.Lookup(records.SMSKind.Name, "sms"); sms != nil && sms.Valid && sms.Data != nil {
		b.WriteString(`"sms":`)
		b.Write(sms.Data)
	}
	b.WriteString(`},`)
	writeKinds(&b, repo, records.Kinds)
	b.WriteString(`},"todo":`)
	todo, _ := json.Marshal(todoIndex(repo)) // plain strings: cannot fail
	b.Write(todo)
	b.WriteString(`,"change_types":`)
	types, _ := json.Marshal(changeTypes(repo)) // plain strings: cannot fail
	b.Write(types)
	b.WriteString(`,"trusted":{`)
	writeKinds(&b, trusted, trustedKinds)
	b.WriteString(`},"rules":{`)
	for i, r := range e.Rules() {
		if i > 0 {
			b.WriteByte(',')
		}
		meta, _ := json.Marshal(map[string]string{"title": r.Title, "clause": r.Clause, "severity": r.Severity})
		fmt.Fprintf(&b, "%q:", r.ID)
		b.Write(meta)
	}
	b.WriteString(`},"measurements":`)
	b.Write(measurements(repo, opts.Now))
	if opts.Base != nil {
		b.WriteByte(',')
		writeTransitions(&b, opts.Base, repo)
		b.WriteString(`,"retired":{`)
		first := true
		for _, k := range records.Kinds {
			if len(opts.Retired[k.Name]) == 0 {
				continue
			}
			if !first {
				b.WriteByte(',')
			}
			first = false
			fmt.Fprintf(&b, "%q:{", k.Name)
			for i, id := range opts.Retired[k.Name] {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, "%q:true", id)
			}
			b.WriteByte('}')
		}
		b.WriteByte('}')
	}
	if opts.Base != nil {
		controlled := opts.Controlled
		if controlled == nil {
			controlled = []Controlled{}
		}
		c, _ := json.Marshal(controlled) // plain strings: cannot fail
		b.WriteString(`,"controlled":`)
		b.Write(c)
	}
	if opts.PullRequest != nil {
		pr, _ := json.Marshal(opts.PullRequest) // plain strings and lists: cannot fail
		b.WriteString(`,"pull_request":`)
		b.Write(pr)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// todoIndex lists, per kind, the valid records whose data holds the text
// TODO: the few a placeholder rule needs to look at (input.todo), found
// with a byte search instead of walking every record in Rego.
func todoIndex(repo *records.Repository) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, r := range repo.Records {
		if r.Valid && r.Data != nil && bytes.Contains(r.Data, []byte("TODO")) {
			if out[r.Kind] == nil {
				out[r.Kind] = map[string]bool{}
			}
			out[r.Kind][r.ID] = true
		}
	}
	return out
}

// changeTypes lists the valid change records' IDs by their type
// (input.change_types), in the records' order.
func changeTypes(repo *records.Repository) map[string][]string {
	out := map[string][]string{}
	for _, r := range repo.Records {
		if r.Kind != "change" || !r.Valid || r.Data == nil {
			continue
		}
		var c struct {
			Type *string `json:"type"`
		}
		if json.Unmarshal(r.Data, &c) == nil && c.Type != nil {
			out[*c.Type] = append(out[*c.Type], r.ID)
		}
	}
	return out
}

// trustedKinds are the kinds whose records say who holds which authority.
var trustedKinds = func() []records.Kind {
	var out []records.Kind
	for _, k := range records.Kinds {
		if k.Name == "person" || k.Name == "role" {
			out = append(out, k)
		}
	}
	return out
}()

// writeKinds writes "<kind>": {"<id>": {...}} for each of kinds, the valid
// records of repo only.
func writeKinds(b *bytes.Buffer, repo *records.Repository, kinds []records.Kind) {
	byKind := map[string][]*records.Record{}
	for _, r := range repo.Records {
		if r.Valid && r.Data != nil {
			byKind[r.Kind] = append(byKind[r.Kind], r)
		}
	}
	for i, k := range kinds {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(b, "%q:{", k.Name)
		for j, r := range byKind[k.Name] {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(b, "%q:", r.ID)
			b.Write(r.Data)
		}
		b.WriteByte('}')
	}
}

// writeTransitions writes the records that differ between base and head.
func writeTransitions(b *bytes.Buffer, base, head *records.Repository) {
	data := func(r *records.Record) []byte {
		if r == nil || !r.Valid || r.Data == nil {
			return nil
		}
		return r.Data
	}
	old := map[string]*records.Record{}
	for _, r := range base.Records {
		old[r.Key()] = r
	}
	b.WriteString(`"transitions":[`)
	n := 0
	seen := map[string]bool{}
	for _, r := range head.Records {
		seen[r.Key()] = true
		before, after := data(old[r.Key()]), data(r)
		if old[r.Key()] != nil && jsonEqual(before, after) {
			continue
		}
		writeOne(b, &n, r.Kind, r.ID, before, after)
	}
	for _, r := range base.Records {
		if !seen[r.Key()] {
			writeOne(b, &n, r.Kind, r.ID, data(r), nil)
		}
	}
	b.WriteByte(']')
}

func writeOne(b *bytes.Buffer, n *int, kind, id string, before, after []byte) {
	if *n > 0 {
		b.WriteByte(',')
	}
	*n++
	fmt.Fprintf(b, `{"kind":%q,"id":%q,"old":`, kind, id)
	writeOrNull(b, before)
	b.WriteString(`,"new":`)
	writeOrNull(b, after)
	b.WriteByte('}')
}

func writeOrNull(b *bytes.Buffer, v []byte) {
	if v == nil {
		b.WriteString("null")
		return
	}
	b.Write(v)
}

// jsonEqual compares two JSON values by meaning, not by bytes.
func jsonEqual(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	if a == nil || b == nil {
		return false
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// Outcome is what the policies found.
type Outcome struct {
	Findings []finding.Finding
	Waived   []finding.Waived
}

type waiver struct {
	ID      string
	Rule    string   `json:"rule"`
	Records []string `json:"records"`
	Expires string   `json:"expires"`
}

// Judge evaluates the rules on repo. The waiver records of opts.Waivers
// (repo itself when nil) turn the findings they cover into Waived ones
// until they expire.
func (e *Engine) Judge(ctx context.Context, repo *records.Repository, opts Options) (*Outcome, error) {
	input, err := e.input(repo, opts)
	if err != nil {
		return nil, fmt.Errorf("build policy input: %w", err)
	}
	denials, err := e.EvalRules(ctx, input, opts.Rules)
	if err != nil {
		return nil, err
	}
	waivers := opts.Waivers
	if waivers == nil {
		waivers = opts.Trusted
	}
	if waivers == nil {
		waivers = repo
	}
	today := opts.Now.UTC().Format(time.DateOnly)
	active := map[string]waiver{} // rule \x00 record ID -> waiver
	for _, r := range waivers.Records {
		if r.Kind != "waiver" || !r.Valid {
			continue
		}
		w := waiver{ID: r.ID}
		if json.Unmarshal(r.Data, &w) != nil || w.Expires < today {
			continue
		}
		for _, id := range w.Records {
			active[w.Rule+"\x00"+id] = w
		}
	}
	index := map[string]*records.Record{}
	for _, r := range repo.Records {
		index[r.Key()] = r
	}
	out := &Outcome{}
	for _, d := range denials {
		rule := e.rules[d.Rule]
		f := finding.Finding{
			Rule: d.Rule, Severity: finding.Severity(rule.Severity), Clause: rule.Clause,
			Path: d.Field, Message: d.Msg,
		}
		if d.Kind != "" {
			f.Record = d.Kind + "/" + d.ID
		}
		if r := index[f.Record]; r != nil {
			f.File, f.Line, f.Column = r.File, r.Line, r.Column
		}
		if w, ok := active[d.Rule+"\x00"+d.ID]; ok {
			out.Waived = append(out.Waived, finding.Waived{Finding: f, Waiver: w.ID, Expires: w.Expires})
			continue
		}
		out.Findings = append(out.Findings, f)
	}
	finding.Sort(out.Findings)
	sort.SliceStable(out.Waived, func(i, j int) bool { return out.Waived[i].Location() < out.Waived[j].Location() })
	return out, nil
}
