package render

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
)

// JUnit XML, as CI systems read test reports (GitLab, Jenkins, Azure
// Pipelines, test-reporter actions): the validation is one test suite and
// each finding a test case.
type junitTestsuites struct {
	XMLName  xml.Name         `xml:"testsuites"`
	Name     string           `xml:"name,attr"`
	Tests    int              `xml:"tests,attr"`
	Failures int              `xml:"failures,attr"`
	Errors   int              `xml:"errors,attr"`
	Skipped  int              `xml:"skipped,attr"`
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
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
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
// there is one. An error is a failure; a warning passes with its text as
// output; a waived finding is skipped, with the waiver as the reason. With
// no findings, one passing test case says the validation ran.
func writeJUnit(w io.Writer, v *Validation) error {
	suite := junitTestsuite{Name: junitSuite, Properties: []junitProperty{
		{Name: "root", Value: displayRoot(v.Root)},
		{Name: "records", Value: strconv.Itoa(v.Records)},
		{Name: "files", Value: strconv.Itoa(v.Files)},
	}}
	if v.Revision != "" {
		suite.Properties = append(suite.Properties, junitProperty{Name: "revision", Value: v.Revision})
	}
	if v.PolicyDigest != "" {
		suite.Properties = append(suite.Properties, junitProperty{Name: "policy_digest", Value: v.PolicyDigest})
	}
	for _, e := range entries(v) {
		file := displayPath(v.Root, e.File)
		tc := junitTestcase{Classname: file, File: file, Line: e.Line}
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
		case e.waived():
			tc.Skipped = &junitOutcome{Message: fmt.Sprintf("waived by %s until %s", e.Waiver, e.Expires), Text: text}
			suite.Skipped++
		case e.Severity == "error":
			tc.Failure = &junitOutcome{Message: msg, Type: e.Rule, Text: text}
			suite.Failures++
		default:
			tc.SystemOut = text
		}
		suite.Cases = append(suite.Cases, tc)
	}
	if len(suite.Cases) == 0 {
		suite.Cases = []junitTestcase{{Classname: displayRoot(v.Root), Name: junitSuite}}
	}
	suite.Tests = len(suite.Cases)
	suite.SystemOut = summary(v)
	doc := junitTestsuites{
		Name: "smsctl", Tests: suite.Tests, Failures: suite.Failures, Skipped: suite.Skipped,
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
