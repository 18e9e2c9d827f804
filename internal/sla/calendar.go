// Package sla measures service levels from an SMS's records: the SLA clock
// of every incident and service request against the agreements (SLA, OLA,
// UC) that cover it, counted in the agreement's business calendar, and the
// availability of services and agreements from the outages incidents record
// (ISO/IEC 20000-1 8.3.3, 8.7.1, 9.4).
//
// The clock. A ticket's response time runs from opened to the first of
// acknowledged and resolved (a resolution is a response); its resolution
// time from opened to resolved (fulfilled for a request). Only the
// calendar's business time counts: business hours of the weekday in the
// calendar's time zone, holidays excluded; a calendar without business hours
// runs around the clock. Pauses stop the clock when their reason is one of
// the agreement's pause conditions; a pause without an end lasts until the
// moment of measurement. The target is the one of the priority the ticket
// held when its clock stopped (or at the moment of measurement while it
// runs), counted from opened: a ticket raised to P1 after five hours has
// already missed a 4h P1 target.
//
// Durations. In a calendar without business hours, "min" and "h" are clock
// time, "d" is 24 hours, "w" 7 days, "mo" 30 days and "y" 365 days. In a
// calendar with business hours they are business time: "d" is one business
// day (the average length of the days that have business hours: 10 hours
// for 08:00-18:00 Monday to Friday), "w" the business hours of a week,
// "mo" 52/12 weeks and "y" 52 weeks.
//
// Outcomes. A measured target is met when the elapsed business time is at
// most the target, and a near breach when it is met at 75% of the target or
// more. A ticket is breached when any of its targets is; it then counts in
// the period in which its first target was exceeded, whether or not it has
// been resolved since. A ticket that met its targets counts in the period
// its last clock stopped. A ticket still running within target at the end
// of a period is open: it counts in no attainment yet.
//
// Availability. An incident's outage makes its services unavailable from
// start to end (to the moment of measurement while it lasts). A service is
// also unavailable while a service it depends on is, transitively. An SLA,
// the customer's view, counts the outages of its services and of what they
// depend on; an OLA or UC answers for its own services' outages alone.
// Both count in the agreement's calendar: availability is the share of its
// business time in the period without an outage.
//
// Library code: it reads records' JSON and returns data; it never reads the
// clock (the moment of measurement is an argument).
package sla

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"time"

	// Time zones come with the binary, so that measurements do not depend
	// on the host's zoneinfo.
	_ "time/tzdata"
)

// span is a stretch of business time within a day, in minutes from
// midnight (local wall clock).
type span struct{ start, end int }

// Calendar is a business calendar of sms.cue: the hours in which SLA
// clocks run.
type Calendar struct {
	ID       string
	Location *time.Location
	// hours per weekday (time.Sunday = 0); nil for a calendar that runs
	// around the clock.
	hours    *[7][]span
	holidays map[civilDate]bool
	// day is the length of a business day, for "d" durations.
	day time.Duration
	// week is the business time of a week, for "w" durations.
	week time.Duration
}

// civilDate is a date on the calendar's wall clock.
type civilDate struct {
	y int
	m time.Month
	d int
}

func dateOf(t time.Time) civilDate {
	y, m, d := t.Date()
	return civilDate{y, m, d}
}

// CalendarSpec is a calendar as sms.cue writes it.
type CalendarSpec struct {
	Timezone      string                       `json:"timezone"`
	BusinessHours map[string]map[string]string `json:"business_hours"`
	Holidays      []string                     `json:"holidays"`
}

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// NewCalendar compiles a calendar. Errors name the calendar and the field.
func NewCalendar(id string, spec CalendarSpec) (*Calendar, error) {
	// "" and "Local" would count in the zone of the machine that runs
	// the report.
	loc, err := time.LoadLocation(spec.Timezone)
	if err != nil || spec.Timezone == "" || spec.Timezone == "Local" {
		return nil, fmt.Errorf("calendar %s: timezone %q is not an IANA time zone", id, spec.Timezone)
	}
	c := &Calendar{ID: id, Location: loc, holidays: map[civilDate]bool{}}
	for _, h := range spec.Holidays {
		t, err := time.Parse(time.DateOnly, h)
		if err != nil {
			return nil, fmt.Errorf("calendar %s: holidays: %q is not a YYYY-MM-DD date", id, h)
		}
		c.holidays[dateOf(t)] = true
	}
	if len(spec.BusinessHours) == 0 {
		c.day, c.week = 24*time.Hour, 7*24*time.Hour
		return c, nil
	}
	var hours [7][]span
	var total, days int
	for name, h := range spec.BusinessHours {
		wd, ok := weekdays[name]
		if !ok {
			return nil, fmt.Errorf("calendar %s: business_hours: %q is not a weekday", id, name)
		}
		start, err1 := clockMinutes(h["start"])
		end, err2 := clockMinutes(h["end"])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("calendar %s: business_hours.%s: start and end must be HH:MM", id, name)
		}
		if end <= start {
			return nil, fmt.Errorf("calendar %s: business_hours.%s: end %s is not after start %s", id, name, h["end"], h["start"])
		}
		hours[wd] = []span{{start, end}}
		total += end - start
		days++
	}
	c.hours = &hours
	c.week = time.Duration(total) * time.Minute
	c.day = c.week / time.Duration(days)
	return c, nil
}

func clockMinutes(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err == nil {
		return t.Hour()*60 + t.Minute(), nil
	}
	if s == "24:00" {
		return 24 * 60, nil
	}
	return 0, err
}

// AroundTheClock reports whether the calendar counts every instant: no
// business hours and no holidays.
func (c *Calendar) AroundTheClock() bool { return c.hours == nil && len(c.holidays) == 0 }

var durationRE = regexp.MustCompile(`^([0-9]+)(min|h|d|w|mo|y)$`)

// Duration converts an agreement's duration ("30min", "4h", "2d") to
// business time in this calendar (see the package documentation).
func (c *Calendar) Duration(s string) (time.Duration, error) {
	m := durationRE.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("duration %q: want a number and one of min, h, d, w, mo, y", s)
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil || n > 1e6 {
		return 0, fmt.Errorf("duration %q is too long", s)
	}
	d := time.Duration(n)
	switch m[2] {
	case "min":
		return d * time.Minute, nil
	case "h":
		return d * time.Hour, nil
	case "d":
		return d * c.day, nil
	case "w":
		return d * c.week, nil
	case "mo":
		if c.hours == nil {
			return d * 30 * 24 * time.Hour, nil
		}
		return d * c.week * 52 / 12, nil
	default: // y
		if c.hours == nil {
			return d * 365 * 24 * time.Hour, nil
		}
		return d * c.week * 52, nil
	}
}

// segments calls fn with each stretch of business time within [from, to),
// in order, until fn returns false.
func (c *Calendar) segments(from, to time.Time, fn func(a, b time.Time) bool) {
	if !from.Before(to) {
		return
	}
	if c.AroundTheClock() {
		fn(from, to)
		return
	}
	local := from.In(c.Location)
	y, m, d := local.Date()
	for day := 0; ; day++ {
		start := time.Date(y, m, d+day, 0, 0, 0, 0, c.Location)
		if !start.Before(to) {
			return
		}
		cd := dateOf(start)
		if c.holidays[cd] {
			continue
		}
		if c.hours == nil {
			a, b := maxTime(start, from), minTime(time.Date(y, m, d+day+1, 0, 0, 0, 0, c.Location), to)
			if a.Before(b) && !fn(a, b) {
				return
			}
			continue
		}
		for _, s := range c.hours[start.Weekday()] {
			a := time.Date(cd.y, cd.m, cd.d, 0, s.start, 0, 0, c.Location)
			b := time.Date(cd.y, cd.m, cd.d, 0, s.end, 0, 0, c.Location)
			a, b = maxTime(a, from), minTime(b, to)
			if a.Before(b) && !fn(a, b) {
				return
			}
		}
	}
}

// Business is the business time in [from, to).
func (c *Calendar) Business(from, to time.Time) time.Duration {
	var total time.Duration
	c.segments(from, to, func(a, b time.Time) bool {
		total += b.Sub(a)
		return true
	})
	return total
}

// Interval is a stretch of time [Start, End).
type Interval struct{ Start, End time.Time }

// Elapsed is the business time in [from, to) outside the pauses, which
// must be sorted and disjoint (see Merge).
func (c *Calendar) Elapsed(from, to time.Time, pauses []Interval) time.Duration {
	total := c.Business(from, to)
	for _, p := range pauses {
		a, b := maxTime(p.Start, from), minTime(p.End, to)
		if a.Before(b) {
			total -= c.Business(a, b)
		}
	}
	return total
}

// Deadline is the instant at which the clock started at from, stopped
// during the pauses (sorted and disjoint), has run for target; false when
// that is not reached within ten years.
func (c *Calendar) Deadline(from time.Time, target time.Duration, pauses []Interval) (time.Time, bool) {
	if target <= 0 {
		return from, true
	}
	limit := from.AddDate(10, 0, 0)
	left := target
	var at time.Time
	found := false
	i := 0
	c.segments(from, limit, func(a, b time.Time) bool {
		// Cut the pauses out of [a, b).
		for a.Before(b) {
			for i < len(pauses) && !pauses[i].End.After(a) {
				i++
			}
			end := b
			if i < len(pauses) && pauses[i].Start.Before(b) {
				if !pauses[i].Start.After(a) {
					a = minTime(pauses[i].End, b)
					continue
				}
				end = pauses[i].Start
			}
			if d := end.Sub(a); d >= left {
				at, found = a.Add(left), true
				return false
			} else {
				left -= d
			}
			a = end
		}
		return true
	})
	return at, found
}

// Merge sorts intervals and joins those that overlap or touch; empty ones
// are dropped. It reuses the slice.
func Merge(iv []Interval) []Interval {
	if len(iv) == 0 {
		return iv
	}
	sortIntervals(iv)
	out := iv[:0]
	for _, x := range iv {
		if !x.Start.Before(x.End) {
			continue
		}
		if n := len(out); n > 0 && !x.Start.After(out[n-1].End) {
			if x.End.After(out[n-1].End) {
				out[n-1].End = x.End
			}
			continue
		}
		out = append(out, x)
	}
	return out
}

func sortIntervals(iv []Interval) {
	// Insertion sort for the short lists of a ticket; sort.Slice beyond.
	if len(iv) < 12 {
		for i := 1; i < len(iv); i++ {
			for j := i; j > 0 && iv[j].Start.Before(iv[j-1].Start); j-- {
				iv[j], iv[j-1] = iv[j-1], iv[j]
			}
		}
		return
	}
	slices.SortFunc(iv, func(a, b Interval) int { return a.Start.Compare(b.Start) })
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
