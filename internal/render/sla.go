package render

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/smsctl/smsctl/internal/sla"
)

// SLAFormats are the output formats of `smsctl report sla`, the default
// first.
var SLAFormats = []string{"text", "json", "csv", "markdown", "html"}

// WriteSLAReport writes a service level report in one of SLAFormats:
//
//   - text: for people, one block per agreement, then service availability;
//   - json: the report itself, as data, with smsctl_schema "report-sla/1"
//     and smsctl_version (WriteJSONDoc);
//   - csv: one row per agreement and priority, per agreement, per agreement
//     and month (an OLA's or UC's rows name the SLAs it underpins), and
//     per service and month; with tickets listed, one row per ticket and
//     agreement instead;
//   - markdown: tables, for a pull request or a wiki;
//   - html: one self-contained page with inline SVG charts (attainment per
//     month, breaches per priority, availability per service).
func WriteSLAReport(w io.Writer, format string, r *sla.Report) error {
	bw := bufio.NewWriter(w)
	var err error
	switch format {
	case "text":
		err = slaText(bw, r)
	case "json":
		err = WriteJSONDoc(bw, SchemaSLA, r)
	case "csv":
		err = slaCSV(bw, r)
	case "markdown":
		err = slaMarkdown(bw, r)
	case "html":
		err = slaHTML(bw, r)
	default:
		return fmt.Errorf("unknown output format %q", format)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// Dur formats a duration as people read SLA times: 27m, 4h05m, 50h00m.
func Dur(d time.Duration) string {
	d = d.Round(time.Minute)
	if d < time.Hour {
		return fmt.Sprintf("%dm", int(d/time.Minute))
	}
	return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

func pct(v *float64, digits int) string {
	if v == nil {
		return "-"
	}
	return strconv.FormatFloat(*v, 'f', digits, 64) + "%"
}

func target(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64) + "%"
}

func availPct(a *sla.Availability) *float64 {
	if a == nil {
		return nil
	}
	return &a.Percent
}

// periodLine is the report's heading.
func periodLine(r *sla.Report) string {
	s := fmt.Sprintf("Service levels %s to %s, as of %s", r.From, r.To, r.AsOf.UTC().Format(time.RFC3339))
	var filters []string
	if r.Service != "" {
		filters = append(filters, "service "+r.Service)
	}
	if r.Customer != "" {
		filters = append(filters, "customer "+r.Customer)
	}
	if len(filters) > 0 {
		s += " (" + strings.Join(filters, ", ") + ")"
	}
	return s
}

func agreementHeading(a *sla.AgreementReport) string {
	return fmt.Sprintf("%s %s: %s (%s, calendar %s)", a.Type, a.ID, a.Title, a.Party, a.Calendar)
}

func targetsOf(p sla.PriorityReport) string {
	if p.Response == "" && p.Resolution == "" {
		return "no target"
	}
	return orDash(p.Response) + " / " + orDash(p.Resolution)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func caseLine(c sla.Case) string {
	return fmt.Sprintf("%s %s %s %s of %s (%s%%) %s", c.ID, c.Priority, c.Metric,
		Dur(c.Elapsed.Duration()), Dur(c.Target.Duration()), strconv.FormatFloat(math.Round(c.Percent), 'f', 0, 64), c.Status)
}

// ticketLine is one measured ticket: its outcome and each clock.
func ticketLine(t sla.TicketRow) string {
	var clocks []string
	for _, c := range t.Clocks {
		clocks = append(clocks, fmt.Sprintf("%s %s of %s", c.Metric, Dur(c.Elapsed.Duration()), Dur(c.Target.Duration())))
	}
	status := t.Status
	if t.Near {
		status += " (near)"
	}
	return fmt.Sprintf("%s %s %s %s: %s", t.ID, t.Priority, t.Month, status, strings.Join(clocks, ", "))
}

// supportLine sums up an OLA's or UC's attainment beside an SLA.
func supportLine(a *sla.AgreementReport) string {
	s := fmt.Sprintf("%s %s attainment %s", a.Type, a.ID, pct(a.Total.Attainment, 1))
	if a.Availability != nil {
		s += ", availability " + pct(&a.Availability.Percent, 2)
	}
	if len(a.BelowTarget) > 0 {
		s += ", below target"
	}
	return s
}

func slaText(w io.Writer, r *sla.Report) error {
	fmt.Fprintln(w, periodLine(r))
	byID := map[string]*sla.AgreementReport{}
	for _, a := range r.Agreements {
		byID[a.ID] = a
	}
	below := 0
	for _, a := range r.Agreements {
		fmt.Fprintf(w, "\n%s\n", agreementHeading(a))
		fmt.Fprintf(w, "  %-8s %7s %5s %8s %5s %5s %10s  %s\n", "priority", "tickets", "met", "breached", "near", "open", "attainment", "targets (response / resolution)")
		for _, p := range a.Priorities {
			fmt.Fprintf(w, "  %-8s %7d %5d %8d %5d %5d %10s  %s\n", p.Priority, p.Tickets, p.Met, p.Breached, p.Near, p.Open, pct(p.Attainment, 1), targetsOf(p))
		}
		t := a.Total
		fmt.Fprintf(w, "  %-8s %7d %5d %8d %5d %5d %10s\n", "all", t.Tickets, t.Met, t.Breached, t.Near, t.Open, pct(t.Attainment, 1))
		if t.Breached > 0 {
			fmt.Fprintf(w, "  breaches: %d response, %d resolution\n", t.ResponseBreached, t.ResolutionBreached)
		}
		if t.AtRisk > 0 {
			fmt.Fprintf(w, "  at risk: %d of the open tickets at 75%% or more of a target\n", t.AtRisk)
		}
		if a.AttainmentTarget != nil {
			fmt.Fprintf(w, "  attainment %s against %s%s\n", pct(t.Attainment, 1), target(a.AttainmentTarget), belowMark(a.BelowTarget, "attainment"))
		}
		if av := a.Availability; av != nil {
			fmt.Fprintf(w, "  availability %s", pct(&av.Percent, 2))
			if av.Target != nil {
				fmt.Fprintf(w, " against %s", target(av.Target))
			}
			fmt.Fprintf(w, ", downtime %s of %s%s\n", Dur(av.Downtime.Duration()), Dur(av.ServiceTime.Duration()), belowMark(a.BelowTarget, "availability"))
		}
		var months []string
		for _, m := range a.Months {
			if len(m.BelowTarget) > 0 {
				months = append(months, m.Month+" ("+strings.Join(m.BelowTarget, ", ")+")")
			}
		}
		if len(months) > 0 {
			fmt.Fprintf(w, "  months below target: %s\n", strings.Join(months, ", "))
		}
		if len(a.BelowTarget) > 0 || len(months) > 0 {
			below++
		}
		if len(a.Worst) > 0 {
			fmt.Fprintln(w, "  worst:")
			for _, c := range a.Worst {
				fmt.Fprintf(w, "    %s\n", caseLine(c))
			}
		}
		for _, id := range a.UnderpinnedBy {
			fmt.Fprintf(w, "  underpinned by %s\n", supportLine(byID[id]))
		}
		if len(a.Tickets) > 0 {
			fmt.Fprintln(w, "  tickets:")
			for _, t := range a.Tickets {
				fmt.Fprintf(w, "    %s\n", ticketLine(t))
			}
		}
	}
	if len(r.Services) > 0 {
		fmt.Fprintf(w, "\nAvailability per service (outages of the services each depends on included)\n")
		fmt.Fprintf(w, "  %-28s %12s %8s %10s %10s\n", "service", "availability", "target", "downtime", "own")
		for _, s := range r.Services {
			av := s.Total
			if av == nil {
				fmt.Fprintf(w, "  %-28s %12s\n", s.ID, "-")
				continue
			}
			own := ""
			if av.Direct != nil {
				own = Dur(av.Direct.Duration())
			}
			mark := ""
			if av.Met != nil && !*av.Met {
				mark = "  below target"
			}
			fmt.Fprintf(w, "  %-28s %12s %8s %10s %10s%s\n", s.ID, pct(&av.Percent, 3), target(av.Target), Dur(av.Downtime.Duration()), own, mark)
		}
	}
	for _, p := range r.Problems {
		fmt.Fprintf(w, "\nnot measured: %s", p)
	}
	if len(r.Problems) > 0 {
		fmt.Fprintln(w)
	}
	_, err := fmt.Fprintf(w, "\n%s, %s below target\n", plural(len(r.Agreements), "agreement"), plural(below, "agreement"))
	return err
}

func belowMark(below []string, what string) string {
	for _, b := range below {
		if b == what {
			return ": below target"
		}
	}
	return ""
}

func floatCell(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

// slaTicketsCSV writes one row per measured ticket and agreement.
func slaTicketsCSV(w io.Writer, r *sla.Report) error {
	cw := newCSVWriter(w)
	_ = cw.Write([]string{"from", "to", "agreement", "type", "party", "kind", "id", "priority", "status", "near", "month", "at",
		"response_s", "response_target_s", "resolution_metric", "resolution_s", "resolution_target_s"})
	for _, a := range r.Agreements {
		for _, t := range a.Tickets {
			row := []string{r.From, r.To, a.ID, a.Type, a.Party, t.Kind, t.ID, t.Priority, t.Status, strconv.FormatBool(t.Near), t.Month,
				t.At.UTC().Format(time.RFC3339), "", "", "", "", ""}
			for _, c := range t.Clocks {
				if c.Metric == "response" {
					row[12], row[13] = strconv.FormatInt(int64(c.Elapsed), 10), strconv.FormatInt(int64(c.Target), 10)
				} else {
					row[14], row[15], row[16] = c.Metric, strconv.FormatInt(int64(c.Elapsed), 10), strconv.FormatInt(int64(c.Target), 10)
				}
			}
			_ = cw.Write(row)
		}
	}
	cw.Flush()
	return cw.Error()
}

func slaCSV(w io.Writer, r *sla.Report) error {
	for _, a := range r.Agreements {
		if a.Tickets != nil {
			return slaTicketsCSV(w, r)
		}
	}
	cw := newCSVWriter(w)
	_ = cw.Write([]string{"from", "to", "scope", "id", "type", "party", "month", "priority", "tickets", "met", "near_breaches", "breached",
		"response_breaches", "resolution_breaches", "open", "attainment", "attainment_target", "availability", "availability_target", "downtime_s", "below_target", "underpins"})
	row := func(a *sla.AgreementReport, month, prio string, t sla.Tally, av *sla.Availability, below []string) {
		var avail, avTarget, down string
		if av != nil {
			avail, avTarget, down = floatCell(&av.Percent), floatCell(av.Target), strconv.FormatInt(int64(av.Downtime), 10)
		}
		_ = cw.Write([]string{r.From, r.To, "agreement", a.ID, a.Type, a.Party, month, prio,
			strconv.Itoa(t.Tickets), strconv.Itoa(t.Met), strconv.Itoa(t.Near), strconv.Itoa(t.Breached),
			strconv.Itoa(t.ResponseBreached), strconv.Itoa(t.ResolutionBreached), strconv.Itoa(t.Open),
			floatCell(t.Attainment), floatCell(a.AttainmentTarget), avail, avTarget, down, strings.Join(below, " "), strings.Join(a.Underpins, " ")})
	}
	for _, a := range r.Agreements {
		for _, p := range a.Priorities {
			row(a, "all", p.Priority, p.Tally, nil, nil)
		}
		row(a, "all", "all", a.Total, a.Availability, a.BelowTarget)
		for _, m := range a.Months {
			row(a, m.Month, "all", m.Tally, m.Availability, m.BelowTarget)
		}
	}
	for _, s := range r.Services {
		svc := func(month string, av *sla.Availability) {
			if av == nil {
				return
			}
			below := ""
			if av.Met != nil && !*av.Met {
				below = "availability"
			}
			_ = cw.Write([]string{r.From, r.To, "service", s.ID, "service", "", month, "", "", "", "", "", "", "", "", "", "",
				floatCell(&av.Percent), floatCell(av.Target), strconv.FormatInt(int64(av.Downtime), 10), below, ""})
		}
		svc("all", s.Total)
		for _, m := range s.Months {
			svc(m.Month, m.Availability)
		}
	}
	cw.Flush()
	return cw.Error()
}

func slaMarkdown(w io.Writer, r *sla.Report) error {
	fmt.Fprintf(w, "# %s\n", periodLine(r))
	byID := map[string]*sla.AgreementReport{}
	for _, a := range r.Agreements {
		byID[a.ID] = a
	}
	fmt.Fprintf(w, "\n| Agreement | Type | Party | Tickets | Met | Breached | Attainment | Target | Availability | Target |\n")
	fmt.Fprintf(w, "|---|---|---|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, a := range r.Agreements {
		mark := ""
		if len(a.BelowTarget) > 0 {
			mark = " ⚠"
		}
		fmt.Fprintf(w, "| %s%s | %s | %s | %d | %d | %d | %s | %s | %s | %s |\n", mdCell(a.ID), mark, a.Type, mdCell(a.Party),
			a.Total.Tickets, a.Total.Met, a.Total.Breached, pct(a.Total.Attainment, 1), target(a.AttainmentTarget),
			pct(availPct(a.Availability), 2), target(a.AvailabilityTarget))
	}
	for _, a := range r.Agreements {
		fmt.Fprintf(w, "\n## %s\n\n", mdCell(agreementHeading(a)))
		fmt.Fprintf(w, "| Priority | Tickets | Met | Breached | Near | Open | Attainment | Response / resolution target |\n")
		fmt.Fprintf(w, "|---|--:|--:|--:|--:|--:|--:|---|\n")
		for _, p := range a.Priorities {
			fmt.Fprintf(w, "| %s | %d | %d | %d | %d | %d | %s | %s |\n", p.Priority, p.Tickets, p.Met, p.Breached, p.Near, p.Open, pct(p.Attainment, 1), mdCell(targetsOf(p)))
		}
		t := a.Total
		fmt.Fprintf(w, "| **all** | %d | %d | %d | %d | %d | %s | |\n", t.Tickets, t.Met, t.Breached, t.Near, t.Open, pct(t.Attainment, 1))
		if len(a.Months) > 1 {
			fmt.Fprintf(w, "\n| Month | Tickets | Breached | Attainment | Availability | Below target |\n|---|--:|--:|--:|--:|---|\n")
			for _, m := range a.Months {
				fmt.Fprintf(w, "| %s | %d | %d | %s | %s | %s |\n", m.Month, m.Tickets, m.Breached, pct(m.Attainment, 1), pct(availPct(m.Availability), 2), strings.Join(m.BelowTarget, ", "))
			}
		}
		if len(a.Worst) > 0 {
			fmt.Fprintf(w, "\nWorst cases:\n\n")
			for _, c := range a.Worst {
				fmt.Fprintf(w, "- %s\n", mdCell(caseLine(c)))
			}
		}
		if len(a.UnderpinnedBy) > 0 {
			fmt.Fprintf(w, "\nUnderpinned by:\n\n")
			for _, id := range a.UnderpinnedBy {
				fmt.Fprintf(w, "- %s\n", mdCell(supportLine(byID[id])))
			}
		}
		if len(a.Tickets) > 0 {
			fmt.Fprintf(w, "\nTickets:\n\n")
			for _, t := range a.Tickets {
				fmt.Fprintf(w, "- %s\n", mdCell(ticketLine(t)))
			}
		}
	}
	if len(r.Services) > 0 {
		fmt.Fprintf(w, "\n## Availability per service\n\nOutages of the services each depends on included.\n\n")
		fmt.Fprintf(w, "| Service | Availability | Target | Downtime | Own outages |\n|---|--:|--:|--:|--:|\n")
		for _, s := range r.Services {
			av := s.Total
			if av == nil {
				fmt.Fprintf(w, "| %s | - | | | |\n", mdCell(s.ID))
				continue
			}
			own := ""
			if av.Direct != nil {
				own = Dur(av.Direct.Duration())
			}
			mark := ""
			if av.Met != nil && !*av.Met {
				mark = " ⚠"
			}
			fmt.Fprintf(w, "| %s%s | %s | %s | %s | %s |\n", mdCell(s.ID), mark, pct(&av.Percent, 3), target(av.Target), Dur(av.Downtime.Duration()), own)
		}
	}
	for _, p := range r.Problems {
		fmt.Fprintf(w, "\n> not measured: %s\n", mdCell(p))
	}
	return nil
}
