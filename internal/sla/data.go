package sla

import (
	"encoding/json"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/smsctl/smsctl/internal/records"
)

// Priorities are the priorities of the schema, most urgent first.
var Priorities = []string{"P1", "P2", "P3", "P4", "P5"}

func priorityIndex(p string) int {
	if len(p) == 2 && p[0] == 'P' && p[1] >= '1' && p[1] <= '5' {
		return int(p[1] - '1')
	}
	return -1
}

// Agreement is an SLA, OLA or UC with its targets compiled in its calendar.
type Agreement struct {
	ID                 string   `json:"-"`
	Type               string   `json:"type"`
	Title              string   `json:"title"`
	Customer           string   `json:"customer"`
	Team               string   `json:"team"`
	Supplier           string   `json:"supplier"`
	Services           []string `json:"services"`
	Underpins          []string `json:"underpins"`
	CalendarID         string   `json:"calendar"`
	AvailabilityTarget *float64 `json:"availability_target"`
	AttainmentTarget   *float64 `json:"attainment_target"`
	PauseConditions    []string `json:"pause_conditions"`
	Period             struct {
		Start string `json:"start"`
		End   string `json:"end"`
	} `json:"period"`
	Targets map[string]struct {
		Response   string `json:"response"`
		Resolution string `json:"resolution"`
	} `json:"targets"`
	RequestFulfilment string `json:"request_fulfilment"`

	// Calendar is the calendar its targets count in.
	Calendar *Calendar `json:"-"`
	// Start and End bound the validity in the calendar's time zone: from
	// the first day's midnight to the midnight after the last day (zero
	// when open-ended).
	Start, End time.Time `json:"-"`
	response   [5]time.Duration
	resolution [5]time.Duration
	fulfilment time.Duration
	pause      map[string]bool
}

// Party is the other side of the agreement: customer, team or supplier.
func (a *Agreement) Party() string {
	switch a.Type {
	case "SLA":
		return a.Customer
	case "OLA":
		return a.Team
	}
	return a.Supplier
}

// covers reports whether a ticket opened at t falls in the agreement's
// validity.
func (a *Agreement) inForce(t time.Time) bool {
	return !t.Before(a.Start) && (a.End.IsZero() || t.Before(a.End))
}

// Service is a catalogue entry, for availability.
type Service struct {
	ID                 string   `json:"-"`
	Name               string   `json:"name"`
	AvailabilityTarget *float64 `json:"availability_target"`
	CalendarID         string   `json:"calendar"`
	Customers          []string `json:"customers"`
	DependsOn          struct {
		Services []string `json:"services"`
	} `json:"depends_on"`
	Calendar *Calendar `json:"-"`
}

// Ticket is an incident or a service request as the clock sees it.
type Ticket struct {
	Kind     string // "incident" or "request"
	ID       string
	Services []string
	Customer string
	Priority string
	Status   string
	// History lists earlier priorities, each held until its time.
	History []PriorityChange
	Opened  time.Time
	// Acknowledged, Resolved are zero when not recorded. Resolved is
	// when the service was restored (an incident) or the request
	// fulfilled; zero for a rejected request.
	Acknowledged, Resolved time.Time
	Pauses                 []Pause
	Outage                 *Outage
	// Inconsistent says why the ticket's timestamps contradict each other
	// (acknowledged before opened, resolved before acknowledged, closed
	// before resolved, a pause outside the ticket's life); empty when
	// they do not. Such a ticket cannot show that it met its targets: once
	// decided it counts as breached (see Evaluate), as policy
	// ticket.timeline reports it.
	Inconsistent string
}

// PriorityChange is a priority a ticket held until a time.
type PriorityChange struct {
	Priority string
	Until    time.Time
}

// Pause is an interval in which the clock may stop; End is zero while the
// ticket is still paused.
type Pause struct {
	Start, End time.Time
	Reason     string
}

// Outage is a loss of service an incident records; End is zero while it
// lasts.
type Outage struct {
	Start, End time.Time
	Services   []string
}

// PriorityAt is the priority the ticket held at t.
func (t *Ticket) PriorityAt(at time.Time) string {
	best := ""
	var bestUntil time.Time
	for _, h := range t.History {
		if at.Before(h.Until) && (best == "" || h.Until.Before(bestUntil)) {
			best, bestUntil = h.Priority, h.Until
		}
	}
	if best == "" {
		return t.Priority
	}
	return best
}

// Data is what the measurement reads from a repository.
type Data struct {
	Calendars  map[string]*Calendar
	Agreements []*Agreement // by ID
	Services   map[string]*Service
	Tickets    []*Ticket
	// Problems are records that could not be measured, each naming the
	// record and the field.
	Problems []string
}

// jsonTicket is the shape both incidents and requests are read into.
type jsonTicket struct {
	Services        []string `json:"services"`
	Service         string   `json:"service"`
	Customer        string   `json:"customer"`
	Priority        string   `json:"priority"`
	Status          string   `json:"status"`
	PriorityHistory []struct {
		Priority string `json:"priority"`
		Until    string `json:"until"`
	} `json:"priority_history"`
	Opened       string `json:"opened"`
	Acknowledged string `json:"acknowledged"`
	Resolved     string `json:"resolved"`
	Fulfilled    string `json:"fulfilled"`
	Closed       string `json:"closed"`
	Pauses       []struct {
		Start  string `json:"start"`
		End    string `json:"end"`
		Reason string `json:"reason"`
	} `json:"pauses"`
	Outage *struct {
		Start    string   `json:"start"`
		End      string   `json:"end"`
		Services []string `json:"services"`
	} `json:"outage"`
}

// ParseTicket reads an incident's or a request's JSON. Times become
// instants in UTC.
func ParseTicket(kind, id string, data []byte) (*Ticket, error) {
	if t, ok := fastTicket(kind, id, data, interner{}); ok {
		return t, nil
	}
	return slowTicket(kind, id, data)
}

// slowTicket reads a ticket with encoding/json: the reference for the
// scanner of fastTicket, and its fallback.
func slowTicket(kind, id string, data []byte) (*Ticket, error) {
	var j jsonTicket
	if err := json.Unmarshal(data, &j); err != nil {
		return nil, fmt.Errorf("%s %s: %w", kind, id, err)
	}
	t := &Ticket{Kind: kind, ID: id, Services: j.Services, Customer: j.Customer, Priority: j.Priority, Status: j.Status}
	var err error
	parse := func(field, s string) time.Time {
		if s == "" || err != nil {
			return time.Time{}
		}
		v, e := time.Parse(time.RFC3339, s)
		if e != nil {
			err = fmt.Errorf("%s %s: %s: %q is not an RFC 3339 time", kind, id, field, s)
		}
		return v.UTC()
	}
	if j.Opened == "" {
		return nil, fmt.Errorf("%s %s: opened: missing", kind, id)
	}
	t.Opened = parse("opened", j.Opened)
	t.Acknowledged = parse("acknowledged", j.Acknowledged)
	resolved, fulfilled, closed := parse("resolved", j.Resolved), parse("fulfilled", j.Fulfilled), parse("closed", j.Closed)
	for i, h := range j.PriorityHistory {
		t.History = append(t.History, PriorityChange{Priority: h.Priority, Until: parse(fmt.Sprintf("priority_history[%d].until", i), h.Until)})
	}
	for i, p := range j.Pauses {
		t.Pauses = append(t.Pauses, Pause{
			Start:  parse(fmt.Sprintf("pauses[%d].start", i), p.Start),
			End:    parse(fmt.Sprintf("pauses[%d].end", i), p.End),
			Reason: p.Reason,
		})
	}
	if o := j.Outage; o != nil {
		t.Outage = &Outage{Start: parse("outage.start", o.Start), End: parse("outage.end", o.End), Services: o.Services}
	}
	if err != nil {
		return nil, err
	}
	t.finish(j.Service, resolved, fulfilled, closed)
	return t, nil
}

// Load reads the calendars, agreements, services, incidents and requests of
// a repository; records that failed the schema are left out. A record that
// cannot be measured (an unknown time zone, a calendar that does not exist)
// is left out too and named in Problems.
func Load(repo *records.Repository) *Data {
	d := &Data{Calendars: map[string]*Calendar{}, Services: map[string]*Service{}}
	var sms struct {
		Calendars map[string]CalendarSpec `json:"calendars"`
	}
	if r := repo.Lookup(records.SMSKind.Name, "sms"); r != nil && r.Valid && r.Data != nil {
		if err := json.Unmarshal(r.Data, &sms); err != nil {
			d.Problems = append(d.Problems, fmt.Sprintf("sms.cue: calendars: %v", err))
		}
	}
	ids := make([]string, 0, len(sms.Calendars))
	for id := range sms.Calendars {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		c, err := NewCalendar(id, sms.Calendars[id])
		if err != nil {
			d.Problems = append(d.Problems, "sms.cue: "+err.Error())
			continue
		}
		d.Calendars[id] = c
	}
	var tickets []*records.Record
	for _, r := range repo.Records {
		if !r.Valid || r.Data == nil {
			continue
		}
		switch r.Kind {
		case "agreement":
			a := &Agreement{ID: r.ID}
			if err := json.Unmarshal(r.Data, a); err != nil {
				d.Problems = append(d.Problems, fmt.Sprintf("%s: %v", r.File, err))
				continue
			}
			if err := d.compile(a); err != nil {
				d.Problems = append(d.Problems, fmt.Sprintf("%s: %v", r.File, err))
				continue
			}
			d.Agreements = append(d.Agreements, a)
		case "service":
			s := &Service{ID: r.ID}
			if err := json.Unmarshal(r.Data, s); err != nil {
				d.Problems = append(d.Problems, fmt.Sprintf("%s: %v", r.File, err))
				continue
			}
			s.Calendar = d.Calendars[s.CalendarID]
			if s.CalendarID != "" && s.Calendar == nil {
				d.Problems = append(d.Problems, fmt.Sprintf("%s: calendar: no calendar %q in sms.cue; availability counts around the clock (UTC)", r.File, s.CalendarID))
			}
			d.Services[r.ID] = s
		case "incident", "request":
			tickets = append(tickets, r)
		}
	}
	sort.Slice(d.Agreements, func(i, j int) bool { return d.Agreements[i].ID < d.Agreements[j].ID })
	d.Tickets = make([]*Ticket, len(tickets))
	errs := make([]error, len(tickets))
	parallel(len(tickets), func(lo, hi int) {
		in := interner{}
		for i := lo; i < hi; i++ {
			r := tickets[i]
			var ok bool
			if d.Tickets[i], ok = fastTicket(r.Kind, r.ID, r.Data, in); !ok {
				d.Tickets[i], errs[i] = slowTicket(r.Kind, r.ID, r.Data)
			}
		}
	})
	n := 0
	for i, t := range d.Tickets {
		if errs[i] != nil {
			d.Problems = append(d.Problems, fmt.Sprintf("%s: %v", tickets[i].File, errs[i]))
			continue
		}
		d.Tickets[n] = t
		n++
	}
	d.Tickets = d.Tickets[:n]
	return d
}

// compile resolves an agreement's calendar, validity and targets.
func (d *Data) compile(a *Agreement) error {
	a.Calendar = d.Calendars[a.CalendarID]
	if a.Calendar == nil {
		return fmt.Errorf("calendar: no calendar %q in sms.cue", a.CalendarID)
	}
	loc := a.Calendar.Location
	day := func(field, s string) (time.Time, error) {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return time.Time{}, fmt.Errorf("%s: %q is not a YYYY-MM-DD date", field, s)
		}
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc), nil
	}
	var err error
	if a.Start, err = day("period.start", a.Period.Start); err != nil {
		return err
	}
	if a.Period.End != "" {
		if a.End, err = day("period.end", a.Period.End); err != nil {
			return err
		}
		a.End = a.End.AddDate(0, 0, 1)
	}
	for p, t := range a.Targets {
		i := priorityIndex(p)
		if i < 0 {
			return fmt.Errorf("targets: %q is not a priority", p)
		}
		if t.Response != "" {
			if a.response[i], err = a.Calendar.Duration(t.Response); err != nil {
				return fmt.Errorf("targets.%s.response: %v", p, err)
			}
		}
		if t.Resolution != "" {
			if a.resolution[i], err = a.Calendar.Duration(t.Resolution); err != nil {
				return fmt.Errorf("targets.%s.resolution: %v", p, err)
			}
		}
	}
	if a.RequestFulfilment != "" {
		if a.fulfilment, err = a.Calendar.Duration(a.RequestFulfilment); err != nil {
			return fmt.Errorf("request_fulfilment: %v", err)
		}
	}
	a.pause = map[string]bool{}
	for _, p := range a.PauseConditions {
		a.pause[p] = true
	}
	return nil
}

// parallel splits [0, n) over the processors.
func parallel(n int, fn func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), max(1, n/2048))
	if workers <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for lo := 0; lo < n; lo += chunk {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			fn(lo, hi)
		}(lo, min(lo+chunk, n))
	}
	wg.Wait()
}
