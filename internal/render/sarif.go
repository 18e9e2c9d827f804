package render

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
)

// SARIF 2.1.0, the Static Analysis Results Interchange Format: what GitHub
// code scanning, GitLab and editors read. Only the parts smsctl fills are
// modelled.
const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	// sarifSrcRoot is the base the result URIs are relative to: the working
	// directory (the checkout, in CI) when the repository was named by a
	// relative path, else the repository itself.
	sarifSrcRoot = "%SRCROOT%"
	// informationURI is smsctl's home page.
	informationURI = "https://github.com/smsctl/smsctl"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                        `json:"tool"`
	OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds,omitempty"`
	Results            []sarifResult                    `json:"results"`
	Properties         map[string]any                   `json:"properties,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string                     `json:"name"`
	InformationURI string                     `json:"informationUri"`
	Rules          []sarifReportingDescriptor `json:"rules"`
}

type sarifReportingDescriptor struct {
	ID                   string              `json:"id"`
	ShortDescription     sarifMessage        `json:"shortDescription"`
	FullDescription      *sarifMessage       `json:"fullDescription,omitempty"`
	Help                 *sarifMessage       `json:"help,omitempty"`
	DefaultConfiguration *sarifConfiguration `json:"defaultConfiguration,omitempty"`
	Properties           map[string]any      `json:"properties,omitempty"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID       string             `json:"ruleId"`
	RuleIndex    int                `json:"ruleIndex"`
	Level        string             `json:"level"`
	Message      sarifMessage       `json:"message"`
	Locations    []sarifLocation    `json:"locations,omitempty"`
	Suppressions []sarifSuppression `json:"suppressions,omitempty"`
	Properties   map[string]string  `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status,omitempty"`
	Justification string `json:"justification"`
}

// builtinRules describes the checks smsctl makes itself, before policies.
var builtinRules = map[string]RuleDoc{
	"syntax": {
		Title:       "A record file is not valid CUE",
		Severity:    "error",
		Remediation: "Fix the file so that it parses as CUE; the finding gives the position of the first syntax error.",
	},
	"file": {
		Title:       "A file is refused",
		Severity:    "error",
		Remediation: "A record file must be UTF-8 text within the size limit, and a symbolic link must point inside the repository.",
	},
	"layout": {
		Title:       "A record is not where its kind and ID say",
		Severity:    "error",
		Remediation: "Give each record a file of its own, in package sms, at the path its kind and ID give (e.g. changes/2026/CHG-2026-0001.cue), with an ID of its kind's form.",
	},
	"schema": {
		Title:       "A record does not satisfy its kind's schema",
		Severity:    "error",
		Remediation: "Fix the field the finding names: the schema is closed (no unknown fields), and its required fields, enumerations and RFC 3339 times must be respected.",
	},
	"reference": {
		Title:       "A record names a record that does not exist",
		Severity:    "error",
		Remediation: "Correct the ID, or add the record it names, of the kind the field expects.",
	},
}

// writeSARIF writes v as a SARIF 2.1.0 log with one run. Each distinct rule
// among the findings has a reporting descriptor; each finding is a result,
// a waived one at level "note" with an external suppression.
func writeSARIF(w io.Writer, v *Validation) error {
	es := entries(v)
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           "smsctl",
			InformationURI: informationURI,
			Rules:          []sarifReportingDescriptor{},
		}},
		Results: []sarifResult{},
	}

	// Result URIs: relative to the working directory when the repository
	// was named relatively (as the other formats show them), else relative
	// to the repository, whose absolute location the base then gives.
	root := v.Root
	if filepath.IsAbs(root) {
		run.OriginalURIBaseIDs = map[string]sarifArtifactLocation{sarifSrcRoot: {URI: fileURI(root)}}
		root = ""
	}

	props := map[string]any{"root": displayRoot(v.Root), "records": v.Records, "files": v.Files}
	if v.Revision != "" {
		props["revision"] = v.Revision
	}
	if v.PolicyDigest != "" {
		props["policyDigest"] = v.PolicyDigest
	}
	run.Properties = props

	// One descriptor per rule, sorted by ID; the first clause a rule's
	// findings give stands for the rule when Rules does not document it.
	var ids []string
	clauses := map[string]string{}
	for _, e := range es {
		if _, ok := clauses[e.Rule]; !ok {
			ids = append(ids, e.Rule)
			clauses[e.Rule] = e.Clause
		} else if clauses[e.Rule] == "" {
			clauses[e.Rule] = e.Clause
		}
	}
	slices.Sort(ids)
	index := map[string]int{}
	for i, id := range ids {
		index[id] = i
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule(id, clauses[id], v.Rules))
	}

	for _, e := range es {
		msg := e.Message
		if e.Path != "" {
			msg = e.Path + ": " + msg
		}
		r := sarifResult{
			RuleID:    e.Rule,
			RuleIndex: index[e.Rule],
			Level:     sarifLevel(string(e.Severity)),
			Message:   sarifMessage{Text: msg},
		}
		if e.File != "" {
			loc := sarifPhysicalLocation{ArtifactLocation: sarifArtifactLocation{
				URI:       uriPath(displayPath(root, e.File)),
				URIBaseID: sarifSrcRoot,
			}}
			if e.Line > 0 {
				loc.Region = &sarifRegion{StartLine: e.Line, StartColumn: e.Column}
			}
			r.Locations = []sarifLocation{{PhysicalLocation: loc}}
		}
		if e.waived() {
			r.Level = "note"
			r.Suppressions = []sarifSuppression{{
				Kind:          "external",
				Status:        "accepted",
				Justification: fmt.Sprintf("waived by %s until %s", e.Waiver, e.Expires),
			}}
		}
		p := map[string]string{}
		for k, s := range map[string]string{"record": e.Record, "path": e.Path, "clause": e.Clause} {
			if s != "" {
				p[k] = s
			}
		}
		if len(p) > 0 {
			r.Properties = p
		}
		run.Results = append(run.Results, r)
	}

	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}

// sarifRule describes rule id: from docs when they have it, from the
// built-in checks' descriptions, or, for a policy rule nothing documents,
// from its ID and clause.
func sarifRule(id, clause string, docs map[string]RuleDoc) sarifReportingDescriptor {
	doc, documented := docs[id]
	builtin := false
	if !documented {
		doc, builtin = builtinRules[id]
	}
	if doc.Clause == "" {
		doc.Clause = clause
	}
	d := sarifReportingDescriptor{ID: id}
	props := map[string]any{}
	switch {
	case builtin:
		d.ShortDescription.Text = doc.Title
		d.Help = &sarifMessage{Text: doc.Remediation}
		props["tags"] = []string{"smsctl", "validation"}
	default:
		title := doc.Title
		if title == "" {
			title = "Policy rule " + id
		}
		d.ShortDescription.Text = title
		if doc.Description != "" {
			d.FullDescription = &sarifMessage{Text: doc.Description}
		}
		var help []string
		if doc.Clause != "" {
			help = append(help, fmt.Sprintf("The policy rule %s enforces ISO/IEC 20000-1 clause %s.", id, doc.Clause))
		} else {
			help = append(help, fmt.Sprintf("%s is a policy rule.", id))
		}
		if doc.Remediation != "" {
			help = append(help, doc.Remediation)
		}
		help = append(help, fmt.Sprintf("`smsctl policy explain %s` describes it; a waiver record may accept a finding for a time.", id))
		d.Help = &sarifMessage{Text: strings.Join(help, " ")}
		props["tags"] = []string{"smsctl", "policy", "ISO/IEC 20000-1"}
	}
	if doc.Severity == "error" || doc.Severity == "warning" {
		d.DefaultConfiguration = &sarifConfiguration{Level: doc.Severity}
	}
	if doc.Clause != "" {
		props["clause"] = doc.Clause
	}
	d.Properties = props
	return d
}

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(severity string) string {
	switch severity {
	case "error":
		return "error"
	case "warning":
		return "warning"
	}
	return "note"
}

// uriPath escapes a slash-separated relative path as a URI reference (with
// "./" before a first segment that holds a colon, which would read as a
// scheme).
func uriPath(p string) string {
	return (&url.URL{Path: p}).String()
}

// fileURI is the file: URI of an absolute directory, ending in a slash as
// SARIF requires of a base URI.
func fileURI(dir string) string {
	p := filepath.ToSlash(dir)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive: file:///C:/...
	}
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}
