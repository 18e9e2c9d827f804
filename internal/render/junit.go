package render

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"

	"github.com/smsctl/smsctl/internal/buildinfo"
)

// JUnit XML, as CI systems read test reports (GitLab, Jenkins, Azure
// Pipelines, test-reporter actions): the validation is one test suite and
// each finding a test case. The document is valid against junit-10.xsd,
// the schema the Jenkins xunit plugin validates with (kept in testdata):
// test cases carry no file or line attributes (the class is the file, the
// text gives the line), and the test suites no skipped count.
type junitTestsuites struct {
	XMLName  xml.Name         `xml:"testsuites"`
	Name     string           `xml:"name,attr"`
	Tests    int              `xml:"tests,attr"`
	Failures int              `xml:"failures,attr"`
	Errors   int              `xml:"errors,attr"`
	Suites   []junitTestsuite `xml:"testsuite"`
}

type junitTestsuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitTestcase `xml:"testcase"`
	SystemOut  string          `xml:"system-out,omitempty"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitTestcase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Failure   *junitOutcome `xml:"failure,omitempty"`
	Skipped   *junitOutcome `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitOutcome struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// junitSuite is the name of the one test suite, and of the one passing test
// case when there are no findings.
const junitSuite = "smsctl validate"

// writeJUnit writes v as JUnit XML. A test case's class is the finding's
// file and its name "<rule> <record or file>", then the field path when
// there is one. An error is a failure (type: the rule). A warning, which
// does not fail the gate, is skipped with type "warning" and its message,
// so that test report UIs show it (a passing case's output most hide)
// without failing the build; a waived finding is skipped with type
// "waived" and the waiver as the reason. Each has its full line as output.
// With no findings, one passing test case says the validation ran. The
// suite's properties record smsctl's version.
func writeJUnit(w io.Writer, v *Validation) error {
	suite := junitTestsuite{Name: junitSuite, Properties: []junitProperty{
		{Name: "smsctl_version", Value: buildinfo.Read().String()},
		{Name: "root", Value: displayRoot(v.Root)},
		{Name: "records", Value: strconv.Itoa(v.Records)},
		{Name: "files", Value: strconv.Itoa(v.Files)},
	}}
	if v.RepoPrefix != "" {
		suite.Properties = append(suite.Properties, junitProperty{Name: "repo_prefix", Value: v.RepoPrefix})
	}
	if v.Revision != "" {
		suite.Properties = append(suite.Properties, junitProperty{Name: "revision", Value: v.Revision})
	}
	if v.PolicyDigest != "" {
		suite.Properties = append(suite.Properties, junitProperty{Name: "policy_digest", Value: v.PolicyDigest})
	}
	for _, e := range entries(v) {
		file := displayPath(v.Root, e.File)
		tc := junitTestcase{Classname: file}
		if file == "" {
			tc.Classname = displayRoot(v.Root)
		}
		subject := e.Record
		if subject == "" {
			subject = file
		}
		tc.Name = e.Rule
		if subject != "" {
			tc.Name += " " + subject
		}
		if e.Path != "" {
			tc.Name += " " + e.Path
		}
		text := oneLine(v.Root, e)
		if e.Clause != "" {
			text += fmt.Sprintf(" (ISO/IEC 20000-1 clause %s)", e.Clause)
		}
		msg := e.message()
		if e.Path != "" {
			msg = e.Path + ": " + msg
		}
		switch {
		case e.Preexisting:
			tc.Skipped = &junitOutcome{Message: string(e.Severity) + " already at the base: " + msg, Type: "preexisting"}
			tc.SystemOut = text
			suite.Skipped++
		case e.waived():
			tc.Skipped = &junitOutcome{Message: fmt.Sprintf("waived by %s until %s", e.Waiver, e.Expires), Type: "waived"}
			tc.SystemOut = text
			suite.Skipped++
		case e.Severity == "error":
			tc.Failure = &junitOutcome{Message: msg, Type: e.Rule, Text: text}
			suite.Failures++
		default:
			tc.Skipped = &junitOutcome{Message: "warning: " + msg, Type: "warning"}
			tc.SystemOut = text
			suite.Skipped++
		}
		suite.Cases = append(suite.Cases, tc)
	}
	if len(suite.Cases) == 0 {
		suite.Cases = []junitTestcase{{Classname: displayRoot(v.Root), Name: junitSuite}}
	}
	suite.Tests = len(suite.Cases)
	suite.SystemOut = summary(v)
	doc := junitTestsuites{
		Name: "smsctl", Tests: suite.Tests, Failures: suite.Failures,
		Suites: []junitTestsuite{suite},
	}

	bw := bufio.NewWriter(w)
	bw.WriteString(xml.Header)
	enc := xml.NewEncoder(bw)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	bw.WriteString("\n")
	return bw.Flush()
}
