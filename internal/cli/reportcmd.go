package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/smsctl/smsctl/internal/records"
	"github.com/smsctl/smsctl/internal/render"
	"github.com/smsctl/smsctl/internal/sla"
)

func newReportCmd(env *Env, g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Service reports measured from the records",
		Example: `  smsctl report sla --period 2026-10
  smsctl report sla --from 2026-01-01 --to 2026-09-30 -o html > sla.html`,
	}
	cmd.AddCommand(newReportSLACmd(env, g))
	return cmd
}

type reportSLAOptions struct {
	period, from, to string
	now, rev, output string
	failBelow        bool
	opts             sla.Options
}

func newReportSLACmd(env *Env, g *globals) *cobra.Command {
	o := &reportSLAOptions{}
	cmd := &cobra.Command{
		Use:   "sla [--period P | --from DATE --to DATE] [--service S] [--customer C]",
		Short: "SLA, OLA and UC attainment and availability per agreement, priority and month",
		Long: `Report sla measures every incident and service request against the agreements
that cover its services (an SLA also by its customer; a ticket without a
customer counts for every SLA of its services), in each agreement's
calendar from sms.cue: business hours in the calendar's time zone, holidays
excluded, and pauses excluded when their reason is one of the agreement's
pause_conditions. Response runs from opened to the first of acknowledged
and resolved, resolution from opened to resolved (fulfilled for a
request), each against the target of the priority the ticket held when its
clock stopped. A met target at 75% or more is a near breach. A breach
counts in the month the target was exceeded; a met ticket in the month its
clock stopped; a ticket still within target at the end of the period is
open and counts in no attainment yet.

Availability comes from incidents' outage (start, end, services), counted
in the agreement's (or the service's) calendar against its
availability_target. A service is down while a service it depends on is;
an SLA counts these outages of its services' dependencies too, an OLA or
UC only its own services' outages.

Per agreement and priority the report gives tickets, met, breached, near
breaches, open (and at risk: past 75% of a target), attainment (met /
tickets), the worst cases, the months below target, and beside each SLA
the OLAs and UCs that underpin it. --tickets lists every measured ticket
with its clocks, for an auditor's sample.

The period is --period YYYY-MM, YYYY-QN or YYYY, or --from and --to (dates,
inclusive); the default is the last complete month. Nothing after --now
(default: the clock) counts. --service and --customer narrow the report.

Output: text, json, csv, markdown, or html (one self-contained page with
SVG charts, for the service report or an audit's evidence).

Exit codes: 0 reported (breaches are results, not errors; with
--fail-below-target, 1 when an agreement fell below its attainment or
availability target), 2 usage, 3 could not run.`,
		Example: `  # last month, for people
  smsctl report sla

  # October 2026 for one customer, as a page to send them
  smsctl report sla --period 2026-10 --customer globex -o html > globex-2026-10.html

  # the year to date, month by month, as data
  smsctl report sla --from 2026-01-01 --to 2026-09-30 -o csv > sla.csv

  # one service, as it stood at a tag
  smsctl report sla --period 2026-Q2 --service managed-database --rev audit-2026

  # every ticket's clocks, for an auditor's sample
  smsctl report sla --period 2026 --tickets -o csv > tickets.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return reportSLARun(env, g, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.period, "period", "", "the period: `YYYY-MM`, YYYY-QN or YYYY (default: the last complete month)")
	f.StringVar(&o.from, "from", "", "first day of the period, `YYYY-MM-DD` (with --to)")
	f.StringVar(&o.to, "to", "", "last day of the period, `YYYY-MM-DD` (with --from)")
	f.StringVar(&o.opts.Service, "service", "", "only agreements, tickets and outages of service `S`")
	f.StringVar(&o.opts.Customer, "customer", "", "only customer `C`'s SLAs, the OLAs and UCs under them, and C's tickets")
	f.IntVar(&o.opts.Worst, "worst", 5, "list the `N` worst cases per agreement")
	f.BoolVar(&o.opts.Tickets, "tickets", false, "list every measured ticket per agreement (csv: one row per ticket and agreement instead of the summary)")
	f.StringVar(&o.now, "now", "", "the moment of measurement (RFC 3339 or YYYY-MM-DD; default: the clock)")
	f.StringVar(&o.rev, "rev", "", "read the records of Git revision `REV` instead of the work tree")
	f.BoolVar(&o.failBelow, "fail-below-target", false, "exit 1 when an agreement fell below its attainment or availability target")
	outputFlag(cmd, &o.output, render.SLAFormats...)
	return cmd
}

var (
	monthRE   = regexp.MustCompile(`^([0-9]{4})-(0[1-9]|1[0-2])$`)
	quarterRE = regexp.MustCompile(`^([0-9]{4})-Q([1-4])$`)
	yearRE    = regexp.MustCompile(`^[0-9]{4}$`)
)

// periodDates turns --period, or --from and --to, into the first and last
// day; without any, the last complete month before now.
func periodDates(o *reportSLAOptions, now time.Time) (string, string, error) {
	if o.period != "" && (o.from != "" || o.to != "") {
		return "", "", usageErrorf("give --period or --from and --to, not both")
	}
	if (o.from == "") != (o.to == "") {
		return "", "", usageErrorf("--from and --to go together")
	}
	if o.from != "" {
		for _, d := range []struct{ flag, v string }{{"from", o.from}, {"to", o.to}} {
			if _, err := time.Parse(time.DateOnly, d.v); err != nil {
				return "", "", usageErrorf("--%s %q: give a YYYY-MM-DD date", d.flag, d.v)
			}
		}
		if o.to < o.from {
			return "", "", usageErrorf("--to %s is before --from %s", o.to, o.from)
		}
		return o.from, o.to, nil
	}
	var first time.Time
	months := 1
	switch p := o.period; {
	case p == "":
		n := now.UTC()
		first = time.Date(n.Year(), n.Month()-1, 1, 0, 0, 0, 0, time.UTC)
	case monthRE.MatchString(p):
		first, _ = time.Parse("2006-01", p)
	case quarterRE.MatchString(p):
		m := quarterRE.FindStringSubmatch(p)
		y, _ := strconv.Atoi(m[1])
		q, _ := strconv.Atoi(m[2])
		first, months = time.Date(y, time.Month(3*q-2), 1, 0, 0, 0, 0, time.UTC), 3
	case yearRE.MatchString(p):
		first, _ = time.Parse("2006", p)
		months = 12
	default:
		return "", "", usageErrorf("--period %q: give YYYY-MM, YYYY-QN or YYYY", p)
	}
	last := first.AddDate(0, months, -1)
	return first.Format(time.DateOnly), last.Format(time.DateOnly), nil
}

func reportSLARun(env *Env, g *globals, o *reportSLAOptions) error {
	now, err := parseNow(env, o.now)
	if err != nil {
		return err
	}
	if o.opts.Worst < 0 {
		return usageErrorf("--worst %d: give 0 or more", o.opts.Worst)
	}
	from, to, err := periodDates(o, now)
	if err != nil {
		return err
	}
	dir := g.repoDir(env)
	display := g.chdir
	if display == "" {
		display = "."
	}
	fsys, _, err := openSMS(dir, display, o.rev)
	if err != nil {
		return err
	}
	repo, err := records.Load(fsys, records.Options{ConcurrentReads: o.rev == ""})
	if err != nil {
		if errors.Is(err, records.ErrNotSMS) {
			return fmt.Errorf("%s: %w", filepath.Clean(display), err)
		}
		return err
	}
	invalid := 0
	for _, r := range repo.Records {
		if !r.Valid && (r.Kind == "incident" || r.Kind == "request" || r.Kind == "agreement" || r.Kind == "service" || r.Kind == "sms") {
			invalid++
		}
	}
	if invalid > 0 {
		fmt.Fprintf(env.Stderr, "smsctl: %d records with schema errors are left out of the report; smsctl validate lists them\n", invalid)
	}
	o.opts.From, o.opts.To, o.opts.AsOf = from, to, now
	if o.opts.Worst == 0 {
		o.opts.Worst = -1
	}
	report, err := sla.Measure(sla.Load(repo), o.opts)
	if err != nil {
		return usageErrorf("%v", err)
	}
	if err := render.WriteSLAReport(env.Stdout, o.output, report); err != nil {
		return err
	}
	if o.failBelow {
		for _, a := range report.Agreements {
			if len(a.BelowTarget) > 0 {
				return errFindings
			}
			for _, m := range a.Months {
				if len(m.BelowTarget) > 0 {
					return errFindings
				}
			}
		}
	}
	return nil
}
