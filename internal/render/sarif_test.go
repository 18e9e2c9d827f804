package render

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/smsctl/smsctl/internal/finding"
)

// sarifDoc reads back what writeSARIF writes, independently of its types.
type sarifDoc struct {
	Schema  *string `json:"$schema"`
	Version *string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name           string `json:"name"`
				InformationURI string `json:"informationUri"`
				Rules          []struct {
					ID               string `json:"id"`
					ShortDescription *struct {
						Text string `json:"text"`
					} `json:"shortDescription"`
					FullDescription *struct {
						Text string `json:"text"`
					} `json:"fullDescription"`
					Help *struct {
						Text string `json:"text"`
					} `json:"help"`
					DefaultConfiguration *struct {
						Level string `json:"level"`
					} `json:"defaultConfiguration"`
					Properties map[string]any `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		OriginalURIBaseIDs map[string]struct {
			URI string `json:"uri"`
		} `json:"originalUriBaseIds"`
		Results []struct {
			RuleID    *string `json:"ruleId"`
			RuleIndex *int    `json:"ruleIndex"`
			Level     string  `json:"level"`
			Message   *struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation *struct {
					ArtifactLocation *struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
					Region *struct {
						StartLine   int `json:"startLine"`
						StartColumn int `json:"startColumn"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			Suppressions []struct {
				Kind          string `json:"kind"`
				Justification string `json:"justification"`
			} `json:"suppressions"`
			Properties map[string]string `json:"properties"`
		} `json:"results"`
	} `json:"runs"`
}

func readSARIF(t *testing.T, v *Validation) sarifDoc {
	t.Helper()
	out := write(t, "sarif", v)
	checkSchema(t, "testdata/sarif-schema-2.1.0.json", []byte(out))
	var doc sarifDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	// the parts SARIF 2.1.0 requires
	if doc.Schema == nil || *doc.Schema != "https://json.schemastore.org/sarif-2.1.0.json" {
		t.Errorf("$schema = %v", doc.Schema)
	}
	if doc.Version == nil || *doc.Version != "2.1.0" {
		t.Errorf("version = %v", doc.Version)
	}
	if len(doc.Runs) != 1 {
		t.Fatalf("%d runs, want 1\n%s", len(doc.Runs), out)
	}
	run := doc.Runs[0]
	if run.Tool.Driver.Name != "smsctl" || run.Tool.Driver.InformationURI == "" {
		t.Errorf("driver = %+v", run.Tool.Driver)
	}
	for _, r := range run.Tool.Driver.Rules {
		if r.ID == "" || r.ShortDescription == nil || r.ShortDescription.Text == "" {
			t.Errorf("rule without id or shortDescription: %+v", r)
		}
		// GitHub code scanning wants both (GH2012)
		if r.FullDescription == nil || r.FullDescription.Text == "" || r.Help == nil || r.Help.Text == "" {
			t.Errorf("rule %s without fullDescription or help", r.ID)
		}
	}
	for i, r := range run.Results {
		if r.RuleID == nil || r.Message == nil || r.Message.Text == "" {
			t.Errorf("result %d without ruleId or message", i)
			continue
		}
		if r.RuleIndex == nil || *r.RuleIndex >= len(run.Tool.Driver.Rules) || run.Tool.Driver.Rules[*r.RuleIndex].ID != *r.RuleID {
			t.Errorf("result %d: ruleIndex does not point at rule %s", i, *r.RuleID)
		}
		switch r.Level {
		case "error", "warning", "note":
		default:
			t.Errorf("result %d: level %q", i, r.Level)
		}
		for _, l := range r.Locations {
			if l.PhysicalLocation == nil || l.PhysicalLocation.ArtifactLocation == nil || l.PhysicalLocation.ArtifactLocation.URI == "" {
				t.Errorf("result %d: location without artifactLocation.uri", i)
			} else if reg := l.PhysicalLocation.Region; reg == nil || reg.StartLine < 1 {
				t.Errorf("result %d: region without startLine", i)
			}
		}
	}
	return doc
}

func TestSARIF(t *testing.T) {
	type result struct {
		Rule, Level, Message, URI string
		Line, Column              int
		Suppression               string
		Props                     map[string]string
	}
	for _, tc := range []struct {
		name    string
		v       *Validation
		rules   []string
		results []result
		base    string
	}{
		{
			name:    "clean",
			v:       &Validation{Root: "sms", Files: 4, Records: 3},
			rules:   []string{},
			results: []result{},
		},
		{
			name:  "findings: the waived one left out",
			v:     sample(),
			rules: []string{"change.segregation", "file", "reference", "schema"},
			results: []result{
				{Rule: "change.segregation", Level: "warning", Message: "requester approved own change", URI: "sms/changes/2026/CHG-2026-0002.cue", Line: 3,
					Props: map[string]string{"record": "change/CHG-2026-0002", "clause": "8.5.1.3"}},
				{Rule: "file", Level: "error", Message: "not UTF-8 text", URI: "sms/roles/binary.cue", Line: 1},
				{Rule: "reference", Level: "error", Message: `owner: person "bob" does not exist`, URI: "sms/services/web.cue", Line: 6, Column: 2,
					Props: map[string]string{"record": "service/web", "path": "owner"}},
				{Rule: "schema", Level: "error", Message: `status: invalid value "alive"`, URI: "sms/services/web.cue", Line: 7, Column: 15,
					Props: map[string]string{"record": "service/web", "path": "status"}},
			},
		},
		{
			name:  "findings: the waived one kept (--sarif-waived)",
			v:     func() *Validation { v := sample(); v.SARIFWaived = true; return v }(),
			rules: []string{"change.backout_tested", "change.segregation", "file", "reference", "schema"},
			results: []result{
				{Rule: "change.backout_tested", Level: "note", Message: "backout_plan.tested: backout plan not tested", URI: "sms/changes/2026/CHG-2026-0001.cue", Line: 3, Column: 10,
					Suppression: "external: waived by WVR-0001 until 2027-02-10",
					Props:       map[string]string{"record": "change/CHG-2026-0001", "path": "backout_plan.tested", "clause": "8.5.1.2"}},
				{Rule: "change.segregation", Level: "warning", Message: "requester approved own change", URI: "sms/changes/2026/CHG-2026-0002.cue", Line: 3,
					Props: map[string]string{"record": "change/CHG-2026-0002", "clause": "8.5.1.3"}},
				{Rule: "file", Level: "error", Message: "not UTF-8 text", URI: "sms/roles/binary.cue", Line: 1},
				{Rule: "reference", Level: "error", Message: `owner: person "bob" does not exist`, URI: "sms/services/web.cue", Line: 6, Column: 2,
					Props: map[string]string{"record": "service/web", "path": "owner"}},
				{Rule: "schema", Level: "error", Message: `status: invalid value "alive"`, URI: "sms/services/web.cue", Line: 7, Column: 15,
					Props: map[string]string{"record": "service/web", "path": "status"}},
			},
		},
		{
			name: "a subfolder of the repository: paths from its root",
			v: &Validation{Root: ".", RepoPrefix: "examples/acme", Findings: []finding.Finding{
				{Rule: "schema", Severity: finding.Error, File: "services/web.cue", Line: 2, Message: "x"},
			}},
			rules:   []string{"schema"},
			results: []result{{Rule: "schema", Level: "error", Message: "x", URI: "examples/acme/services/web.cue", Line: 2}},
		},
		{
			name: "an absolute subfolder: the base is the repository root",
			v: &Validation{Root: "/srv/repo/examples/acme", RepoPrefix: "examples/acme", Findings: []finding.Finding{
				{Rule: "schema", Severity: finding.Error, File: "services/web.cue", Line: 2, Message: "x"},
			}},
			rules:   []string{"schema"},
			results: []result{{Rule: "schema", Level: "error", Message: "x", URI: "examples/acme/services/web.cue", Line: 2}},
			base:    "file:///srv/repo/",
		},
		{
			name: "root dot, no file, odd names",
			v: &Validation{Root: ".", Findings: []finding.Finding{
				{Rule: "layout", Severity: finding.Error, Message: "no records"},
				{Rule: "layout", Severity: finding.Error, File: "roles/a b#c.cue", Line: 1, Column: 1, Message: "x"},
			}},
			rules: []string{"layout"},
			results: []result{
				{Rule: "layout", Level: "error", Message: "no records"},
				{Rule: "layout", Level: "error", Message: "x", URI: "roles/a%20b%23c.cue", Line: 1, Column: 1},
			},
		},
		{
			name: "absolute root",
			v: &Validation{Root: "/srv/sms", Findings: []finding.Finding{
				{Rule: "schema", Severity: finding.Error, File: "services/web.cue", Line: 2, Message: "x"},
			}},
			rules:   []string{"schema"},
			results: []result{{Rule: "schema", Level: "error", Message: "x", URI: "services/web.cue", Line: 2}},
			base:    "file:///srv/sms/",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := readSARIF(t, tc.v)
			run := doc.Runs[0]
			rules := []string{}
			for _, r := range run.Tool.Driver.Rules {
				rules = append(rules, r.ID)
			}
			if !reflect.DeepEqual(rules, tc.rules) {
				t.Errorf("rules = %q, want %q", rules, tc.rules)
			}
			got := []result{}
			for _, r := range run.Results {
				g := result{Rule: *r.RuleID, Level: r.Level, Message: r.Message.Text, Props: r.Properties}
				if len(r.Locations) > 0 {
					pl := r.Locations[0].PhysicalLocation
					g.URI = pl.ArtifactLocation.URI
					if pl.ArtifactLocation.URIBaseID != "%SRCROOT%" {
						t.Errorf("uriBaseId = %q", pl.ArtifactLocation.URIBaseID)
					}
					if pl.Region != nil {
						g.Line, g.Column = pl.Region.StartLine, pl.Region.StartColumn
					}
				}
				for _, s := range r.Suppressions {
					g.Suppression = s.Kind + ": " + s.Justification
				}
				got = append(got, g)
			}
			if !reflect.DeepEqual(got, tc.results) {
				t.Errorf("results:\n%+v\nwant:\n%+v", got, tc.results)
			}
			if b := run.OriginalURIBaseIDs["%SRCROOT%"].URI; b != tc.base {
				t.Errorf("%%SRCROOT%% = %q, want %q", b, tc.base)
			}
		})
	}
}

// A rule's descriptor comes from Validation.Rules when it documents the
// rule, from smsctl's own checks, or from the rule's ID and clause.
func TestSARIFRules(t *testing.T) {
	v := sample()
	v.SARIFWaived = true
	v.Rules = map[string]RuleDoc{"change.segregation": {
		Title: "Segregation of duties", Clause: "8.5.1.3", Severity: "error",
		Description: "The requester of a change does not approve it.", Remediation: "Have another person approve.",
	}}
	doc := readSARIF(t, v)
	byID := map[string]int{}
	for i, r := range doc.Runs[0].Tool.Driver.Rules {
		byID[r.ID] = i
	}
	rules := doc.Runs[0].Tool.Driver.Rules

	seg := rules[byID["change.segregation"]]
	if seg.ShortDescription.Text != "Segregation of duties" || seg.FullDescription == nil || seg.FullDescription.Text != "The requester of a change does not approve it." {
		t.Errorf("documented rule: %+v", seg)
	}
	if seg.Help == nil || !contains(seg.Help.Text, "Have another person approve.", "8.5.1.3") {
		t.Errorf("documented rule's help: %+v", seg.Help)
	}
	if seg.DefaultConfiguration == nil || seg.DefaultConfiguration.Level != "error" || seg.Properties["clause"] != "8.5.1.3" {
		t.Errorf("documented rule's level or clause: %+v", seg)
	}

	bt := rules[byID["change.backout_tested"]]
	if bt.Help == nil || !contains(bt.Help.Text, "change.backout_tested", "8.5.1.2") || bt.Properties["clause"] != "8.5.1.2" {
		t.Errorf("undocumented policy rule: %+v", bt)
	}

	ref := rules[byID["reference"]]
	if ref.ShortDescription.Text == "" || ref.Help == nil || ref.DefaultConfiguration == nil || ref.DefaultConfiguration.Level != "error" {
		t.Errorf("built-in rule: %+v", ref)
	}
}

// Every rule name the records loader emits is described in full: GitHub
// wants fullDescription and help on every rule (readSARIF checks).
func TestSARIFBuiltinRules(t *testing.T) {
	v := &Validation{Root: "."}
	for _, id := range []string{"syntax", "file", "layout", "schema", "schema-copy", "reference", "duplicate", "internal"} {
		if _, ok := builtinRules[id]; !ok {
			t.Errorf("no description of the built-in rule %s", id)
		}
		v.Findings = append(v.Findings, finding.Finding{Rule: id, Severity: finding.Error, File: id + ".cue", Message: "x"})
	}
	doc := readSARIF(t, v)
	for _, r := range doc.Runs[0].Tool.Driver.Rules {
		if _, ok := builtinRules[r.ID]; ok && r.FullDescription.Text != builtinRules[r.ID].Description {
			t.Errorf("%s: fullDescription %q", r.ID, r.FullDescription.Text)
		}
	}
}

// What GitHub code scanning needs of a run beyond the schema: the driver's
// version, columns in UTF-16 code units, fingerprints that survive moved
// lines, a cap on results with the errors kept and a notification.
func TestSARIFForCodeScanning(t *testing.T) {
	// "Überprüfung 🚀" before the column: Ü and ü are 2 bytes and 1 unit,
	// the rocket 4 bytes and 2 units.
	line := `	title: "Überprüfung 🚀", status: "alive"`
	col := strings.Index(line, "status") + 1
	src := []byte("package sms\n\nservices: web: {\n" + line + "\n}\n")
	v := &Validation{Root: ".", Source: func(p string) []byte {
		if p == "services/web.cue" {
			return src
		}
		return nil
	}, Findings: []finding.Finding{
		{Rule: "schema", Severity: finding.Error, File: "services/web.cue", Line: 4, Column: col, Record: "service/web", Path: "status", Message: "x"},
		{Rule: "schema", Severity: finding.Error, File: "services/other.cue", Line: 4, Column: col, Record: "service/other", Path: "status", Message: "x"},
	}}
	out := write(t, "sarif", v)
	var raw struct {
		Runs []struct {
			ColumnKind string `json:"columnKind"`
			Tool       struct {
				Driver struct {
					Version string `json:"version"`
				} `json:"driver"`
			} `json:"tool"`
			Invocations []struct {
				Notifications []struct {
					Level   string                `json:"level"`
					Message struct{ Text string } `json:"message"`
				} `json:"toolExecutionNotifications"`
			} `json:"invocations"`
			Results []struct {
				Level               string            `json:"level"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
				Locations           []struct {
					PhysicalLocation struct {
						Region struct {
							StartColumn int `json:"startColumn"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	run := raw.Runs[0]
	if run.ColumnKind != "utf16CodeUnits" || run.Tool.Driver.Version == "" {
		t.Errorf("columnKind %q, driver version %q", run.ColumnKind, run.Tool.Driver.Version)
	}
	// results in file order: services/other.cue, then services/web.cue
	if got := run.Results[1].Locations[0].PhysicalLocation.Region.StartColumn; got != col-4 {
		t.Errorf("UTF-16 column %d, want %d (byte column %d)", got, col-4, col)
	}
	if got := run.Results[0].Locations[0].PhysicalLocation.Region.StartColumn; got != col {
		t.Errorf("without the file's text the column stays %d, got %d", col, got)
	}

	// The same findings a few lines lower, and with another message, have
	// the same fingerprints; another record has another.
	fp := func(v *Validation) []string {
		doc := write(t, "sarif", v)
		var d struct {
			Runs []struct {
				Results []struct {
					PartialFingerprints map[string]string `json:"partialFingerprints"`
				} `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal([]byte(doc), &d); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range d.Runs[0].Results {
			out = append(out, r.PartialFingerprints[sarifFingerprintKey])
		}
		return out
	}
	before := fp(v)
	moved := *v
	moved.Findings = slices.Clone(v.Findings)
	for i := range moved.Findings {
		moved.Findings[i].Line += 5
		moved.Findings[i].Message = "y"
	}
	if after := fp(&moved); !slices.Equal(before, after) || before[0] == before[1] || before[0] == "" {
		t.Errorf("fingerprints %q, after moving %q", before, after)
	}

	// The cap: errors first, and a notification says how many are left out.
	defer func(n int) { sarifMaxResults = n }(sarifMaxResults)
	sarifMaxResults = 3
	many := &Validation{Root: "."}
	for i := range 4 {
		many.Findings = append(many.Findings, finding.Finding{Rule: "r", Severity: finding.Warning, File: fmt.Sprintf("a%d.cue", i), Line: 1, Message: "w"})
	}
	many.Findings = append(many.Findings, finding.Finding{Rule: "r", Severity: finding.Error, File: "z.cue", Line: 1, Message: "e"})
	many.Waived = []finding.Waived{{Finding: finding.Finding{Rule: "r", Severity: finding.Error, File: "b.cue", Line: 1, Message: "w"}, Waiver: "WVR-0001", Expires: "2027-01-01"}}
	doc := readSARIF(t, many)
	if n := len(doc.Runs[0].Results); n != 3 {
		t.Fatalf("%d results, want the cap of 3", n)
	}
	out = write(t, "sarif", many)
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	levels := []string{}
	for _, r := range raw.Runs[0].Results {
		levels = append(levels, r.Level)
	}
	if !slices.Contains(levels, "error") {
		t.Errorf("levels %q: the error was left out", levels)
	}
	var notes []string
	for _, n := range raw.Runs[0].Invocations[0].Notifications {
		notes = append(notes, n.Level+": "+n.Message.Text)
	}
	if len(notes) != 2 || !strings.HasPrefix(notes[0], "warning: 2 of 5 results left out") || !strings.Contains(notes[1], "1 waived finding left out; smsctl validate --sarif-waived") {
		t.Errorf("notifications %q", notes)
	}
}

func TestUTF16Column(t *testing.T) {
	for _, tc := range []struct {
		text      string
		col, want int
	}{
		{"abc", 1, 1}, {"abc", 3, 3}, {"abc", 6, 6},
		{"Ü=1", 4, 3}, {"🚀x", 5, 3}, {"\xffx", 2, 2}, {"é", 3, 2},
	} {
		if got := utf16Column([]byte(tc.text), tc.col); got != tc.want {
			t.Errorf("utf16Column(%q, %d) = %d, want %d", tc.text, tc.col, got, tc.want)
		}
	}
}

func contains(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
