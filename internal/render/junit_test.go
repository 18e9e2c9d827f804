package render

import (
	"encoding/xml"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/smsctl/smsctl/internal/finding"
)

// junitDoc reads back what writeJUnit writes, independently of its types.
type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Suites   []struct {
		Name       string `xml:"name,attr"`
		Tests      int    `xml:"tests,attr"`
		Failures   int    `xml:"failures,attr"`
		Errors     int    `xml:"errors,attr"`
		Skipped    int    `xml:"skipped,attr"`
		Properties []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		} `xml:"properties>property"`
		Cases []struct {
			Classname string `xml:"classname,attr"`
			Name      string `xml:"name,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Skipped *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
			} `xml:"skipped"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
		SystemOut string `xml:"system-out"`
	} `xml:"testsuite"`
}

func TestJUnit(t *testing.T) {
	// a case: class, name, then "failure TYPE: MESSAGE", "skipped: MESSAGE",
	// "out: TEXT" or "pass"
	type tcase struct{ Class, Name, Outcome string }
	for _, tc := range []struct {
		name                     string
		v                        *Validation
		tests, failures, skipped int
		cases                    []tcase
		summary                  string
	}{
		{
			name:  "clean: one passing case",
			v:     &Validation{Root: "sms", Files: 4, Records: 3},
			tests: 1,
			cases: []tcase{{"sms", "smsctl validate", "pass"}},
		},
		{
			name:  "findings",
			v:     sample(),
			tests: 5, failures: 3, skipped: 2,
			cases: []tcase{
				{"sms/changes/2026/CHG-2026-0001.cue", "change.backout_tested change/CHG-2026-0001 backout_plan.tested", "skipped waived: waived by WVR-0001 until 2027-02-10; out: sms/changes/2026/CHG-2026-0001.cue:3:10: waived: backout_plan.tested: backout plan not tested (waived by WVR-0001 until 2027-02-10) (change/CHG-2026-0001) [change.backout_tested] (ISO/IEC 20000-1 clause 8.5.1.2)"},
				{"sms/changes/2026/CHG-2026-0002.cue", "change.segregation change/CHG-2026-0002", "skipped warning: warning: requester approved own change; out: sms/changes/2026/CHG-2026-0002.cue:3: warning: requester approved own change (change/CHG-2026-0002) [change.segregation] (ISO/IEC 20000-1 clause 8.5.1.3)"},
				{"sms/roles/binary.cue", "file sms/roles/binary.cue", "failure file: not UTF-8 text"},
				{"sms/services/web.cue", "reference service/web owner", `failure reference: owner: person "bob" does not exist`},
				{"sms/services/web.cue", "schema service/web status", `failure schema: status: invalid value "alive"`},
			},
		},
		{
			name: "no file; markup in the message",
			v: &Validation{Root: ".", Errors: 1, Findings: []finding.Finding{
				{Rule: "layout", Severity: finding.Error, Message: "a <b> & \"c\"\x00"},
			}},
			tests: 1, failures: 1,
			cases: []tcase{{".", "layout", "failure layout: a <b> & \"c\"\uFFFD"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := write(t, "junit", tc.v)
			checkXSD(t, "testdata/junit-10.xsd", out)
			if !strings.HasPrefix(out, `<?xml version="1.0" encoding="UTF-8"?>`) {
				t.Errorf("no XML declaration:\n%s", out)
			}
			var doc junitDoc
			if err := xml.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("not XML: %v\n%s", err, out)
			}
			if doc.Tests != tc.tests || doc.Failures != tc.failures {
				t.Errorf("testsuites tests=%d failures=%d, want %d %d", doc.Tests, doc.Failures, tc.tests, tc.failures)
			}
			if len(doc.Suites) != 1 {
				t.Fatalf("%d test suites, want 1", len(doc.Suites))
			}
			s := doc.Suites[0]
			if s.Name != "smsctl validate" || s.Tests != tc.tests || s.Failures != tc.failures || s.Skipped != tc.skipped || s.Errors != 0 {
				t.Errorf("testsuite %q tests=%d failures=%d skipped=%d errors=%d", s.Name, s.Tests, s.Failures, s.Skipped, s.Errors)
			}
			if len(s.Properties) == 0 || s.Properties[0].Name != "smsctl_version" || s.Properties[0].Value == "" {
				t.Errorf("properties %v: smsctl_version first", s.Properties)
			}
			if s.SystemOut != summary(tc.v) {
				t.Errorf("suite output %q, want the summary", s.SystemOut)
			}
			var got []tcase
			for _, c := range s.Cases {
				g := tcase{Class: c.Classname, Name: c.Name, Outcome: "pass"}
				switch {
				case c.Failure != nil:
					g.Outcome = "failure " + c.Failure.Type + ": " + c.Failure.Message
					if !strings.Contains(c.Failure.Text, "["+c.Failure.Type+"]") {
						t.Errorf("failure text %q lacks the rule", c.Failure.Text)
					}
				case c.Skipped != nil:
					g.Outcome = "skipped " + c.Skipped.Type + ": " + c.Skipped.Message + "; out: " + c.SystemOut
				case c.SystemOut != "":
					g.Outcome = "out: " + c.SystemOut
				}
				got = append(got, g)
			}
			if !reflect.DeepEqual(got, tc.cases) {
				t.Errorf("cases:\n%q\nwant:\n%q", got, tc.cases)
			}
		})
	}
}

// checkXSD validates doc against the XML Schema xsd with xmllint (Debian:
// libxml2-utils); Go has no maintained XSD validator. Without xmllint the
// test is skipped, unless CI is set, where it must run.
func checkXSD(t *testing.T, xsd, doc string) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("xmllint is needed to validate against %s (apt-get install libxml2-utils)", xsd)
		}
		t.Skipf("xmllint not installed (apt-get install libxml2-utils): not validated against %s", xsd)
	}
	cmd := exec.Command(xmllint, "--noout", "--nonet", "--schema", xsd, "-")
	cmd.Stdin = strings.NewReader(doc)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("invalid against %s: %v\n%s\n%s", xsd, err, out, doc)
	}
}
