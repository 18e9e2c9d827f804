package sla

import (
	"os"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/smsctl/smsctl/internal/records"
)

func incident(opened, ack, resolved, prio string, extra string) string {
	s := `{"title": "x", "services": ["web"], "customer": "shop", "impact": "high", "urgency": "high", "status": "closed", "priority": "` + prio + `", "opened": "` + opened + `"`
	if ack != "" {
		s += `, "acknowledged": "` + ack + `"`
	}
	if resolved != "" {
		s += `, "resolved": "` + resolved + `"`
	}
	return s + extra + "}"
}

func measure(t *testing.T, d *Data, from, to, asOf string, opts Options) *Report {
	t.Helper()
	opts.From, opts.To, opts.AsOf = from, to, ts(t, asOf)
	r, err := Measure(d, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func find(t *testing.T, r *Report, id string) *AgreementReport {
	t.Helper()
	for _, a := range r.Agreements {
		if a.ID == id {
			return a
		}
	}
	t.Fatalf("no agreement %s in the report", id)
	return nil
}

// A ticket counts once: a breach in the month it happened, a met ticket in
// the month its clock stopped, an open one nowhere until it is decided.
func TestPeriodAttribution(t *testing.T) {
	d := Load(repoOf(t, map[string]string{
		"sms/sms":           smsJSON,
		"agreement/sla-web": agreementJSON("24x7", `, "attainment_target": 95`),
		// 4h P1 target from 18:00 on 31 October: breached at 22:00, in
		// October, though resolved in November.
		"incident/INC-2026-0001": incident("2026-10-31T18:00:00Z", "2026-10-31T18:05:00Z", "2026-11-01T02:00:00Z", "P1", ""),
		// 3h30 of 4h, resolved after midnight: open at the end of
		// October, met (a near breach) in November.
		"incident/INC-2026-0002": incident("2026-10-31T21:00:00Z", "2026-10-31T21:05:00Z", "2026-11-01T00:30:00Z", "P1", ""),
		// Met within October.
		"incident/INC-2026-0003": incident("2026-10-10T09:00:00Z", "2026-10-10T09:30:00Z", "2026-10-10T15:00:00Z", "P3", ""),
		// Opened after the moment of measurement: not measured.
		"incident/INC-2026-0004": incident("2026-12-02T09:00:00Z", "", "", "P3", ""),
	}))
	oct := find(t, measure(t, d, "2026-10-01", "2026-10-31", "2026-12-01T12:00:00Z", Options{}), "sla-web")
	want := Tally{Tickets: 2, Met: 1, Breached: 1, ResolutionBreached: 1, Open: 1, AtRisk: 1}
	if got := oct.Total; got.Attainment == nil || *got.Attainment != 50 || !sameCounts(got, want) {
		t.Errorf("October: %+v (attainment %v), want %+v at 50%%", got, deref(got.Attainment), want)
	}
	if !slices.Equal(oct.BelowTarget, []string{"attainment"}) {
		t.Errorf("October below target: %v", oct.BelowTarget)
	}
	nov := find(t, measure(t, d, "2026-11-01", "2026-11-30", "2026-12-01T12:00:00Z", Options{}), "sla-web")
	want = Tally{Tickets: 1, Met: 1, Near: 1}
	if got := nov.Total; !sameCounts(got, want) || len(nov.BelowTarget) != 0 {
		t.Errorf("November: %+v below %v, want %+v", got, nov.BelowTarget, want)
	}
	// Both months at once: the months add up to the total.
	both := find(t, measure(t, d, "2026-10-01", "2026-11-30", "2026-12-01T12:00:00Z", Options{}), "sla-web")
	if len(both.Months) != 2 || both.Months[0].Tickets != 2 || both.Months[1].Tickets != 1 || both.Total.Tickets != 3 || both.Total.Open != 0 {
		t.Errorf("October and November: months %+v, total %+v", both.Months, both.Total)
	}
	// The worst case first: INC-2026-0001's resolution, 8h of 4h.
	if w := both.Worst; len(w) == 0 || w[0].ID != "INC-2026-0001" || w[0].Metric != "resolution" || w[0].Percent != 200 || w[0].Status != "breached" {
		t.Errorf("worst: %+v", both.Worst)
	}
	// By priority: P1 has two tickets, P3 one.
	for _, p := range both.Priorities {
		if n := map[string]int{"P1": 2, "P3": 1}[p.Priority]; p.Tickets != n {
			t.Errorf("%s: %d tickets, want %d", p.Priority, p.Tickets, n)
		}
	}
}

func sameCounts(a, b Tally) bool {
	a.Attainment, b.Attainment = nil, nil
	return a == b
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestAvailabilityRollsUpDependencies(t *testing.T) {
	d := Load(repoOf(t, map[string]string{
		"sms/sms": smsJSON,
		// web depends on db, db on net; net on web closes a cycle, which
		// must not loop.
		"service/web":       `{"name": "Web", "availability_target": 99.9, "depends_on": {"services": ["db"]}}`,
		"service/db":        `{"name": "DB", "availability_target": 99.9, "depends_on": {"services": ["net"]}}`,
		"service/net":       `{"name": "Net", "calendar": "uk-business", "depends_on": {"services": ["web"]}}`,
		"agreement/sla-web": agreementJSON("uk-business", `, "availability_target": 99.5`),
		// db down 1h on Monday 5 October 10:00-11:00 UTC (11:00-12:00 BST);
		// net down 30m on Tuesday 6 October 10:00-10:30 UTC and 1h on
		// Saturday 10 October, outside business hours.
		"incident/INC-2026-0001": incident("2026-10-05T10:00:00Z", "2026-10-05T10:05:00Z", "2026-10-05T11:00:00Z", "P4",
			`, "outage": {"start": "2026-10-05T10:00:00Z", "end": "2026-10-05T11:00:00Z", "services": ["db"]}`),
		"incident/INC-2026-0002": incident("2026-10-06T10:00:00Z", "2026-10-06T10:05:00Z", "2026-10-06T10:30:00Z", "P4",
			`, "outage": {"start": "2026-10-06T10:00:00Z", "end": "2026-10-06T10:30:00Z", "services": ["net"]}`),
		"incident/INC-2026-0003": incident("2026-10-10T10:00:00Z", "2026-10-10T10:05:00Z", "2026-10-10T11:00:00Z", "P4",
			`, "outage": {"start": "2026-10-10T10:00:00Z", "end": "2026-10-10T11:00:00Z", "services": ["net"]}`),
	}))
	r := measure(t, d, "2026-10-01", "2026-10-31", "2026-12-01T00:00:00Z", Options{})
	svc := map[string]*ServiceReport{}
	for _, s := range r.Services {
		svc[s.ID] = s
	}
	// web, around the clock in UTC: 744h in October, down 2h30 through
	// its dependencies, none of it its own.
	web := svc["web"].Total
	if web.ServiceTime != Seconds(744*3600) || web.Downtime != Seconds(9000) || *web.Direct != 0 || web.Percent != 99.664 || *web.Met {
		t.Errorf("web: %+v", web)
	}
	// db: its own hour and net's 1h30.
	if db := svc["db"].Total; db.Downtime != Seconds(9000) || *db.Direct != Seconds(3600) {
		t.Errorf("db: %+v", db)
	}
	// net, in business hours: 22 weekdays of 10h = 220h; down 30m (the
	// Saturday hour is outside business hours; the cycle through web
	// brings db's hour, 11:00-12:00 BST on a Monday).
	if net := svc["net"].Total; net.ServiceTime != Seconds(220*3600) || net.Downtime != Seconds(5400) || *net.Direct != Seconds(1800) {
		t.Errorf("net: %+v", net)
	}
	// The SLA covers web in business hours: 1h + 30m of 220h = 99.318%,
	// below 99.5%.
	a := find(t, r, "sla-web")
	if av := a.Availability; av.ServiceTime != Seconds(220*3600) || av.Downtime != Seconds(5400) || av.Percent != 99.318 || *av.Met {
		t.Errorf("sla-web availability: %+v", av)
	}
	if !slices.Equal(a.BelowTarget, []string{"availability"}) || !slices.Equal(a.Months[0].BelowTarget, []string{"availability"}) {
		t.Errorf("below target: %v, month %v", a.BelowTarget, a.Months[0].BelowTarget)
	}
}

func TestFilters(t *testing.T) {
	d := Load(repoOf(t, map[string]string{
		"sms/sms":                smsJSON,
		"service/web":            `{"name": "Web"}`,
		"service/mail":           `{"name": "Mail"}`,
		"agreement/sla-web":      agreementJSON("24x7", ""),
		"agreement/sla-mail":     `{"type": "SLA", "customer": "other", "services": ["mail"], "period": {"start": "2026-01-01"}, "calendar": "24x7", "targets": {"P3": {"resolution": "1d"}}}`,
		"agreement/ola-ops":      `{"type": "OLA", "team": "ops", "services": ["web", "mail"], "underpins": ["sla-web"], "period": {"start": "2026-01-01"}, "calendar": "24x7", "targets": {"P3": {"resolution": "1d"}}}`,
		"incident/INC-2026-0001": incident("2026-10-05T10:00:00Z", "2026-10-05T10:05:00Z", "2026-10-05T11:00:00Z", "P3", ""),
		// Another customer's mail incident, and one without a customer,
		// which counts for every SLA of its service.
		"incident/INC-2026-0002": `{"services": ["mail"], "customer": "other", "priority": "P3", "status": "closed", "opened": "2026-10-06T10:00:00Z", "resolved": "2026-10-06T12:00:00Z"}`,
		"incident/INC-2026-0003": `{"services": ["mail", "web"], "priority": "P3", "status": "closed", "opened": "2026-10-07T10:00:00Z", "resolved": "2026-10-07T12:00:00Z"}`,
	}))
	counts := func(r *Report) map[string]int {
		m := map[string]int{}
		for _, a := range r.Agreements {
			m[a.ID] = a.Total.Tickets
		}
		return m
	}
	all := measure(t, d, "2026-10-01", "2026-10-31", "2026-12-01T00:00:00Z", Options{})
	if got, want := counts(all), map[string]int{"sla-web": 2, "sla-mail": 2, "ola-ops": 3}; !reflect.DeepEqual(got, want) {
		t.Errorf("all: %v, want %v", got, want)
	}
	if got := find(t, all, "sla-web").UnderpinnedBy; !slices.Equal(got, []string{"ola-ops"}) {
		t.Errorf("sla-web underpinned by %v", got)
	}
	// The customer's SLAs and the OLA under them, with the customer's
	// tickets and those of no customer.
	shop := measure(t, d, "2026-10-01", "2026-10-31", "2026-12-01T00:00:00Z", Options{Customer: "shop"})
	if got, want := counts(shop), map[string]int{"sla-web": 2, "ola-ops": 2}; !reflect.DeepEqual(got, want) {
		t.Errorf("customer shop: %v, want %v", got, want)
	}
	mail := measure(t, d, "2026-10-01", "2026-10-31", "2026-12-01T00:00:00Z", Options{Service: "mail"})
	if got, want := counts(mail), map[string]int{"sla-mail": 2, "ola-ops": 2}; !reflect.DeepEqual(got, want) {
		t.Errorf("service mail: %v, want %v", got, want)
	}
	if len(mail.Services) != 1 || mail.Services[0].ID != "mail" {
		t.Errorf("service mail: services %+v", mail.Services)
	}
	for _, o := range []Options{{Service: "nope"}, {Customer: "nope"}} {
		if _, err := Measure(d, Options{From: "2026-10-01", To: "2026-10-31", AsOf: time.Now(), Service: o.Service, Customer: o.Customer}); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}

func TestProblemsNameTheRecord(t *testing.T) {
	d := Load(repoOf(t, map[string]string{
		"sms/sms":           smsJSON,
		"agreement/sla-web": agreementJSON("nowhere", ""),
		"agreement/sla-bad": `{"type": "SLA", "customer": "x", "services": ["web"], "period": {"start": "2026-01-01"}, "calendar": "24x7", "targets": {"P1": {"resolution": "4 hours"}}}`,
	}))
	sort.Strings(d.Problems)
	want := []string{
		`agreement/sla-bad.cue: targets.P1.resolution: duration "4 hours": want a number and one of min, h, d, w, mo, y`,
		`agreement/sla-web.cue: calendar: no calendar "nowhere" in sms.cue`,
	}
	if !slices.Equal(d.Problems, want) {
		t.Errorf("problems:\n%v\nwant\n%v", d.Problems, want)
	}
}

// The acme example's breaches, as its records describe them.
func TestAcme(t *testing.T) {
	repo, err := records.Load(os.DirFS("../../examples/acme"), records.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := Load(repo)
	if len(d.Problems) > 0 {
		t.Fatalf("problems: %v", d.Problems)
	}
	now := ts(t, "2026-11-23T10:00:00Z")
	r := measure(t, d, "2026-01-01", "2026-09-30", "2026-11-23T10:00:00Z", Options{Worst: 50})
	var got []string
	for _, a := range r.Agreements {
		if a.Type != "SLA" {
			continue
		}
		for _, c := range a.Worst {
			if c.Status == "breached" {
				got = append(got, a.ID+" "+c.ID+" "+c.Metric)
			}
		}
	}
	sort.Strings(got)
	want := []string{
		"sla-globex-hosting INC-2026-0009 response",   // the fibre cut: 27m against 15m
		"sla-globex-hosting INC-2026-0017 resolution", // the major incident: 4h48m against 4h
		"sla-initech INC-2026-0026 resolution",        // June email delays, in business hours
		"sla-initech INC-2026-0041 resolution",        // the calendar ticket left with Mailvault
		"sla-umbrella INC-2026-0012 resolution",       // March: 8h45m against 8h
		"sla-umbrella INC-2026-0018 resolution",       // the shop during the major incident
	}
	if !slices.Equal(got, want) {
		t.Errorf("SLA breaches January to September:\n%v\nwant\n%v", got, want)
	}
	below := map[string][]string{}
	for id, periods := range ClosedPeriods(d, now) {
		for _, p := range periods {
			if len(p.BelowTarget) > 0 {
				below[id] = append(below[id], p.Period+" "+p.BelowTarget[0])
			}
		}
	}
	wantBelow := map[string][]string{
		// 99.32% against 99.5%, as management review MR-0001 reported.
		"sla-globex-hosting": {"2026-04 availability"},
		"sla-initech":        {"2026-06 attainment", "2026-09 attainment"},
		"ola-platform-team":  {"2026-04 availability"},
		// OLAs and UCs answer for their own services' outages: the database
		// in April, the network in February, Mailvault's own in October.
		"uc-stratus-cloud":     {"2026-04 availability"},
		"uc-mailvault":         {"2026-10 availability"},
		"uc-docklands-colo":    {"2026-02 availability"},
		"uc-meridian-networks": {"2026-02 availability"},
	}
	if !reflect.DeepEqual(below, wantBelow) {
		t.Errorf("closed months below target:\n%v\nwant\n%v", below, wantBelow)
	}
}

// A ticket met at the very instant one month ends and the next begins
// counts in the next month only; one met at the moment of measurement
// counts.
func TestBoundaries(t *testing.T) {
	d := Load(repoOf(t, map[string]string{
		"sms/sms":           smsJSON,
		"agreement/sla-web": agreementJSON("24x7", ""),
		// Resolved at midnight London time between October and November
		// (00:00 GMT).
		"incident/INC-2026-0001": incident("2026-10-31T22:00:00Z", "2026-10-31T22:05:00Z", "2026-11-01T00:00:00Z", "P1", ""),
		// Resolved at 23:30 UTC on 30 September, which is 00:30 on 1
		// October in London, the calendar's time zone: October's.
		"incident/INC-2026-0003": incident("2026-09-30T22:00:00Z", "2026-09-30T22:05:00Z", "2026-09-30T23:30:00Z", "P1", ""),
		// Resolved at the moment of measurement.
		"incident/INC-2026-0002": incident("2026-11-20T08:00:00Z", "2026-11-20T08:05:00Z", "2026-11-20T10:00:00Z", "P1", ""),
	}))
	oct := find(t, measure(t, d, "2026-10-01", "2026-10-31", "2026-11-20T10:00:00Z", Options{}), "sla-web")
	nov := find(t, measure(t, d, "2026-11-01", "2026-11-30", "2026-11-20T10:00:00Z", Options{}), "sla-web")
	if oct.Total.Tickets != 1 || oct.Total.Met != 1 || oct.Total.Open != 0 || oct.Worst[0].ID != "INC-2026-0003" {
		t.Errorf("October: %+v, worst %+v; want INC-2026-0003 alone", oct.Total, oct.Worst)
	}
	sep := find(t, measure(t, d, "2026-09-01", "2026-09-30", "2026-11-20T10:00:00Z", Options{}), "sla-web")
	if sep.Total.Tickets != 0 {
		t.Errorf("September: %+v, want nothing", sep.Total)
	}
	if nov.Total.Tickets != 2 || nov.Total.Met != 2 {
		t.Errorf("November: %+v, want both tickets met", nov.Total)
	}
}

// A ticket whose timestamps contradict each other cannot show that it met
// its targets: once decided it counts as breached, and as inconsistent.
func TestInconsistentTicketIsNotMet(t *testing.T) {
	d := Load(repoOf(t, map[string]string{
		"sms/sms":           smsJSON,
		"agreement/sla-web": agreementJSON("24x7", `, "attainment_target": 95`),
		// Resolved before it was opened: the clock would read zero.
		"incident/INC-2026-0001": incident("2026-10-10T09:00:00Z", "", "2026-10-10T08:00:00Z", "P1", ""),
		// Acknowledged before it was opened.
		"incident/INC-2026-0002": incident("2026-10-11T09:00:00Z", "2026-10-11T08:00:00Z", "2026-10-11T10:00:00Z", "P1", ""),
		// Closed before it was resolved.
		"incident/INC-2026-0003": incident("2026-10-12T09:00:00Z", "2026-10-12T09:05:00Z", "2026-10-12T10:00:00Z", "P1", `, "closed": "2026-10-12T09:30:00Z"`),
		// A pause still running after the ticket was resolved.
		"incident/INC-2026-0004": incident("2026-10-13T09:00:00Z", "2026-10-13T09:05:00Z", "2026-10-13T10:00:00Z", "P1",
			`, "pauses": [{"start": "2026-10-13T09:10:00Z", "reason": "awaiting-customer"}]`),
		// Consistent and met: the edge case, with times that coincide
		// and a pause that ends at the resolution.
		"incident/INC-2026-0005": incident("2026-10-14T09:00:00Z", "2026-10-14T09:00:00Z", "2026-10-14T10:00:00Z", "P1",
			`, "closed": "2026-10-14T10:00:00Z", "pauses": [{"start": "2026-10-14T09:30:00Z", "end": "2026-10-14T10:00:00Z", "reason": "awaiting-customer"}]`),
	}))
	r := find(t, measure(t, d, "2026-10-01", "2026-10-31", "2026-11-20T10:00:00Z", Options{Tickets: true}), "sla-web")
	want := Tally{Tickets: 5, Met: 1, Breached: 4, Inconsistent: 4}
	if got := r.Total; !sameCounts(got, want) || got.Inconsistent != 4 || got.Attainment == nil || *got.Attainment != 20 {
		t.Errorf("October: %+v (attainment %v), want %+v at 20%%", got, deref(got.Attainment), want)
	}
	why := map[string]string{}
	for _, row := range r.Tickets {
		why[row.ID] = row.Status + ": " + row.Inconsistent
	}
	wantWhy := map[string]string{
		"INC-2026-0001": "breached: resolved before opened",
		"INC-2026-0002": "breached: acknowledged before opened",
		"INC-2026-0003": "breached: closed before resolved",
		"INC-2026-0004": "breached: pauses[0] has no end though the ticket is resolved",
		"INC-2026-0005": "met: ",
	}
	if !reflect.DeepEqual(why, wantWhy) {
		t.Errorf("tickets:\n%v\nwant\n%v", why, wantWhy)
	}
}

// A cancelled incident or a withdrawn request is kept as a record but not
// measured: it would otherwise run open, and breach, for ever.
func TestCancelledTicketsAreNotMeasured(t *testing.T) {
	d := Load(repoOf(t, map[string]string{
		"sms/sms":                smsJSON,
		"agreement/sla-web":      agreementJSON("24x7", ""),
		"incident/INC-2026-0001": `{"title": "x", "services": ["web"], "customer": "shop", "impact": "high", "urgency": "high", "status": "cancelled", "priority": "P1", "opened": "2026-10-10T09:00:00Z"}`,
		"incident/INC-2026-0002": incident("2026-10-11T09:00:00Z", "2026-10-11T09:05:00Z", "2026-10-11T10:00:00Z", "P1", ""),
	}))
	r := find(t, measure(t, d, "2026-10-01", "2026-10-31", "2026-11-20T10:00:00Z", Options{}), "sla-web")
	if want := (Tally{Tickets: 1, Met: 1}); !sameCounts(r.Total, want) {
		t.Errorf("October: %+v, want %+v", r.Total, want)
	}
}
