package render

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/smsctl/smsctl/internal/attest"
	"github.com/smsctl/smsctl/internal/audit"
)

// AuditFormats are the formats of `smsctl audit log`.
var AuditFormats = []string{"text", "json", "jsonl", "csv", "markdown"}

// AuditWriter writes a trail entry by entry, so a long trail streams.
type AuditWriter struct {
	// Attestations are the approval evidence kept in Git notes, by commit
	// hash: shown with the entries of those commits (not in csv).
	Attestations map[string]*attest.Attestation

	w      io.Writer
	format string
	csv    csvWriter
	n      int
	line   []byte // jsonl's buffer
}

// NewAuditWriter starts a trail in one of AuditFormats.
func NewAuditWriter(w io.Writer, format string) (*AuditWriter, error) {
	a := &AuditWriter{w: w, format: format}
	switch format {
	case "json":
		_, err := io.WriteString(w, "[")
		return a, err
	case "csv":
		a.csv = newCSVWriter(w)
		return a, a.csv.Write([]string{"commit", "commit_time", "pr", "status", "path", "old_path", "kind", "id", "author_name", "author_email", "author_time", "committer_name", "signature", "signature_status", "signer", "field", "old", "new"})
	case "markdown":
		_, err := io.WriteString(w, "| When | Commit | PR | Record | Change | Author | Fields |\n|---|---|---|---|---|---|---|\n")
		return a, err
	case "text", "jsonl":
		return a, nil
	}
	return nil, fmt.Errorf("unknown output format %q", format)
}

// Write writes one entry.
func (a *AuditWriter) Write(e audit.Entry) error {
	a.n++
	w := a.w
	switch a.format {
	case "json":
		data, err := json.MarshalIndent(a.withAttestation(e), "  ", "  ")
		if err != nil {
			return err
		}
		sep := "\n  "
		if a.n > 1 {
			sep = ",\n  "
		}
		_, err = fmt.Fprintf(w, "%s%s", sep, data)
		return err
	case "jsonl":
		if a.Attestations[e.Commit] == nil {
			var ok bool
			if a.line, ok = appendEntryJSON(a.line[:0], &e); ok {
				_, err := w.Write(a.line)
				return err
			}
		}
		return json.NewEncoder(w).Encode(a.withAttestation(e))
	case "csv":
		base := []string{e.Commit, e.CommitTime.UTC().Format(time.RFC3339), prString(e.PR), e.Status, e.Path, e.OldPath, e.Kind, e.ID, e.AuthorName, e.AuthorEmail, e.AuthorTime.UTC().Format(time.RFC3339), e.CommitterName, e.Signature, e.SignatureStatus, e.Signer}
		if len(e.Changes) == 0 {
			if err := a.csv.Write(append(base, "", "", "")); err != nil {
				return err
			}
		}
		for _, c := range e.Changes {
			if err := a.csv.Write(append(append([]string{}, base...), c.Path, string(c.Old), string(c.New))); err != nil {
				return err
			}
		}
		return nil
	case "markdown":
		var fields []string
		for _, c := range e.Changes {
			fields = append(fields, fmt.Sprintf("`%s`: %s → %s", c.Path, mdValue(c.Old), mdValue(c.New)))
		}
		if e.Note != "" {
			fields = append(fields, e.Note)
		}
		if sig := signatureText(e); sig != "" {
			fields = append(fields, strings.TrimPrefix(sig, "; "))
		}
		fields = append(fields, a.attestationLines(e)...)
		_, err := fmt.Fprintf(w, "| %s | `%s` | %s | %s | %s | %s | %s |\n",
			e.CommitTime.UTC().Format("2006-01-02 15:04"), e.Commit[:12], prString(e.PR), mdCell(recordName(e)),
			mdCell(statusWord(e)), mdCell(e.AuthorName), mdCell(strings.Join(fields, "; ")))
		return err
	}
	pr := ""
	if e.PR != nil {
		pr = fmt.Sprintf(" (#%d)", *e.PR)
	}
	fmt.Fprintf(w, "%s %s %s %s%s\n", e.Commit[:12], e.CommitTime.UTC().Format("2006-01-02 15:04"), statusWord(e), recordName(e), pr)
	fmt.Fprintf(w, "    author %s <%s>, %s; committed by %s%s\n", e.AuthorName, e.AuthorEmail, e.AuthorTime.UTC().Format(time.RFC3339), e.CommitterName, signatureText(e))
	fmt.Fprintf(w, "    %s\n", e.Subject)
	for _, c := range e.Changes {
		fmt.Fprintf(w, "    %s: %s -> %s\n", c.Path, textValue(c.Old), textValue(c.New))
	}
	if e.Note != "" {
		fmt.Fprintf(w, "    (%s)\n", e.Note)
	}
	a.writeAttestationText(w, e)
	return nil
}

// signatureText describes a commit's signature for the text trail: its
// kind and, when checked, the verdict.
func signatureText(e audit.Entry) string {
	if e.Signature == "" {
		return ""
	}
	s := "; signed (" + e.Signature
	if e.SignatureStatus != "" {
		s += ", " + e.SignatureStatus
		if e.Signer != "" {
			s += " by " + e.Signer
		}
		if e.SignatureNote != "" {
			s += ": " + e.SignatureNote
		}
	}
	return s + ")"
}

// Close ends the trail.
func (a *AuditWriter) Close() error {
	switch a.format {
	case "json":
		end := "\n]\n"
		if a.n == 0 {
			end = "]\n"
		}
		_, err := io.WriteString(a.w, end)
		return err
	case "csv":
		a.csv.Flush()
		return a.csv.Error()
	case "text":
		_, err := fmt.Fprintf(a.w, "%s\n", plural(a.n, "change"))
		return err
	}
	return nil
}

// WriteAuditLog writes a whole trail, newest first.
func WriteAuditLog(w io.Writer, format string, entries []audit.Entry) error {
	a, err := NewAuditWriter(w, format)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := a.Write(e); err != nil {
			return err
		}
	}
	return a.Close()
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
