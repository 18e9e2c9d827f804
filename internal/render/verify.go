package render

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/smsctl/smsctl/internal/auditctl"
)

// VerifyFormats are the outputs of `smsctl audit verify`.
var VerifyFormats = []string{"text", "json", "csv", "markdown"}

// WriteVerify writes the outcome of audit verify.
func WriteVerify(w io.Writer, format string, r *auditctl.VerifyReport) error {
	return writeAuditReport(w, format, SchemaVerify, r, verifyText, verifyCSV, verifyMarkdown)
}

// VerifyPeriod is the period line: "2026-01-01 to 2026-06-30", or "the
// whole history".
func VerifyPeriod(since, until time.Time) string {
	switch {
	case since.IsZero() && until.IsZero():
		return "the whole history"
	case since.IsZero():
		return "up to " + until.UTC().Format(time.RFC3339)
	case until.IsZero():
		return "from " + since.UTC().Format(time.RFC3339)
	}
	return since.UTC().Format(time.RFC3339) + " to " + until.UTC().Format(time.RFC3339)
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// VerifySummary is the one-line outcome.
func VerifySummary(r *auditctl.VerifyReport) string {
	attested := 0
	for _, c := range r.Commits {
		if c.Evidence != "" {
			attested++
		}
	}
	held := 0
	for _, c := range r.Checkpoints {
		if c.Held {
			held++
		}
	}
	cps := "no checkpoint (smsctl audit checkpoint records one)"
	if len(r.Checkpoints) > 0 {
		cps = fmt.Sprintf("%d of %d checkpoints held", held, len(r.Checkpoints))
	}
	return fmt.Sprintf("%s on %d commits that changed records (%d of %d main-line commits in the period; %d with approval evidence); %s",
		plural(len(r.Findings), "finding"), len(r.Commits), len(r.Commits), r.InPeriod, attested, cps)
}

func verifyText(w io.Writer, r *auditctl.VerifyReport) {
	fmt.Fprintf(w, "audit verify: %s, main line at %s (%d commits)\n", VerifyPeriod(r.Since, r.Until), shortHash(r.Head), r.MainLine)
	for _, cp := range r.Checkpoints {
		state := "held"
		if !cp.Held {
			state = "BROKEN"
		}
		fmt.Fprintf(w, "checkpoint %s: head %s, %d commits, chain %s: %s\n", cp.At.UTC().Format(time.RFC3339), shortHash(cp.Head), cp.Count, cp.Chain[:16], state)
	}
	for _, f := range r.Findings {
		pr := ""
		if f.PR > 0 {
			pr = fmt.Sprintf(" (#%d)", f.PR)
		}
		fmt.Fprintf(w, "%s %s %s%s: %s\n", f.Severity, f.Rule, shortHash(f.Commit), pr, f.Message)
	}
	fmt.Fprintln(w, VerifySummary(r))
}

func verifyMarkdown(w io.Writer, r *auditctl.VerifyReport) {
	fmt.Fprintf(w, "## Audit verify: %s\n\n", VerifyPeriod(r.Since, r.Until))
	fmt.Fprintf(w, "Main line at `%s` (%d commits). %s.\n\n", shortHash(r.Head), r.MainLine, VerifySummary(r))
	if len(r.Checkpoints) > 0 {
		fmt.Fprintln(w, "| Checkpoint | Head | Commits | Chain | Held |")
		fmt.Fprintln(w, "|---|---|---|---|---|")
		for _, cp := range r.Checkpoints {
			fmt.Fprintf(w, "| %s | `%s` | %d | `%s…` | %s |\n", cp.At.UTC().Format(time.RFC3339), shortHash(cp.Head), cp.Count, cp.Chain[:16], yesNo(cp.Held))
		}
		fmt.Fprintln(w)
	}
	if len(r.Findings) > 0 {
		fmt.Fprintln(w, "| Rule | Commit | PR | Finding |")
		fmt.Fprintln(w, "|---|---|---|---|")
		for _, f := range r.Findings {
			pr := ""
			if f.PR > 0 {
				pr = fmt.Sprintf("#%d", f.PR)
			}
			fmt.Fprintf(w, "| %s | `%s` | %s | %s |\n", f.Rule, shortHash(f.Commit), pr, mdCell(f.Message))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "| When | Commit | Form | PR | Records | Approvals | Signed | OK |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	for _, c := range r.Commits {
		pr := ""
		if c.PR > 0 {
			pr = fmt.Sprintf("#%d", c.PR)
		}
		fmt.Fprintf(w, "| %s | `%s` | %s | %s | %s | %s | %s | %s |\n", c.When.UTC().Format(time.RFC3339), shortHash(c.Commit), c.Form, pr,
			mdCell(listSome(c.Records, 8)), mdCell(strings.Join(c.Approvals, "; ")), orDash(c.Signature), yesNo(c.OK))
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// listSome joins the first n names and says how many more there are.
func listSome(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s, and %d more", strings.Join(names[:n], ", "), len(names)-n)
}

// verifyCSV writes one row per commit checked, with its findings, then one
// row per finding on no commit of the period (a checkpoint's).
func verifyCSV(w io.Writer, r *auditctl.VerifyReport) error {
	cw := newCSVWriter(w)
	_ = cw.Write([]string{"commit", "when", "form", "pr", "records", "evidence", "approvals", "signature", "signed_required", "ok", "findings"})
	byCommit := map[string][]string{}
	for _, f := range r.Findings {
		byCommit[f.Commit] = append(byCommit[f.Commit], f.Rule+": "+f.Message)
	}
	seen := map[string]bool{}
	for _, c := range r.Commits {
		seen[c.Commit] = true
		_ = cw.Write([]string{c.Commit, c.When.UTC().Format(time.RFC3339), c.Form, strconv.Itoa(c.PR), strings.Join(c.Records, " "), c.Evidence,
			strings.Join(c.Approvals, "; "), c.Signature, strconv.FormatBool(c.SignedRequired), strconv.FormatBool(c.OK), strings.Join(byCommit[c.Commit], "; ")})
	}
	for _, f := range r.Findings {
		if !seen[f.Commit] {
			_ = cw.Write([]string{f.Commit, "", "", "", "", "", "", "", "", "false", f.Rule + ": " + f.Message})
		}
	}
	cw.Flush()
	return cw.Error()
}
