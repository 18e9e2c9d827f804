package render

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/smsctl/smsctl/internal/auditctl"
)

// SampleFormats are the outputs of `smsctl audit sample`.
var SampleFormats = []string{"text", "json", "csv", "markdown"}

// WriteSample writes a drawn sample.
func WriteSample(w io.Writer, format string, r *auditctl.SampleReport) error {
	return writeAuditReport(w, format, SchemaSample, r, sampleText, SampleCSV, sampleMarkdown)
}

// SampleHeading says what was drawn from what.
func SampleHeading(r *auditctl.SampleReport) string {
	per := ""
	if r.Stratify != "" {
		per = " per " + r.Stratify
	}
	return fmt.Sprintf("sample of %d %s%s (seed %q) from %d records of %s", len(r.Records), r.Kind+"s", per, r.Seed, r.Population, VerifyPeriod(r.Since, r.Until))
}

func prList(prs []int) string {
	s := make([]string, len(prs))
	for i, p := range prs {
		s[i] = "#" + strconv.Itoa(p)
	}
	return strings.Join(s, " ")
}

// TrailLine is a trail summary on one line.
func TrailLine(t auditctl.Trail) string {
	if t.Commits == 0 {
		return "no commit on the main line changed it"
	}
	s := fmt.Sprintf("%s, %s to %s", plural(t.Commits, "commit"), t.First.UTC().Format(time.DateOnly), t.Last.UTC().Format(time.DateOnly))
	if len(t.PullRequests) > 0 {
		s += ", pull requests " + prList(t.PullRequests)
	}
	if t.Direct > 0 {
		s += fmt.Sprintf(", %d without a pull request", t.Direct)
	}
	if len(t.Approvals) > 0 {
		s += "; approved in " + strings.Join(t.Approvals, ", ")
	}
	return s
}

func sampleText(w io.Writer, r *auditctl.SampleReport) {
	fmt.Fprintln(w, SampleHeading(r))
	last := "\x00"
	for _, s := range r.Records {
		if r.Stratify != "" && s.Stratum != last {
			last = s.Stratum
			name := s.Stratum
			if name == "" {
				name = "(none)"
			}
			fmt.Fprintf(w, "%s %s (%d in the population):\n", r.Stratify, name, r.Strata[s.Stratum])
		}
		fmt.Fprintf(w, "  %s  %s  %s  %s\n", s.ID, s.Status, s.Date, s.Title)
		fmt.Fprintf(w, "      %s\n", TrailLine(s.Trail))
	}
}

// SampleCSV writes one row per sampled record.
func SampleCSV(w io.Writer, r *auditctl.SampleReport) error {
	cw := newCSVWriter(w)
	_ = cw.Write([]string{"kind", "id", "stratum", "key", "status", "date", "title", "file", "commits", "first", "last", "pull_requests", "direct", "approvals", "fields"})
	for _, s := range r.Records {
		t := s.Trail
		first, last := "", ""
		if !t.First.IsZero() {
			first, last = t.First.UTC().Format(time.RFC3339), t.Last.UTC().Format(time.RFC3339)
		}
		_ = cw.Write([]string{s.Kind, s.ID, s.Stratum, s.Key, s.Status, s.Date, s.Title, s.File, strconv.Itoa(t.Commits), first, last,
			prList(t.PullRequests), strconv.Itoa(t.Direct), strings.Join(t.Approvals, "; "), strings.Join(t.Fields, " ")})
	}
	cw.Flush()
	return cw.Error()
}

func sampleMarkdown(w io.Writer, r *auditctl.SampleReport) {
	fmt.Fprintf(w, "## %s\n\n", SampleHeading(r))
	fmt.Fprintf(w, "%s\n\n", r.Algorithm)
	fmt.Fprintln(w, "| ID | Stratum | Status | Date | Title | Trail |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, s := range r.Records {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", s.ID, mdCell(s.Stratum), s.Status, s.Date, mdCell(s.Title), mdCell(TrailLine(s.Trail)))
	}
}
