package render

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/smsctl/smsctl/internal/buildinfo"
	"github.com/smsctl/smsctl/internal/finding"
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
	Invocations        []sarifInvocation                `json:"invocations,omitempty"`
	OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds,omitempty"`
	ColumnKind         string                           `json:"columnKind"`
	Results            []sarifResult                    `json:"results"`
	Properties         map[string]any                   `json:"properties,omitempty"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level   string       `json:"level"`
	Message sarifMessage `json:"message"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name            string                     `json:"name"`
	Version         string                     `json:"version"`
	SemanticVersion string                     `json:"semanticVersion,omitempty"`
	InformationURI  string                     `json:"informationUri"`
	Rules           []sarifReportingDescriptor `json:"rules"`
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
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifMessage       `json:"message"`
	Locations           []sarifLocation    `json:"locations,omitempty"`
	PartialFingerprints map[string]string  `json:"partialFingerprints,omitempty"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	// BaselineState is "unchanged" for a finding the base already had,
	// "new" for the others, when the run was judged against a base.
	BaselineState string            `json:"baselineState,omitempty"`
	Properties    map[string]string `json:"properties,omitempty"`
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

// builtinRules describes the checks smsctl makes itself, before policies:
// every rule name the records loader emits.
var builtinRules = map[string]RuleDoc{
	"syntax": {
		Title:       "A record file is not valid CUE",
		Severity:    "error",
		Description: "Every .cue file of the SMS repository must parse as CUE, or no record in it can be read and the cue CLI refuses the package.",
		Remediation: "Fix the file so that it parses as CUE; the finding gives the position of the first syntax error.",
	},
	"file": {
		Title:       "A file is refused",
		Severity:    "error",
		Description: "smsctl reads only UTF-8 text files within its size limit, and follows a symbolic link only when it stays inside the repository.",
		Remediation: "A record file must be UTF-8 text within the size limit, and a symbolic link must point inside the repository.",
	},
	"layout": {
		Title:       "A record is not where its kind and ID say",
		Severity:    "error",
		Description: "Each record has a file of its own in package sms, at the path its kind and ID give, and an ID of its kind's form, so that a record can be found, reviewed and audited by its path.",
		Remediation: "Give each record a file of its own, in package sms, at the path its kind and ID give (e.g. changes/2026/CHG-2026-0001.cue), with an ID of its kind's form.",
	},
	"schema": {
		Title:       "A record does not satisfy its kind's schema",
		Severity:    "error",
		Description: "Every record must satisfy the closed CUE definition of its kind: required fields present, values of the allowed form, no unknown fields. The plain cue CLI gives the same verdict.",
		Remediation: "Fix the field the finding names: the schema is closed (no unknown fields), and its required fields, enumerations and RFC 3339 times must be respected.",
	},
	"schema-copy": {
		Title:       "schema.cue is not the schema this smsctl ships",
		Severity:    "error",
		Description: "schema.cue binds every record kind to its definition for the plain cue CLI; an edited copy, or one from another smsctl version, would make cue vet judge differently from smsctl.",
		Remediation: "Restore it with `smsctl init --schema-only`.",
	},
	"reference": {
		Title:       "A record names a record that does not exist",
		Severity:    "error",
		Description: "References between records are by ID and must resolve to a record of the kind the field expects: no dangling owner, service, agreement, supplier, CI, person or role.",
		Remediation: "Correct the ID, or add the record it names, of the kind the field expects.",
	},
	"duplicate": {
		Title:       "Two records of a kind have the same ID",
		Severity:    "error",
		Description: "IDs are unique per kind: references, history and audit trails name a record by its ID alone.",
		Remediation: "Give one of the records a free ID (`smsctl new KIND` hands one out), or remove the copy.",
	},
	"internal": {
		Title:       "smsctl could not check a file",
		Severity:    "error",
		Description: "An unexpected error stopped smsctl checking the file; its records were not judged.",
		Remediation: "Report it with the file and the message at https://github.com/smsctl/smsctl/issues.",
	},
}

// sarifMaxResults bounds the results of a run, below the 25,000 GitHub
// code scanning accepts: errors go first, and a notification says how many
// were left out. A variable, for tests.
var sarifMaxResults = 20000

// sarifFingerprintKey names smsctl's partial fingerprint: a finding is the
// same alert across runs while its rule, record (or file) and field path
// are the same, however lines move.
const sarifFingerprintKey = "smsctlFinding/v1"

// writeSARIF writes v as a SARIF 2.1.0 log with one run, for GitHub code
// scanning as it is: each distinct rule among the results has a reporting
// descriptor with full description and help; each finding is a result
// with a partial fingerprint; every region has a start line (1 for a
// finding about a whole file), and columns count UTF-16 code units
// (converted with v.Source). Paths are relative to the repository root
// (v.RepoPrefix). Waived findings are left out unless v.SARIFWaived, as a
// suppressed result still opens an alert on GitHub; at most
// sarifMaxResults results, errors first.
func writeSARIF(w io.Writer, v *Validation) error {
	var es []entry
	waivedOut := 0
	for _, e := range entries(v) {
		if e.waived() && !v.SARIFWaived {
			waivedOut++
			continue
		}
		es = append(es, e)
	}
	var notes []sarifNotification
	if len(es) > sarifMaxResults {
		rank := func(e entry) int {
			switch {
			case e.waived():
				return 2
			case e.Severity == finding.Error:
				return 0
			}
			return 1
		}
		kept := slices.Clone(es)
		slices.SortStableFunc(kept, func(a, b entry) int { return cmp.Compare(rank(a), rank(b)) })
		kept = kept[:sarifMaxResults]
		sortEntries(kept)
		notes = append(notes, sarifNotification{Level: "warning", Message: sarifMessage{Text: fmt.Sprintf(
			"%d of %d results left out: a run holds at most %d (errors first); run smsctl validate for them all",
			len(es)-len(kept), len(es), sarifMaxResults)}})
		es = kept
	}
	if waivedOut > 0 {
		notes = append(notes, sarifNotification{Level: "note", Message: sarifMessage{Text: fmt.Sprintf(
			"%s left out; smsctl validate --sarif-waived keeps them as suppressed results", plural(waivedOut, "waived finding"))}})
	}

	info := buildinfo.Read()
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:            "smsctl",
			Version:         info.String(),
			SemanticVersion: info.SemanticVersion(),
			InformationURI:  informationURI,
			Rules:           []sarifReportingDescriptor{},
		}},
		Invocations: []sarifInvocation{{ExecutionSuccessful: true, ToolExecutionNotifications: notes}},
		ColumnKind:  "utf16CodeUnits",
		Results:     []sarifResult{},
	}

	// Result URIs: from the repository root when the SMS is a subfolder
	// of one; else relative to the working directory when the repository
	// was named relatively (as the other formats show them), else relative
	// to the repository, whose absolute location the base then gives.
	uri := func(file string) string { return displayPath(v.Root, file) }
	switch {
	case v.RepoPrefix != "":
		uri = func(file string) string { return path.Join(v.RepoPrefix, file) }
		if filepath.IsAbs(v.Root) {
			root := filepath.ToSlash(filepath.Clean(v.Root))
			if top, ok := strings.CutSuffix(root, "/"+strings.Trim(v.RepoPrefix, "/")); ok {
				run.OriginalURIBaseIDs = map[string]sarifArtifactLocation{sarifSrcRoot: {URI: fileURI(top)}}
			}
		}
	case filepath.IsAbs(v.Root):
		run.OriginalURIBaseIDs = map[string]sarifArtifactLocation{sarifSrcRoot: {URI: fileURI(v.Root)}}
		uri = func(file string) string { return file }
	}

	props := map[string]any{"root": displayRoot(v.Root), "records": v.Records, "files": v.Files}
	if v.Revision != "" {
		props["revision"] = v.Revision
	}
	if v.PolicyDigest != "" {
		props["policyDigest"] = v.PolicyDigest
	}
	if waivedOut > 0 {
		props["waivedLeftOut"] = waivedOut
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

	cols := newColumnConverter(v.Source)
	seen := map[string]int{}
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
				URI:       uriPath(uri(e.File)),
				URIBaseID: sarifSrcRoot,
			}}
			// A finding about the whole file sits on its first line:
			// GitHub wants a start line on every result.
			loc.Region = &sarifRegion{StartLine: max(e.Line, 1)}
			if e.Line > 0 && e.Column > 0 {
				loc.Region.StartColumn = cols.utf16(e.File, e.Line, e.Column)
			}
			r.Locations = []sarifLocation{{PhysicalLocation: loc}}
		}
		key := fingerprint(e.Finding)
		seen[key]++
		r.PartialFingerprints = map[string]string{sarifFingerprintKey: fmt.Sprintf("%s:%d", key, seen[key])}
		if v.BaseSplit {
			r.BaselineState = "new"
			if e.Preexisting {
				r.BaselineState = "unchanged"
			}
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

// fingerprint identifies a finding across runs: its rule, its record (or,
// for a finding of no record, its file) and its field path; not its line,
// which moves when the file is edited above it. The message is left out
// too, since it may carry values that change.
func fingerprint(f finding.Finding) string {
	subject := f.Record
	if subject == "" {
		subject = "file:" + f.File
	}
	sum := sha256.Sum256([]byte(f.Rule + "\x00" + subject + "\x00" + f.Path))
	return hex.EncodeToString(sum[:16])
}

// columnConverter turns 1-based UTF-8 byte columns into 1-based UTF-16
// code unit columns, reading each file's lines once.
type columnConverter struct {
	source func(string) []byte
	lines  map[string][][]byte
}

func newColumnConverter(source func(string) []byte) *columnConverter {
	return &columnConverter{source: source, lines: map[string][][]byte{}}
}

// utf16 is the UTF-16 column of byte column col on line line of file, or
// col itself when the file's text is not at hand.
func (c *columnConverter) utf16(file string, line, col int) int {
	if c.source == nil {
		return col
	}
	lines, ok := c.lines[file]
	if !ok {
		if data := c.source(file); data != nil {
			lines = bytes.Split(data, []byte("\n"))
		}
		c.lines[file] = lines
	}
	if line < 1 || line > len(lines) {
		return col
	}
	return utf16Column(lines[line-1], col)
}

// utf16Column converts 1-based byte column col of text to 1-based UTF-16
// code units: a rune above U+FFFF counts two, an invalid byte one. A column
// past the end of the line stays as far past it.
func utf16Column(text []byte, col int) int {
	if col < 1 {
		return col
	}
	n := min(col-1, len(text))
	units := 0
	for i := 0; i < n; {
		r, size := utf8.DecodeRune(text[i:])
		if r >= 0x10000 {
			units += 2
		} else {
			units++
		}
		i += size
	}
	return units + 1 + (col - 1 - n)
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
		d.FullDescription = &sarifMessage{Text: doc.Description}
		d.Help = &sarifMessage{Text: doc.Remediation}
		props["tags"] = []string{"smsctl", "validation"}
	default:
		title := doc.Title
		if title == "" {
			title = "Policy rule " + id
		}
		d.ShortDescription.Text = title
		full := doc.Description
		if full == "" {
			full = title + "."
			if doc.Clause != "" {
				full = fmt.Sprintf("%s: a rule of ISO/IEC 20000-1 clause %s.", title, doc.Clause)
			}
		}
		d.FullDescription = &sarifMessage{Text: full}
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

// sourceMaxBytes bounds the files SourceFS reads again: a file the loader
// refused for its size is not read for a column.
const sourceMaxBytes = 4 << 20

// SourceFS is a Validation.Source that reads files from fsys (the SMS
// folder, in the work tree or at a revision), nil for a file that is
// missing, not regular or over 4 MiB.
func SourceFS(fsys fs.FS) func(path string) []byte {
	if fsys == nil {
		return nil
	}
	return func(p string) []byte {
		info, err := fs.Stat(fsys, p)
		if err != nil || !info.Mode().IsRegular() || info.Size() > sourceMaxBytes {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil || len(data) > sourceMaxBytes {
			return nil
		}
		return data
	}
}
