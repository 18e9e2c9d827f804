package sla

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"time"
)

// Options select what a report measures.
type Options struct {
	// From and To are the first and last day of the period (YYYY-MM-DD,
	// inclusive), each read in the time zone of the agreement's or the
	// service's calendar.
	From, To string
	// AsOf is the moment of measurement (now): nothing after it counts.
	AsOf time.Time
	// Service keeps the agreements that cover this service and, in them,
	// the tickets and outages of this service.
	Service string
	// Customer keeps this customer's SLAs, the OLAs and UCs that underpin
	// them, and the tickets of this customer or of none.
	Customer string
	// Worst is how many worst cases to list per agreement: 5 when zero,
	// none when negative.
	Worst int
	// Tickets lists every measured ticket of each agreement, for an
	// auditor's sample.
	Tickets bool
}

// Report is service level attainment over a period.
type Report struct {
	From     string    `json:"from"`
	To       string    `json:"to"`
	AsOf     time.Time `json:"as_of"`
	Service  string    `json:"service,omitempty"`
	Customer string    `json:"customer,omitempty"`
	// Months are the calendar months the period touches, YYYY-MM.
	Months     []string           `json:"months"`
	Agreements []*AgreementReport `json:"agreements"`
	Services   []*ServiceReport   `json:"services"`
	// Problems are records that could not be measured.
	Problems []string `json:"problems,omitempty"`
}

// Tally counts tickets by outcome.
type Tally struct {
	// Tickets are the decided ones: met and breached.
	Tickets  int `json:"tickets"`
	Met      int `json:"met"`
	Near     int `json:"near_breaches"`
	Breached int `json:"breached"`
	// Inconsistent are the breached tickets whose timestamps contradict
	// each other: counted as breached whatever their clocks say.
	Inconsistent       int `json:"inconsistent,omitempty"`
	ResponseBreached   int `json:"response_breaches"`
	ResolutionBreached int `json:"resolution_breaches"`
	// Open are tickets still within target at the end of the period;
	// AtRisk those of them at 75% or more of a target.
	Open   int `json:"open"`
	AtRisk int `json:"at_risk"`
	// Attainment is the share of decided tickets that met every target,
	// in percent; absent when none was decided.
	Attainment *float64 `json:"attainment"`
}

func (t *Tally) add(o *Outcome) {
	switch o.Status {
	case Open:
		t.Open++
		if o.Near {
			t.AtRisk++
		}
		return
	case Met:
		t.Met++
		if o.Near {
			t.Near++
		}
	case Breached:
		t.Breached++
		if o.Inconsistent {
			t.Inconsistent++
		}
		for _, c := range o.Clocks {
			if c.Breached {
				if c.Metric == "response" {
					t.ResponseBreached++
				} else {
					t.ResolutionBreached++
				}
			}
		}
	}
	t.Tickets++
}

func (t *Tally) merge(u *Tally) {
	t.Tickets += u.Tickets
	t.Met += u.Met
	t.Near += u.Near
	t.Breached += u.Breached
	t.Inconsistent += u.Inconsistent
	t.ResponseBreached += u.ResponseBreached
	t.ResolutionBreached += u.ResolutionBreached
	t.Open += u.Open
	t.AtRisk += u.AtRisk
}

func (t *Tally) finish() {
	if t.Tickets > 0 {
		v := round(100 * float64(t.Met) / float64(t.Tickets))
		t.Attainment = &v
	}
}

func round(v float64) float64 { return math.Round(v*1000) / 1000 }

// AgreementReport is one agreement's attainment over the period.
type AgreementReport struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Title    string `json:"title"`
	Party    string `json:"party"`
	Calendar string `json:"calendar"`
	// Underpins are the SLAs an OLA or UC supports; UnderpinnedBy the
	// OLAs and UCs that support an SLA (those in the report).
	Underpins          []string         `json:"underpins,omitempty"`
	UnderpinnedBy      []string         `json:"underpinned_by,omitempty"`
	AttainmentTarget   *float64         `json:"attainment_target,omitempty"`
	AvailabilityTarget *float64         `json:"availability_target,omitempty"`
	Total              Tally            `json:"total"`
	Priorities         []PriorityReport `json:"priorities"`
	Months             []MonthReport    `json:"months"`
	Availability       *Availability    `json:"availability,omitempty"`
	// Worst are the measured targets with the highest share of their
	// target used, breaches first.
	Worst []Case `json:"worst"`
	// BelowTarget names what fell short over the period: "attainment",
	// "availability".
	BelowTarget []string `json:"below_target,omitempty"`
	// Tickets are the measured tickets, by ID, with Options.Tickets.
	Tickets []TicketRow `json:"tickets,omitempty"`
}

// TicketRow is one ticket measured against one agreement.
type TicketRow struct {
	Kind     string `json:"kind"`
	ID       string `json:"id"`
	Priority string `json:"priority"`
	// Status is met, breached or open.
	Status string `json:"status"`
	// Month is the month it counts in.
	Month string    `json:"month"`
	At    time.Time `json:"at"`
	Near  bool      `json:"near,omitempty"`
	// Inconsistent says why the ticket's timestamps contradict each
	// other, when they do (it then counts as breached).
	Inconsistent string `json:"inconsistent,omitempty"`
	Clocks       []Case `json:"clocks"`
}

// PriorityReport is one priority's tally with its targets.
type PriorityReport struct {
	Priority   string `json:"priority"`
	Response   string `json:"response_target,omitempty"`
	Resolution string `json:"resolution_target,omitempty"`
	Tally
}

// MonthReport is one month's tally and availability.
type MonthReport struct {
	Month string `json:"month"`
	Tally
	Availability *Availability `json:"availability,omitempty"`
	BelowTarget  []string      `json:"below_target,omitempty"`
}

// Availability is measured service time against downtime.
type Availability struct {
	// Percent is the share of service time without an outage.
	Percent     float64  `json:"percent"`
	Target      *float64 `json:"target,omitempty"`
	Met         *bool    `json:"met,omitempty"`
	ServiceTime Seconds  `json:"service_time_s"`
	Downtime    Seconds  `json:"downtime_s"`
	// Direct is the downtime from the service's own outages, before
	// those of the services it depends on are added (services only).
	Direct *Seconds `json:"direct_downtime_s,omitempty"`
}

// Seconds is a duration that JSON writes as whole seconds.
type Seconds int64

// Duration converts back.
func (s Seconds) Duration() time.Duration { return time.Duration(s) * time.Second }

// Case is one measured target of one ticket.
type Case struct {
	Kind     string  `json:"kind"`
	ID       string  `json:"id"`
	Priority string  `json:"priority"`
	Metric   string  `json:"metric"`
	Status   string  `json:"status"`
	Elapsed  Seconds `json:"elapsed_s"`
	Target   Seconds `json:"target_s"`
	Percent  float64 `json:"percent_of_target"`
	// At is when the clock stopped, or when the target was exceeded;
	// absent while it runs within target.
	At time.Time `json:"at,omitzero"`
}

// ServiceReport is a service's availability, its dependencies' outages
// included.
type ServiceReport struct {
	ID        string        `json:"id"`
	Name      string        `json:"name"`
	Calendar  string        `json:"calendar"`
	DependsOn []string      `json:"depends_on,omitempty"`
	Total     *Availability `json:"availability"`
	Months    []struct {
		Month        string        `json:"month"`
		Availability *Availability `json:"availability"`
	} `json:"months"`
}

// utc runs around the clock in UTC: the calendar of a service that names
// none.
var utc = &Calendar{ID: "", Location: time.UTC, day: 24 * time.Hour, week: 7 * 24 * time.Hour}

// window is a period's bounds in one time zone, clipped to the moment of
// measurement, with its month starts.
type window struct {
	start, end time.Time // end clipped to asOf
	limit      time.Time // end, unclipped
	months     []time.Time
}

func newWindow(from, to civilDate, loc *time.Location, asOf time.Time) window {
	w := window{
		start: time.Date(from.y, from.m, from.d, 0, 0, 0, 0, loc),
		end:   time.Date(to.y, to.m, to.d+1, 0, 0, 0, 0, loc),
	}
	for m := time.Date(from.y, from.m, 1, 0, 0, 0, 0, loc); m.Before(w.end); m = m.AddDate(0, 1, 0) {
		w.months = append(w.months, m)
	}
	w.limit = w.end
	if asOf.Before(w.end) {
		w.end = asOf
	}
	return w
}

// month is the index of the month t falls in, or -1.
//
// The window is half-open: an outcome decided at the instant the period
// ends belongs to the next period, so a ticket is counted once.
func (w *window) month(t time.Time) int {
	if t.Before(w.start) || !t.Before(w.limit) || t.After(w.end) {
		return -1
	}
	return sort.Search(len(w.months), func(i int) bool { return w.months[i].After(t) }) - 1
}

// outcomeMonth is the month an outcome counts in: the month it was
// decided, or the last month while it is open (At is the moment of
// measurement then, the end of the window).
func (w *window) outcomeMonth(o *Outcome) int {
	if o.Status == Open {
		return w.month(w.end.Add(-time.Nanosecond))
	}
	return w.month(o.At)
}

// bounds are month i's bounds within the window.
func (w *window) bounds(i int) (time.Time, time.Time) {
	a := maxTime(w.months[i], w.start)
	b := w.end
	if i+1 < len(w.months) {
		b = minTime(w.months[i+1], w.end)
	}
	return a, b
}

func parseDay(field, s string) (civilDate, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return civilDate{}, fmt.Errorf("%s %q: give a YYYY-MM-DD date", field, s)
	}
	return dateOf(t), nil
}

// agreementAcc accumulates one agreement's outcomes.
type agreementAcc struct {
	months  [][5]Tally // per month, per priority
	worst   []Case
	tickets []TicketRow
}

// Measure builds the report of d over the period of opts.
func Measure(d *Data, opts Options) (*Report, error) {
	from, err := parseDay("from", opts.From)
	if err != nil {
		return nil, err
	}
	to, err := parseDay("to", opts.To)
	if err != nil {
		return nil, err
	}
	if time.Date(to.y, to.m, to.d, 0, 0, 0, 0, time.UTC).Before(time.Date(from.y, from.m, from.d, 0, 0, 0, 0, time.UTC)) {
		return nil, fmt.Errorf("the period ends (%s) before it starts (%s)", opts.To, opts.From)
	}
	if opts.Worst == 0 {
		opts.Worst = 5
	}
	if opts.Service != "" && d.Services[opts.Service] == nil {
		return nil, fmt.Errorf("no service %q", opts.Service)
	}
	r := &Report{From: opts.From, To: opts.To, AsOf: opts.AsOf, Service: opts.Service, Customer: opts.Customer, Problems: d.Problems}
	for _, m := range newWindow(from, to, time.UTC, time.Date(to.y, to.m, to.d+1, 0, 0, 0, 0, time.UTC)).months {
		r.Months = append(r.Months, m.Format("2006-01"))
	}

	agreements := selectAgreements(d, opts)
	if opts.Customer != "" {
		found := false
		for _, a := range agreements {
			found = found || a.Type == "SLA"
		}
		if !found {
			return nil, fmt.Errorf("no SLA with customer %q", opts.Customer)
		}
	}
	windows := make([]window, len(agreements))
	byService := map[string][]int{}
	for i, a := range agreements {
		windows[i] = newWindow(from, to, a.Calendar.Location, opts.AsOf)
		for _, s := range a.Services {
			if opts.Service == "" || s == opts.Service {
				byService[s] = append(byService[s], i)
			}
		}
	}

	// Measure the tickets in parallel, each worker into its own
	// accumulators.
	type part struct{ accs []agreementAcc }
	newPart := func() *part {
		p := &part{accs: make([]agreementAcc, len(agreements))}
		for i := range p.accs {
			p.accs[i].months = make([][5]Tally, len(windows[i].months))
		}
		return p
	}
	var parts []*part
	partc := make(chan *part, 64)
	done := make(chan struct{})
	go func() {
		for p := range partc {
			parts = append(parts, p)
		}
		close(done)
	}()
	parallel(len(d.Tickets), func(lo, hi int) {
		p := newPart()
		seen := make([]int, 0, 8)
		for _, t := range d.Tickets[lo:hi] {
			if opts.Customer != "" && t.Customer != "" && t.Customer != opts.Customer {
				continue
			}
			seen = seen[:0]
			for _, s := range t.Services {
				for _, ai := range byService[s] {
					if !slices.Contains(seen, ai) {
						seen = append(seen, ai)
					}
				}
			}
			for _, ai := range seen {
				a := agreements[ai]
				if a.Type == "SLA" && t.Customer != "" && t.Customer != a.Customer {
					continue
				}
				if !a.inForce(t.Opened) {
					continue
				}
				w := &windows[ai]
				o, ok := Evaluate(a, t, w.end)
				if !ok {
					continue
				}
				mi := w.outcomeMonth(&o)
				if mi < 0 {
					continue
				}
				acc := &p.accs[ai]
				pi := priorityIndex(o.Priority)
				acc.months[mi][pi].add(&o)
				if opts.Worst > 0 {
					for _, c := range o.Clocks {
						acc.worst = addWorst(acc.worst, caseOf(t, c), opts.Worst)
					}
				}
				if opts.Tickets {
					row := TicketRow{Kind: t.Kind, ID: t.ID, Priority: o.Priority, Status: o.Status.String(),
						Month: w.months[mi].Format("2006-01"), At: o.At, Near: o.Near}
					if o.Inconsistent {
						row.Inconsistent = t.Inconsistent
					}
					for _, c := range o.Clocks {
						row.Clocks = append(row.Clocks, caseOf(t, c))
					}
					acc.tickets = append(acc.tickets, row)
				}
			}
		}
		partc <- p
	})
	close(partc)
	<-done

	reports := map[string]*AgreementReport{}
	for i, a := range agreements {
		ar := &AgreementReport{
			ID: a.ID, Type: a.Type, Title: a.Title, Party: a.Party(), Calendar: a.CalendarID,
			Underpins: a.Underpins, AttainmentTarget: a.AttainmentTarget, AvailabilityTarget: a.AvailabilityTarget,
		}
		w := &windows[i]
		var byPrio [5]Tally
		ar.Months = make([]MonthReport, len(w.months))
		for mi := range w.months {
			ar.Months[mi].Month = w.months[mi].Format("2006-01")
			for pi := range 5 {
				for _, p := range parts {
					byPrio[pi].merge(&p.accs[i].months[mi][pi])
					ar.Months[mi].merge(&p.accs[i].months[mi][pi])
				}
			}
			ar.Months[mi].finish()
		}
		for pi, p := range Priorities {
			t, ok := a.Targets[p]
			if !ok && byPrio[pi].Tickets+byPrio[pi].Open == 0 {
				continue
			}
			pr := PriorityReport{Priority: p, Response: t.Response, Resolution: t.Resolution, Tally: byPrio[pi]}
			pr.finish()
			ar.Priorities = append(ar.Priorities, pr)
			ar.Total.merge(&byPrio[pi])
		}
		ar.Total.finish()
		var worst []Case
		for _, p := range parts {
			for _, c := range p.accs[i].worst {
				worst = addWorst(worst, c, opts.Worst)
			}
		}
		ar.Worst = worst
		if opts.Tickets {
			ar.Tickets = []TicketRow{}
		}
		for _, p := range parts {
			ar.Tickets = append(ar.Tickets, p.accs[i].tickets...)
		}
		sort.Slice(ar.Tickets, func(x, y int) bool {
			if ar.Tickets[x].ID != ar.Tickets[y].ID {
				return ar.Tickets[x].ID < ar.Tickets[y].ID
			}
			return ar.Tickets[x].Kind < ar.Tickets[y].Kind
		})
		if ar.Worst == nil {
			ar.Worst = []Case{}
		}
		reports[a.ID] = ar
		r.Agreements = append(r.Agreements, ar)
	}

	// Availability, dependencies rolled up.
	down := outages(d, opts.AsOf)
	eff := effectiveOutages(d, down)
	for i, a := range agreements {
		ar := reports[a.ID]
		// An SLA is the customer's view: its services' outages and those
		// of what they depend on. An OLA or UC answers for its own
		// services' outages alone.
		src := eff
		if a.Type != "SLA" {
			src = down
		}
		var iv []Interval
		for _, s := range a.Services {
			if opts.Service == "" || s == opts.Service {
				iv = append(iv, src[s]...)
			}
		}
		iv = Merge(iv)
		w := windows[i]
		clip := func(x, y time.Time) (time.Time, time.Time) {
			return maxTime(x, a.Start), minNonZero(y, a.End)
		}
		ws, we := clip(w.start, w.end)
		ar.Availability = availability(a.Calendar, iv, ws, we)
		setTarget(ar.Availability, a.AvailabilityTarget)
		for mi := range w.months {
			ms, me := clip(w.bounds(mi))
			av := availability(a.Calendar, iv, ms, me)
			setTarget(av, a.AvailabilityTarget)
			ar.Months[mi].Availability = av
			ar.Months[mi].BelowTarget = below(&ar.Months[mi].Tally, av, a.AttainmentTarget)
		}
		ar.BelowTarget = below(&ar.Total, ar.Availability, a.AttainmentTarget)
	}
	for _, ar := range r.Agreements {
		for _, u := range ar.Underpins {
			if sla := reports[u]; sla != nil {
				sla.UnderpinnedBy = append(sla.UnderpinnedBy, ar.ID)
			}
		}
	}
	sort.SliceStable(r.Agreements, func(i, j int) bool {
		return typeOrder(r.Agreements[i].Type) < typeOrder(r.Agreements[j].Type)
	})

	for _, id := range selectServices(d, opts, agreements) {
		s := d.Services[id]
		cal := s.Calendar
		if cal == nil {
			cal = utc
		}
		sr := &ServiceReport{ID: id, Name: s.Name, Calendar: s.CalendarID, DependsOn: s.DependsOn.Services}
		w := newWindow(from, to, cal.Location, opts.AsOf)
		direct := Merge(slices.Clone(down[id]))
		sr.Total = availability(cal, eff[id], w.start, w.end)
		setTarget(sr.Total, s.AvailabilityTarget)
		if sr.Total != nil {
			dd := Seconds(downtime(cal, direct, w.start, w.end) / time.Second)
			sr.Total.Direct = &dd
		}
		for mi := range w.months {
			ms, me := w.bounds(mi)
			av := availability(cal, eff[id], ms, me)
			setTarget(av, s.AvailabilityTarget)
			if av != nil {
				dd := Seconds(downtime(cal, direct, ms, me) / time.Second)
				av.Direct = &dd
			}
			sr.Months = append(sr.Months, struct {
				Month        string        `json:"month"`
				Availability *Availability `json:"availability"`
			}{w.months[mi].Format("2006-01"), av})
		}
		r.Services = append(r.Services, sr)
	}
	if r.Agreements == nil {
		r.Agreements = []*AgreementReport{}
	}
	if r.Services == nil {
		r.Services = []*ServiceReport{}
	}
	return r, nil
}

func typeOrder(t string) int {
	switch t {
	case "SLA":
		return 0
	case "OLA":
		return 1
	}
	return 2
}

func minNonZero(a, b time.Time) time.Time {
	if b.IsZero() {
		return a
	}
	return minTime(a, b)
}

// below names what fell short of its target.
func below(t *Tally, av *Availability, attainment *float64) []string {
	var out []string
	if attainment != nil && t.Attainment != nil && *t.Attainment < *attainment {
		out = append(out, "attainment")
	}
	if av != nil && av.Met != nil && !*av.Met {
		out = append(out, "availability")
	}
	return out
}

func setTarget(av *Availability, target *float64) {
	if av == nil || target == nil {
		return
	}
	av.Target = target
	met := av.Percent >= *target
	av.Met = &met
}

// selectAgreements applies the service and customer filters.
func selectAgreements(d *Data, opts Options) []*Agreement {
	var slas map[string]bool
	if opts.Customer != "" {
		slas = map[string]bool{}
		for _, a := range d.Agreements {
			if a.Type == "SLA" && a.Customer == opts.Customer {
				slas[a.ID] = true
			}
		}
	}
	var out []*Agreement
	for _, a := range d.Agreements {
		if opts.Service != "" && !slices.Contains(a.Services, opts.Service) {
			continue
		}
		if slas != nil && !slas[a.ID] && !slices.ContainsFunc(a.Underpins, func(u string) bool { return slas[u] }) {
			continue
		}
		out = append(out, a)
	}
	return out
}

// selectServices lists the services whose availability the report shows.
func selectServices(d *Data, opts Options, agreements []*Agreement) []string {
	var ids []string
	switch {
	case opts.Service != "":
		ids = []string{opts.Service}
	case opts.Customer != "":
		seen := map[string]bool{}
		for _, a := range agreements {
			if a.Type != "SLA" {
				continue
			}
			for _, s := range a.Services {
				if !seen[s] && d.Services[s] != nil {
					seen[s] = true
					ids = append(ids, s)
				}
			}
		}
	default:
		for id := range d.Services {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// outages are the intervals each service was down by its own incidents,
// ongoing ones up to asOf.
func outages(d *Data, asOf time.Time) map[string][]Interval {
	down := map[string][]Interval{}
	for _, t := range d.Tickets {
		o := t.Outage
		if o == nil || !o.Start.Before(asOf) {
			continue
		}
		end := o.End
		if end.IsZero() || end.After(asOf) {
			end = asOf
		}
		for _, s := range o.Services {
			down[s] = append(down[s], Interval{o.Start, end})
		}
	}
	return down
}

// effectiveOutages adds to each service the outages of the services it
// depends on, transitively; the members of a dependency cycle each get
// the outages of all.
func effectiveOutages(d *Data, down map[string][]Interval) map[string][]Interval {
	ids := make([]string, 0, len(d.Services)+len(down))
	for id := range d.Services {
		ids = append(ids, id)
	}
	for id := range down {
		if d.Services[id] == nil {
			ids = append(ids, id)
		}
	}
	eff := make(map[string][]Interval, len(ids))
	for _, id := range ids {
		seen := map[string]bool{id: true}
		queue := []string{id}
		var iv []Interval
		for len(queue) > 0 {
			s := queue[0]
			queue = queue[1:]
			iv = append(iv, down[s]...)
			if svc := d.Services[s]; svc != nil {
				for _, dep := range svc.DependsOn.Services {
					if !seen[dep] {
						seen[dep] = true
						queue = append(queue, dep)
					}
				}
			}
		}
		eff[id] = Merge(iv)
	}
	return eff
}

// downtime is the business time of the intervals (merged) in [a, b).
func downtime(cal *Calendar, iv []Interval, a, b time.Time) time.Duration {
	var total time.Duration
	for _, x := range iv {
		s, e := maxTime(x.Start, a), minTime(x.End, b)
		if s.Before(e) {
			total += cal.Business(s, e)
		}
	}
	return total
}

// availability is the share of the calendar's service time in [a, b)
// outside the intervals; nil when [a, b) holds no service time.
func availability(cal *Calendar, iv []Interval, a, b time.Time) *Availability {
	if !a.Before(b) {
		return nil
	}
	service := cal.Business(a, b)
	if service <= 0 {
		return nil
	}
	dt := downtime(cal, iv, a, b)
	return &Availability{
		Percent:     round(100 * (1 - float64(dt)/float64(service))),
		ServiceTime: Seconds(service / time.Second),
		Downtime:    Seconds(dt / time.Second),
	}
}

func caseOf(t *Ticket, c Clock) Case {
	status := "met"
	at := c.StoppedAt
	switch {
	case c.Breached:
		status, at = "breached", c.BreachedAt
	case !c.Stopped:
		status = "open"
	}
	return Case{
		Kind: t.Kind, ID: t.ID, Priority: c.Priority, Metric: c.Metric, Status: status,
		Elapsed: Seconds(c.Elapsed / time.Second), Target: Seconds(c.Target / time.Second),
		Percent: round(100 * float64(c.Elapsed) / float64(c.Target)), At: at,
	}
}

// addWorst keeps the n cases with the highest share of their target, in
// order; ties by ID and metric, so the list does not depend on the order
// of measurement.
func addWorst(list []Case, c Case, n int) []Case {
	less := func(x, y Case) bool { // x ranks before y
		if x.Percent != y.Percent {
			return x.Percent > y.Percent
		}
		if x.ID != y.ID {
			return x.ID < y.ID
		}
		return x.Metric < y.Metric
	}
	if len(list) == n && !less(c, list[n-1]) {
		return list
	}
	i := sort.Search(len(list), func(i int) bool { return less(c, list[i]) })
	if len(list) < n {
		list = append(list, Case{})
	}
	copy(list[i+1:], list[i:len(list)-1])
	list[i] = c
	return list
}
