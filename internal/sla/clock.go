package sla

import "time"

// Clock is one measured target of one ticket: its response or resolution.
type Clock struct {
	// Metric is "response", "resolution" or, for a request, "fulfilment".
	Metric   string
	Priority string
	Target   time.Duration
	// Elapsed is the business time the clock ran, up to when it stopped
	// or the moment of measurement.
	Elapsed time.Duration
	// Stopped is true when the clock stopped by the moment of measurement.
	Stopped bool
	// StoppedAt is when it stopped.
	StoppedAt time.Time
	Breached  bool
	// Near is a target met, or still running, at 75% or more of it: a
	// near breach, or a breach at risk.
	Near bool
	// BreachedAt is when the target was exceeded.
	BreachedAt time.Time
}

// Status is a ticket's outcome against an agreement.
type Status int

const (
	// Open: still running within target.
	Open Status = iota
	// Met: every measured target met.
	Met
	// Breached: a target exceeded.
	Breached
)

func (s Status) String() string {
	return [...]string{"open", "met", "breached"}[s]
}

// Outcome is a ticket measured against one agreement.
type Outcome struct {
	Ticket *Ticket
	// Priority is the priority of the ticket's last measured clock.
	Priority string
	// Clocks are the measured targets: response, then resolution (or
	// fulfilment). A target the agreement does not set is not measured.
	Clocks []Clock
	Status Status
	// At is when the outcome was decided: the first breach, or when the
	// last clock stopped; the moment of measurement while open.
	At   time.Time
	Near bool
	// Inconsistent is a decided outcome of a ticket whose timestamps
	// contradict each other (Ticket.Inconsistent): it counts as breached,
	// whatever its clocks say.
	Inconsistent bool
}

// NearBreach is the share of a target from which a met target counts as a
// near breach.
const NearBreach = 0.75

// Evaluate measures a ticket against an agreement as of asOf. It returns
// false when the agreement sets no target that applies to the ticket, the
// ticket was opened after asOf, or it was cancelled or withdrawn.
func Evaluate(a *Agreement, t *Ticket, asOf time.Time) (Outcome, bool) {
	var clocks [2]Clock
	n := 0
	if !t.Opened.Before(asOf) || t.Status == "cancelled" || t.Status == "withdrawn" {
		// A ticket recorded in error, or withdrawn by its requester, is
		// kept as a record but measures nothing.
		return Outcome{}, false
	}
	var pauses []Interval
	if len(t.Pauses) > 0 && len(a.pause) > 0 {
		for _, p := range t.Pauses {
			if !a.pause[p.Reason] {
				continue
			}
			end := p.End
			if end.IsZero() || end.After(asOf) {
				end = asOf
			}
			pauses = append(pauses, Interval{p.Start, end})
		}
		pauses = Merge(pauses)
	}
	// Response: to the first of acknowledged and resolved.
	respEnd := t.Acknowledged
	if !t.Resolved.IsZero() && (respEnd.IsZero() || t.Resolved.Before(respEnd)) {
		respEnd = t.Resolved
	}
	measure := func(metric string, end time.Time, target func(p int) time.Duration) {
		stopped := !end.IsZero() && !end.After(asOf)
		stop := asOf
		if stopped {
			stop = end
		}
		if stop.Before(t.Opened) {
			stop = t.Opened
		}
		prio := t.Priority
		if len(t.History) > 0 {
			prio = t.PriorityAt(stop)
		}
		pi := priorityIndex(prio)
		if pi < 0 {
			return
		}
		tgt := target(pi)
		if tgt <= 0 {
			return
		}
		c := Clock{Metric: metric, Priority: prio, Target: tgt, Stopped: stopped}
		if stopped {
			c.StoppedAt = stop
		}
		c.Elapsed = a.Calendar.Elapsed(t.Opened, stop, pauses)
		if c.Elapsed > tgt {
			c.Breached = true
			c.BreachedAt, _ = a.Calendar.Deadline(t.Opened, tgt, pauses)
		} else if float64(c.Elapsed) >= NearBreach*float64(tgt) {
			c.Near = true
		}
		clocks[n] = c
		n++
	}
	measure("response", respEnd, func(p int) time.Duration { return a.response[p] })
	if t.Kind == "request" {
		if t.Status != "rejected" {
			measure("fulfilment", t.Resolved, func(int) time.Duration { return a.fulfilment })
		}
	} else {
		measure("resolution", t.Resolved, func(p int) time.Duration { return a.resolution[p] })
	}
	if n == 0 {
		return Outcome{}, false
	}
	o := Outcome{Ticket: t, Clocks: clocks[:n:n], Priority: clocks[n-1].Priority, Status: Met}
	for _, c := range o.Clocks {
		switch {
		case c.Breached:
			if o.Status != Breached || c.BreachedAt.Before(o.At) {
				o.At = c.BreachedAt
			}
			o.Status = Breached
		case !c.Stopped:
			if o.Status == Met {
				o.Status = Open
			}
		}
		o.Near = o.Near || c.Near
	}
	switch o.Status {
	case Open:
		o.At = asOf
	case Met:
		for _, c := range o.Clocks {
			if c.StoppedAt.After(o.At) {
				o.At = c.StoppedAt
			}
		}
	}
	// Decided at the same moment, but not met: the record cannot show it.
	if t.Inconsistent != "" && o.Status != Open {
		o.Status, o.Inconsistent = Breached, true
	}
	return o, true
}
