package policy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/smsctl/smsctl/internal/finding"
	"github.com/smsctl/smsctl/internal/records"
)

// Document builds the policy input: the whole SMS as one JSON value.
//
//	{"now": RFC 3339, "today": YYYY-MM-DD, "sms": {...},
//	 "records": {"<kind>": {"<id>": {...}}, ...},
//	 "rules": {"<rule id>": {"title", "clause", "severity"}}}
//
// Every kind has a key. Records that failed the schema are left out: the
// schema has already reported them, and rules may rely on its types.
func (e *Engine) Document(repo *records.Repository, now time.Time) []byte {
	var b bytes.Buffer
	now = now.UTC()
	fmt.Fprintf(&b, `{"now":%q,"today":%q,"sms":`, now.Format(time.RFC3339), now.Format(time.DateOnly))
	if sms := repo.Lookup(records.SMSKind.Name, "sms"); sms != nil && sms.Valid && sms.Data != nil {
		b.Write(sms.Data)
	} else {
		b.WriteString("{}")
	}
	b.WriteString(`,"records":{`)
	byKind := map[string][]*records.Record{}
	for _, r := range repo.Records {
		if r.Valid && r.Data != nil {
			byKind[r.Kind] = append(byKind[r.Kind], r)
		}
	}
	for i, k := range records.Kinds {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q:{", k.Name)
		for j, r := range byKind[k.Name] {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "%q:", r.ID)
			b.Write(r.Data)
		}
		b.WriteByte('}')
	}
	b.WriteString(`},"rules":{`)
	for i, r := range e.Rules() {
		if i > 0 {
			b.WriteByte(',')
		}
		meta, _ := json.Marshal(map[string]string{"title": r.Title, "clause": r.Clause, "severity": r.Severity})
		fmt.Fprintf(&b, "%q:", r.ID)
		b.Write(meta)
	}
	b.WriteString("}}")
	return b.Bytes()
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

// Judge evaluates the rules on repo as of now. The waiver records of
// waivers (repo itself when nil: a pull request's base can be given
// instead) turn the findings they cover into Waived ones until they expire.
func (e *Engine) Judge(ctx context.Context, repo *records.Repository, now time.Time, waivers *records.Repository) (*Outcome, error) {
	input, err := ast.ValueFromReader(bytes.NewReader(e.Document(repo, now)))
	if err != nil {
		return nil, fmt.Errorf("build policy input: %w", err)
	}
	denials, err := e.Eval(ctx, input)
	if err != nil {
		return nil, err
	}
	if waivers == nil {
		waivers = repo
	}
	today := now.UTC().Format(time.DateOnly)
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
