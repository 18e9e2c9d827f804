package render

import (
	"encoding/csv"
	"io"
	"regexp"
)

// CSV files are opened by auditors in spreadsheets, which run a cell that
// starts with "=", "+", "-" or "@" (or a tab or carriage return before
// one) as a formula: a record title like `=HYPERLINK("https://…")` would
// become a live link or worse (CSV injection, OWASP). Every CSV smsctl
// writes goes through csvWriter, which puts a "'" before such a cell, as
// OWASP recommends; spreadsheets show the text as it was. A plain number
// ("-5", "+1.5") cannot be a formula and is left as it is.
type csvWriter struct {
	*csv.Writer
}

func newCSVWriter(w io.Writer) csvWriter { return csvWriter{csv.NewWriter(w)} }

// Write writes one record, its cells guarded.
func (w csvWriter) Write(record []string) error {
	return w.Writer.Write(guardCSVRecord(record))
}

// WriteAll writes the records, their cells guarded, and flushes.
func (w csvWriter) WriteAll(records [][]string) error {
	for _, r := range records {
		if err := w.Write(r); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

var csvNumber = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?$`)

// guardCSVCell puts "'" before a cell a spreadsheet would take for a
// formula.
func guardCSVCell(s string) string {
	if s == "" || csvNumber.MatchString(s) {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

func guardCSVRecord(record []string) []string {
	var out []string
	for i, s := range record {
		if g := guardCSVCell(s); g != s {
			if out == nil {
				out = append([]string(nil), record...)
			}
			out[i] = g
		}
	}
	if out == nil {
		return record
	}
	return out
}
