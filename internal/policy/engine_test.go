package policy

import (
	"bytes"
	"os"

	"context"
	"github.com/open-policy-agent/opa/v1/ast"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/smsctl/smsctl/internal/records"
	"github.com/smsctl/smsctl/schema"
)

const ruleSrc = `# METADATA
# title: Services have a description longer than a word
# description: Test rule.
# custom:
#   id: org.description
#   clause: "8.2.4"
#   severity: warning
#   remediation: Describe the service.
package smsctl.rules.org.description

deny contains {"kind": "service", "id": id, "msg": sprintf("service %s has a one-word description", [id]), "field": "description"} if {
	some id, s in input.records.service
	not contains(s.description, " ")
}
`

func repoFS(extra map[string]string) fstest.MapFS {
	m := fstest.MapFS{
		"schema.cue": {Data: schema.Source},
		"sms.cue": {Data: []byte(`package sms

sms: {
	organisation: "Test"
	scope: statement: "All"
	policy: {
		statement:   "Serve."
		approved_by: "jane"
		approved_on: "2026-01-01"
		review_by:   "2027-01-01"
	}
	calendars: "24x7": timezone: "UTC"
	priority_matrix: high: high: "P1"
}
`)},
		"people/jane.cue": {Data: []byte("package sms\n\npeople: jane: {name: \"Jane\", type: \"person\", roles: [\"boss\"]}\n")},
		"roles/boss.cue":  {Data: []byte("package sms\n\nroles: boss: {name: \"Boss\", description: \"Boss\", authorities: [\"approve-waiver\"]}\n")},
		"services/web.cue": {Data: []byte(`package sms

services: web: {
	name:        "Web"
	description: "Websites"
	owner:       "jane"
	status:      "pipeline"
	criticality: "low"
}
`)},
	}
	for k, v := range extra {
		m[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return m
}

func engineFor(t *testing.T, fsys fstest.MapFS) *Engine {
	t.Helper()
	mods, err := BuiltinModules()
	if err != nil {
		t.Fatal(err)
	}
	repoMods, err := RepositoryModules(fsys)
	if err != nil {
		t.Fatal(err)
	}
	e, err := Compile(context.Background(), append(mods, repoMods...))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func load(t *testing.T, fsys fstest.MapFS) *records.Repository {
	t.Helper()
	repo, err := records.Load(fsys, records.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(repo.Findings) > 0 {
		t.Fatalf("fixture has findings: %+v", repo.Findings)
	}
	return repo
}

var now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func TestRepositoryRuleFindsWithFileAndLine(t *testing.T) {
	fsys := repoFS(map[string]string{"policies/org/description.rego": ruleSrc})
	e := engineFor(t, fsys)
	r, ok := e.Rule("org.description")
	if !ok || r.Builtin || r.Origin != "repository" || r.Severity != "warning" || r.Clause != "8.2.4" || r.File != "policies/org/description.rego" {
		t.Fatalf("rule = %+v, %v", r, ok)
	}
	out, err := e.Judge(context.Background(), load(t, fsys), Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range out.Findings {
		if f.Rule == "org.description" {
			got = append(got, f.Location()+" "+string(f.Severity)+" "+f.Record+" "+f.Path+" "+f.Message)
		}
	}
	want := "services/web.cue:3:11 warning service/web description service web has a one-word description"
	if len(got) != 1 || got[0] != want {
		t.Errorf("findings %q, want [%q]", got, want)
	}
}

func TestWaiverMovesFindingAside(t *testing.T) {
	waiver := func(expires string) string {
		return `package sms

waivers: "WVR-0001": {
	rule: "org.description"
	records: ["web"]
	justification: "Short is fine."
	approved_by: "jane"
	approved_on: "2026-11-01"
	expires: "` + expires + `"
}
`
	}
	for _, tt := range []struct {
		expires string
		waived  bool
	}{{"2027-01-01", true}, {"2026-11-23", true}, {"2026-11-22", false}} {
		fsys := repoFS(map[string]string{"policies/org/description.rego": ruleSrc, "waivers/WVR-0001.cue": waiver(tt.expires)})
		e := engineFor(t, fsys)
		out, err := e.Judge(context.Background(), load(t, fsys), Options{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		waived := false
		for _, w := range out.Waived {
			if w.Rule == "org.description" && w.Waiver == "WVR-0001" && w.Record == "service/web" {
				waived = true
			}
		}
		for _, f := range out.Findings {
			if f.Rule == "org.description" && waived {
				t.Errorf("expires %s: finding both waived and reported", tt.expires)
			}
		}
		if waived != tt.waived {
			t.Errorf("expires %s: waived = %v, want %v", tt.expires, waived, tt.waived)
		}
	}
}

func TestCompileRefuses(t *testing.T) {
	builtin, err := BuiltinModules()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, src, want string
	}{
		{"override built-in", strings.Replace(ruleSrc, "org.description", "change.segregation", -1), "belongs to the built-in rule change.segregation"},
		{"override lib", "package smsctl.lib\n\nx := 1\n", "belongs to"},
		{"no metadata", "package smsctl.rules.org.bare\n\ndeny contains \"x\" if false\n", "no METADATA"},
		{"wrong id", strings.Replace(ruleSrc, "id: org.description", "id: acme.other", 1), `custom.id is "acme.other"`},
		{"bad severity", strings.Replace(ruleSrc, "severity: warning", "severity: fatal", 1), "must be error or warning"},
		{"deep package", strings.Replace(ruleSrc, "package smsctl.rules.org.description", "package smsctl.rules.org.x.description", 1), "package is smsctl.rules.org.<name>"},
		{"syntax", "package smsctl.rules.org.broken\n\ndeny contains x if {\n", "policies/org/broken.rego"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mods := append(append([]Module{}, builtin...), Module{Name: "policies/org/broken.rego", Source: []byte(tt.src)})
			_, err := Compile(context.Background(), mods)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

// Every built-in rule has documentation and unit tests, and they pass.
func TestBuiltinRulesAreDocumentedAndTested(t *testing.T) {
	mods, err := BuiltinModules()
	if err != nil {
		t.Fatal(err)
	}
	e, err := Compile(context.Background(), mods)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Rules()) < 25 {
		t.Errorf("%d built-in rules, want the library of at least 25", len(e.Rules()))
	}
	results, err := Test(context.Background(), mods, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]int{}
	for _, r := range results {
		if !r.Pass {
			t.Errorf("%s:%d %s.%s: %s", r.File, r.Line, r.Package, r.Name, r.Error)
		}
		tests[strings.TrimSuffix(strings.TrimPrefix(r.Package, "data.smsctl.rules."), "_test")]++
	}
	for _, r := range e.Rules() {
		if r.Description == "" || r.Remediation == "" {
			t.Errorf("%s: METADATA lacks a description or remediation", r.ID)
		}
		if tests[r.ID] < 2 {
			t.Errorf("%s has %d tests; each rule needs one that passes it and one that fails it", r.ID, tests[r.ID])
		}
	}
}

// The input Judge builds term by term is the document `policy input`
// prints, value for value, with and without a base.
func TestInputMatchesDocument(t *testing.T) {
	root, err := os.OpenRoot("../../examples/acme")
	if err != nil {
		t.Fatal(err)
	}
	repo, err := records.Load(root.FS(), records.Options{})
	if err != nil {
		t.Fatal(err)
	}
	mods, err := BuiltinModules()
	if err != nil {
		t.Fatal(err)
	}
	e, err := Compile(context.Background(), mods)
	if err != nil {
		t.Fatal(err)
	}
	base := &records.Repository{Records: repo.Records[:len(repo.Records)/2]}
	for _, opts := range []Options{
		{Now: now},
		{Now: now, Base: base, Retired: map[string][]string{"change": {"CHG-2024-0001"}}},
	} {
		want, err := ast.ValueFromReader(bytes.NewReader(e.Document(repo, opts)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.input(repo, opts)
		if err != nil {
			t.Fatal(err)
		}
		if ast.Compare(got, want) != 0 {
			t.Errorf("base=%v: the built input differs from the document", opts.Base != nil)
		}
	}
}

func TestJSONTerm(t *testing.T) {
	for _, src := range []string{`{"a":[1,2.5,-3e2,true,false,null],"b":"x\"y\\u00e9","c":{}}`, `[]`, `"plain"`} {
		got, err := jsonTerm([]byte(src))
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		want, _ := ast.ValueFromReader(strings.NewReader(src))
		if ast.Compare(got.Value, want) != 0 {
			t.Errorf("%s: got %v, want %v", src, got, want)
		}
	}
	for _, bad := range []string{`{`, `{"a" 1}`, `[1,]`, `"open`, `tru`, `1 2`} {
		if _, err := jsonTerm([]byte(bad)); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}
