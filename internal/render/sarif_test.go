package render

import (
	"encoding/json"
	"reflect"
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
			} else if reg := l.PhysicalLocation.Region; reg != nil && reg.StartLine < 1 {
				t.Errorf("result %d: region startLine %d", i, reg.StartLine)
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
			name:  "findings",
			v:     sample(),
			rules: []string{"change.backout_tested", "change.segregation", "file", "reference", "schema"},
			results: []result{
				{Rule: "change.backout_tested", Level: "note", Message: "backout_plan.tested: backout plan not tested", URI: "sms/changes/2026/CHG-2026-0001.cue", Line: 3, Column: 10,
					Suppression: "external: waived by WVR-0001 until 2027-02-10",
					Props:       map[string]string{"record": "change/CHG-2026-0001", "path": "backout_plan.tested", "clause": "8.5.1.2"}},
				{Rule: "change.segregation", Level: "warning", Message: "requester approved own change", URI: "sms/changes/2026/CHG-2026-0002.cue", Line: 3,
					Props: map[string]string{"record": "change/CHG-2026-0002", "clause": "8.5.1.3"}},
				{Rule: "file", Level: "error", Message: "not UTF-8 text", URI: "sms/roles/binary.cue"},
				{Rule: "reference", Level: "error", Message: `owner: person "bob" does not exist`, URI: "sms/services/web.cue", Line: 6, Column: 2,
					Props: map[string]string{"record": "service/web", "path": "owner"}},
				{Rule: "schema", Level: "error", Message: `status: invalid value "alive"`, URI: "sms/services/web.cue", Line: 7, Column: 15,
					Props: map[string]string{"record": "service/web", "path": "status"}},
			},
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

func contains(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
