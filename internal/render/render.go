// Package render writes results for people and machines: one function per
// result, one branch per output format, each writing to an io.Writer. It
// never decides anything; it only formats what the libraries returned.
package render

import (
	"cmp"
	"fmt"
	"io"
	"path/filepath"
	"slices"

	"github.com/smsctl/smsctl/internal/finding"
)

// Validation is the result of `smsctl validate`.
type Validation struct {
	// Root is the repository directory as the user named it.
	Root string `json:"root"`
	// Revision is the commit validated; empty for the work tree.
	Revision string `json:"revision,omitempty"`
	Files    int    `json:"files"`
	Records  int    `json:"records"`
	Errors   int    `json:"errors"`
	Warnings int    `json:"warnings"`
	// Findings are sorted by file and position.
	Findings []finding.Finding `json:"findings"`
	// Waived are policy findings that a waiver covers.
	Waived []finding.Waived `json:"waived"`
	// PolicyDigest identifies the policies that judged; empty when none ran.
	PolicyDigest string `json:"policy_digest,omitempty"`

	// Rules documents the policy rules by ID, for the formats that describe
	// the rules they report (sarif). Optional: a rule without an entry is
	// described from its ID and clause alone.
	Rules map[string]RuleDoc `json:"-"`
	// Color asks for ANSI colours in text output: the caller sets it when
	// stdout is a terminal and the user has not set NO_COLOR.
	Color bool `json:"-"`

	// RepoPrefix is the SMS folder's path relative to the root of the Git
	// repository that holds it, slash-separated ("examples/acme"), empty
	// when the SMS is the repository's root or is in no repository (the
	// CLI sets it from sms.Repo.Sub). The formats GitHub reads (github
	// annotations, sarif, markdown) show paths from the repository root,
	// as GitHub resolves them, whatever the working directory.
	RepoPrefix string `json:"repo_prefix,omitempty"`
	// Source returns the content of a file (path relative to the SMS
	// folder, as findings give it), or nil when it cannot. SARIF uses it to
	// convert a finding's column, a UTF-8 byte column, to UTF-16 code
	// units, as its columnKind says; without it the byte column stands
	// (exact on ASCII lines). The CLI sets it from the tree it validated.
	Source func(path string) []byte `json:"-"`
	// SARIFWaived keeps waived findings in sarif, as results with a
	// suppression (--sarif-waived). By default they are left out, since
	// GitHub code scanning opens an alert for a suppressed result too.
	SARIFWaived bool `json:"-"`
	// BaseSplit says the findings were judged against a base, those it
	// already had marked Preexisting (sarif's baselineState).
	BaseSplit bool `json:"-"`
}

// RuleDoc is a policy rule's documentation, from its METADATA annotation.
type RuleDoc struct {
	Title       string
	Clause      string
	Severity    string
	Description string
	Remediation string
}

// formats are the output formats WriteValidation knows, the default first.
var formats = []string{"text", "json", "sarif", "junit", "github", "markdown"}

// WriteValidation writes v in one of these formats:
//
//   - text: for people, the findings grouped by file, then a summary line;
//   - json: v itself, as data, with smsctl_schema "validation/1" and
//     smsctl_version (see WriteJSONDoc);
//   - sarif: SARIF 2.1.0, for code scanning (GitHub, GitLab, IDEs);
//   - junit: JUnit XML, one test case per finding, for CI test reports;
//   - github: GitHub Actions workflow commands, which annotate the lines;
//   - markdown: a pull-request comment.
//
// Wherever a format shows a file path, it is the file joined to Root, so it
// can be opened from the working directory.
func WriteValidation(w io.Writer, format string, v *Validation) error {
	if v.Findings == nil {
		v.Findings = []finding.Finding{}
	}
	if v.Waived == nil {
		v.Waived = []finding.Waived{}
	}
	switch format {
	case "json":
		return WriteJSONDoc(w, SchemaValidation, v)
	case "text":
		return writeText(w, v)
	case "sarif":
		return writeSARIF(w, v)
	case "junit":
		return writeJUnit(w, v)
	case "github":
		return writeGitHub(w, v)
	case "markdown":
		return writeMarkdown(w, v)
	}
	return fmt.Errorf("unknown output format %q", format)
}

// entry is a finding to report: an active one, or a waived one with the
// waiver that covers it.
type entry struct {
	finding.Finding
	// Waiver and Expires are set when a waiver covers the finding.
	Waiver  string
	Expires string
}

func (e entry) waived() bool { return e.Waiver != "" }

// severity is "error", "warning" or, for a waived finding, "waived".
func (e entry) severity() string {
	if e.waived() {
		return "waived"
	}
	return string(e.Severity)
}

// message is the finding's message, with the waiver when there is one.
func (e entry) message() string {
	if e.waived() {
		return fmt.Sprintf("%s (waived by %s until %s)", e.Message, e.Waiver, e.Expires)
	}
	return e.Message
}

// entries returns v's findings and waived findings in one list, sorted by
// file and position (a waived finding after an active one at the same
// place), whatever order v holds them in. v is not modified.
func entries(v *Validation) []entry {
	es := make([]entry, 0, len(v.Findings)+len(v.Waived))
	for _, f := range v.Findings {
		es = append(es, entry{Finding: f})
	}
	for _, wv := range v.Waived {
		es = append(es, entry{Finding: wv.Finding, Waiver: wv.Waiver, Expires: wv.Expires})
	}
	sortEntries(es)
	return es
}

func sortEntries(es []entry) {
	slices.SortStableFunc(es, func(a, b entry) int {
		waived := func(e entry) int {
			if e.waived() {
				return 1
			}
			return 0
		}
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column),
			cmp.Compare(waived(a), waived(b)),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Message, b.Message),
			cmp.Compare(a.Record, b.Record),
		)
	})
}

// displayPath is file (relative to the repository) joined to root (as the
// user named it), with forward slashes; empty when file is.
func displayPath(root, file string) string {
	if file == "" || root == "" || root == "." {
		return file
	}
	return filepath.ToSlash(filepath.Join(root, file))
}

// displayRoot is root as shown to people: "." when empty.
func displayRoot(root string) string {
	if root == "" {
		return "."
	}
	return filepath.ToSlash(root)
}

// position is "line:column", "line", or empty when the line is unknown.
func position(f finding.Finding) string {
	switch {
	case f.Line == 0:
		return ""
	case f.Column == 0:
		return fmt.Sprintf("%d", f.Line)
	}
	return fmt.Sprintf("%d:%d", f.Line, f.Column)
}

// location is the display path with the position: "dir/file:line:column".
func location(root string, f finding.Finding) string {
	f.File = displayPath(root, f.File)
	return f.Location()
}

// detail is the finding as one line without its location:
// "severity: path: message (record) [rule]".
func detail(e entry) string {
	field := ""
	if e.Path != "" {
		field = e.Path + ": "
	}
	return fmt.Sprintf("%s%s: %s%s%s [%s]", e.severity(), atBase(e.Finding), field, e.message(), recordSuffix(e.Record), e.Rule)
}

// atBase marks a finding the base already had: listed, not failing.
func atBase(f finding.Finding) string {
	if f.Preexisting {
		return " (already at the base)"
	}
	return ""
}

// recordSuffix is " (kind/ID)", or empty when there is no record.
func recordSuffix(record string) string {
	if record == "" {
		return ""
	}
	return " (" + record + ")"
}

// oneLine is the finding's full text line, as text output shows it
// ungrouped: "dir/file:line:column: severity: path: message (record) [rule]".
func oneLine(root string, e entry) string {
	loc := location(root, e.Finding)
	if loc != "" {
		loc += ": "
	}
	return loc + detail(e)
}

// summary is the last line of text output: what was validated and how many
// findings of each kind it had.
func summary(v *Validation) string {
	where := ""
	if v.Revision != "" {
		where = " at " + v.Revision
	}
	s := "no findings"
	if v.Errors+v.Warnings > 0 {
		s = fmt.Sprintf("%s, %s", plural(v.Errors, "error"), plural(v.Warnings, "warning"))
	}
	if len(v.Waived) > 0 {
		s += fmt.Sprintf(", %d waived", len(v.Waived))
	}
	if n := finding.CountPreexisting(v.Findings); n > 0 {
		s += fmt.Sprintf("; %d more already at the base (not failing)", n)
	}
	return fmt.Sprintf("%s in %s%s: %s", plural(v.Records, "record"), plural(v.Files, "file"), where, s)
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
