package render

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/smsctl/smsctl/internal/audit"
)

// AuditFormats are the formats of `smsctl audit log`.
var AuditFormats = []string{"text", "json", "jsonl", "csv", "markdown"}

// WriteAuditLog writes a trail, newest first.
func WriteAuditLog(w io.Writer, format string, entries []audit.Entry) error {
	if entries == nil {
		entries = []audit.Entry{}
	}
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(entries)
	case "jsonl":
		enc := json.NewEncoder(w)
		for _, e := range entries {
			if err := enc.Encode(e); err != nil {
				return err
			}
		}
		return nil
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"commit", "commit_time", "pr", "status", "path", "old_path", "kind", "id", "author_name", "author_email", "author_time", "committer_name", "field", "old", "new"})
		for _, e := range entries {
			base := []string{e.Commit, e.CommitTime.UTC().Format(time.RFC3339), prString(e.PR), e.Status, e.Path, e.OldPath, e.Kind, e.ID, e.AuthorName, e.AuthorEmail, e.AuthorTime.UTC().Format(time.RFC3339), e.CommitterName}
			if len(e.Changes) == 0 {
				_ = cw.Write(append(base, "", "", ""))
			}
			for _, c := range e.Changes {
				_ = cw.Write(append(append([]string{}, base...), c.Path, string(c.Old), string(c.New)))
			}
		}
		cw.Flush()
		return cw.Error()
	case "markdown":
		fmt.Fprintf(w, "| When | Commit | PR | Record | Change | Author | Fields |\n|---|---|---|---|---|---|---|\n")
		for _, e := range entries {
			var fields []string
			for _, c := range e.Changes {
				fields = append(fields, fmt.Sprintf("`%s`: %s → %s", c.Path, mdValue(c.Old), mdValue(c.New)))
			}
			if e.Note != "" {
				fields = append(fields, e.Note)
			}
			fmt.Fprintf(w, "| %s | `%s` | %s | %s | %s | %s | %s |\n",
				e.CommitTime.UTC().Format("2006-01-02 15:04"), e.Commit[:12], prString(e.PR), mdCell(recordName(e)),
				mdCell(statusWord(e)), mdCell(e.AuthorName), mdCell(strings.Join(fields, "; ")))
		}
		return nil
	case "text":
		for _, e := range entries {
			pr := ""
			if e.PR != nil {
				pr = fmt.Sprintf(" (#%d)", *e.PR)
			}
			fmt.Fprintf(w, "%s %s %s %s%s\n", e.Commit[:12], e.CommitTime.UTC().Format("2006-01-02 15:04"), statusWord(e), recordName(e), pr)
			fmt.Fprintf(w, "    author %s <%s>, %s; committed by %s\n", e.AuthorName, e.AuthorEmail, e.AuthorTime.UTC().Format(time.RFC3339), e.CommitterName)
			fmt.Fprintf(w, "    %s\n", e.Subject)
			for _, c := range e.Changes {
				fmt.Fprintf(w, "    %s: %s -> %s\n", c.Path, textValue(c.Old), textValue(c.New))
			}
			if e.Note != "" {
				fmt.Fprintf(w, "    (%s)\n", e.Note)
			}
		}
		_, err := fmt.Fprintf(w, "%s\n", plural(len(entries), "change"))
		return err
	}
	return fmt.Errorf("unknown output format %q", format)
}

func prString(pr *int) string {
	if pr == nil {
		return ""
	}
	return strconv.Itoa(*pr)
}

func recordName(e audit.Entry) string {
	if e.Kind != "" {
		return e.Kind + "/" + e.ID
	}
	return e.Path
}

func statusWord(e audit.Entry) string {
	switch e.Status {
	case "A":
		return "added"
	case "D":
		return "deleted"
	case "R":
		return "renamed from " + e.OldPath + ","
	}
	return "modified"
}

func textValue(v json.RawMessage) string {
	if v == nil {
		return "(none)"
	}
	s := string(v)
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}

func mdValue(v json.RawMessage) string {
	return "`" + strings.ReplaceAll(textValue(v), "`", "'") + "`"
}
