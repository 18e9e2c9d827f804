// Package finding defines what every check of an SMS repository reports: a
// finding with its severity, its place in a file and the record field it
// concerns. Loaders, validators and policies produce findings; renderers
// print them.
package finding

import (
	"cmp"
	"fmt"
	"slices"
)

// Severity says whether a finding fails the gate.
type Severity string

const (
	// Error fails validation (exit code 1).
	Error Severity = "error"
	// Warning is reported but does not fail validation.
	Warning Severity = "warning"
)

// Finding is one problem found in an SMS repository.
type Finding struct {
	// Rule names the check that produced it, e.g. "schema", "reference",
	// "layout", "syntax".
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	// Clause is the ISO/IEC 20000-1 clause a policy rule enforces.
	Clause string `json:"clause,omitempty"`
	// File is the path relative to the repository root, with forward slashes.
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
	// Record is "kind/ID" of the record concerned, when there is one.
	Record string `json:"record,omitempty"`
	// Path is the field path inside the record, e.g. "approvals[0].by".
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
	// Preexisting marks, in a judgement against a base (validate --base),
	// a finding the base already had: listed, but the change under
	// judgement did not cause it, so it does not fail the gate.
	Preexisting bool `json:"preexisting,omitempty"`
}

// Location is "file:line:column", shortened when parts are unknown.
func (f Finding) Location() string {
	switch {
	case f.File == "":
		return ""
	case f.Line == 0:
		return f.File
	case f.Column == 0:
		return fmt.Sprintf("%s:%d", f.File, f.Line)
	}
	return fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Column)
}

// Sort orders findings by file, line, column, then rule and message, so
// output is stable whatever order checks ran in.
func Sort(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// Key identifies a finding across two judgements of the same repository
// (a base and a head): its rule, record (or file), field and message, not
// its line, which an unrelated edit moves.
func (f Finding) Key() string {
	where := f.Record
	if where == "" {
		where = f.File
	}
	return f.Rule + "\x00" + where + "\x00" + f.Path + "\x00" + f.Message
}

// CountPreexisting counts the findings a base already had.
func CountPreexisting(fs []Finding) int {
	n := 0
	for _, f := range fs {
		if f.Preexisting {
			n++
		}
	}
	return n
}

// Count returns the number of errors and warnings, leaving out those a
// base already had (Preexisting): what fails the gate.
func Count(fs []Finding) (errors, warnings int) {
	for _, f := range fs {
		if f.Preexisting {
			continue
		}
		if f.Severity == Error {
			errors++
		} else {
			warnings++
		}
	}
	return errors, warnings
}

// Waived is a finding that an approved, unexpired waiver covers: reported,
// but not failing.
type Waived struct {
	Finding
	// Waiver is the ID of the waiver record.
	Waiver  string `json:"waiver"`
	Expires string `json:"expires"`
}
