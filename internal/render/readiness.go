package render

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/smsctl/smsctl/internal/auditctl"
)

// ReadinessFormats are the outputs of `smsctl audit readiness`.
var ReadinessFormats = []string{"text", "json", "csv", "markdown"}

// WriteReadiness writes the clause matrix.
func WriteReadiness(w io.Writer, format string, r *auditctl.ReadinessReport) error {
	return writeAuditReport(w, format, SchemaReadiness, r, readinessText, ReadinessCSV, readinessMarkdown)
}

func readinessText(w io.Writer, r *auditctl.ReadinessReport) {
	for _, c := range r.Clauses {
		fmt.Fprintf(w, "%-12s %-8s %s: %s\n", c.Clause, c.Status, c.Title, c.Reason)
		fmt.Fprintf(w, "%-12s %-8s %s; %s\n", "", "", strings.Join(c.Evidence, ", "), freshness(c))
	}
	fmt.Fprintln(w, ReadinessSummary(r))
}

func readinessMarkdown(w io.Writer, r *auditctl.ReadinessReport) {
	fmt.Fprintf(w, "## Readiness on %s\n\n%s\n\n", r.Now.Format("2006-01-02"), ReadinessSummary(r))
	fmt.Fprintln(w, "| Clause | Title | Status | Reason | Evidence | Records | Latest |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	for _, c := range r.Clauses {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %d | %s |\n", c.Clause, c.Title, c.Status, mdCell(c.Reason), mdCell(strings.Join(c.Evidence, ", ")), c.Records, orDash(c.Latest))
	}
}

// freshness says how old a clause's latest evidence is.
func freshness(c auditctl.Clause) string {
	if c.Latest == "" || c.AgeDays == nil {
		return "no dated evidence"
	}
	return fmt.Sprintf("latest %s (%s ago)", c.Latest, plural(*c.AgeDays, "day"))
}

// ReadinessSummary is the one-line outcome.
func ReadinessSummary(r *auditctl.ReadinessReport) string {
	verdict := "ready for certification: every clause has evidence"
	if !r.Ready() {
		verdict = "not ready: the standard allows no exclusions, so every clause not met is a gap"
	}
	return fmt.Sprintf("%d clauses met, %d partial, %d missing; %s", r.Met, r.Partial, r.Missing, verdict)
}

// ReadinessCSV writes one row per clause.
func ReadinessCSV(w io.Writer, r *auditctl.ReadinessReport) error {
	cw := newCSVWriter(w)
	_ = cw.Write([]string{"clause", "title", "status", "reason", "evidence", "records", "latest", "age_days", "kinds", "ids"})
	for _, c := range r.Clauses {
		age := ""
		if c.AgeDays != nil {
			age = strconv.Itoa(*c.AgeDays)
		}
		_ = cw.Write([]string{c.Clause, c.Title, c.Status, c.Reason, strings.Join(c.Evidence, "; "), strconv.Itoa(c.Records), c.Latest, age, strings.Join(c.Kinds, "; "), strings.Join(c.IDs, " ")})
	}
	cw.Flush()
	return cw.Error()
}
