// Package render writes results for people and machines: one function per
// result, one branch per output format, each writing to an io.Writer. It
// never decides anything; it only formats what the libraries returned.
package render

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"

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
}

// WriteValidation writes v in format "text" or "json". In text, a file path
// is shown joined to Root, so it can be opened from the working directory.
func WriteValidation(w io.Writer, format string, v *Validation) error {
	if v.Findings == nil {
		v.Findings = []finding.Finding{}
	}
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	case "text":
		for _, f := range v.Findings {
			if err := writeTextFinding(w, v.Root, f); err != nil {
				return err
			}
		}
		where := ""
		if v.Revision != "" {
			where = " at " + v.Revision
		}
		summary := "no findings"
		if v.Errors+v.Warnings > 0 {
			summary = fmt.Sprintf("%s, %s", plural(v.Errors, "error"), plural(v.Warnings, "warning"))
		}
		_, err := fmt.Fprintf(w, "%s in %s%s: %s\n", plural(v.Records, "record"), plural(v.Files, "file"), where, summary)
		return err
	}
	return fmt.Errorf("unknown output format %q", format)
}

func writeTextFinding(w io.Writer, root string, f finding.Finding) error {
	if f.File != "" && root != "" && root != "." {
		f.File = filepath.ToSlash(filepath.Join(root, f.File))
	}
	loc := f.Location()
	if loc != "" {
		loc += ": "
	}
	field := ""
	if f.Path != "" {
		field = f.Path + ": "
	}
	rec := ""
	if f.Record != "" {
		rec = " (" + f.Record + ")"
	}
	_, err := fmt.Fprintf(w, "%s%s: %s%s%s [%s]\n", loc, f.Severity, field, f.Message, rec, f.Rule)
	return err
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
