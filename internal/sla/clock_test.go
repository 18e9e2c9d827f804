package sla

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/smsctl/smsctl/internal/records"
)

// Every expected value below is worked out by hand in the comment beside it.

func ukBusiness(t *testing.T) *Calendar {
	t.Helper()
	day := map[string]string{"start": "08:00", "end": "18:00"}
	c, err := NewCalendar("uk-business", CalendarSpec{
		Timezone:      "Europe/London",
		BusinessHours: map[string]map[string]string{"mon": day, "tue": day, "wed": day, "thu": day, "fri": day},
		Holidays:      []string{"2026-04-03", "2026-04-06", "2026-12-25", "2026-12-28"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func around(t *testing.T, holidays ...string) *Calendar {
	t.Helper()
	c, err := NewCalendar("24x7", CalendarSpec{Timezone: "Europe/London", Holidays: holidays})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ts(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestBusinessTime(t *testing.T) {
	uk := ukBusiness(t)
	night := map[string]string{"start": "00:00", "end": "06:00"}
	sundayNights, err := NewCalendar("sunday-nights", CalendarSpec{Timezone: "Europe/London", BusinessHours: map[string]map[string]string{"sun": night}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		cal      *Calendar
		from, to string
		want     time.Duration
	}{
		// Within one business day: 09:00-11:30 BST.
		{"one day", uk, "2026-10-07T09:00:00+01:00", "2026-10-07T11:30:00+01:00", 150 * time.Minute},
		// Before opening and after closing do not count: 08:00-18:00 = 10h.
		{"whole day from night to night", uk, "2026-10-07T02:00:00+01:00", "2026-10-07T23:00:00+01:00", 10 * time.Hour},
		// Friday 16:00-18:00 (2h), Saturday and Sunday nothing, Monday
		// 08:00-10:00 (2h).
		{"over a weekend", uk, "2026-10-09T16:00:00+01:00", "2026-10-12T10:00:00+01:00", 4 * time.Hour},
		// Thursday 24 December 17:00-18:00 (1h); Friday 25 a holiday; the
		// weekend; Monday 28 a holiday; Tuesday 29 08:00-09:00 (1h).
		{"over Christmas", uk, "2026-12-24T17:00:00Z", "2026-12-29T09:00:00Z", 2 * time.Hour},
		// Good Friday 3 April and Easter Monday 6 April are holidays:
		// Thursday 2 April 17:00-18:00 BST, Tuesday 7 April 08:00-08:30.
		{"over Easter", uk, "2026-04-02T16:00:00Z", "2026-04-07T07:30:00Z", 90 * time.Minute},
		// Clocks go forward on Sunday 29 March 2026: Friday 17:00-18:00
		// GMT (1h) and Monday 08:00-09:00 BST (1h), which is 07:00-08:00
		// UTC. Counting in UTC would give Friday's hour alone.
		{"over the spring DST change", uk, "2026-03-27T17:00:00Z", "2026-03-30T08:00:00Z", 2 * time.Hour},
		// Clocks go back on Sunday 25 October 2026: Friday 17:00-18:00
		// BST = 16:00-17:00 UTC; Monday 08:00-09:00 GMT = 08:00-09:00 UTC.
		{"over the autumn DST change", uk, "2026-10-23T16:00:00Z", "2026-10-26T09:00:00Z", 2 * time.Hour},
		// 00:00-06:00 local on the night the clocks go forward lasts 5h
		// (01:00 GMT becomes 02:00 BST) ...
		{"short night", sundayNights, "2026-03-28T12:00:00Z", "2026-03-30T00:00:00Z", 5 * time.Hour},
		// ... and 7h on the night they go back.
		{"long night", sundayNights, "2026-10-24T12:00:00Z", "2026-10-26T00:00:00Z", 7 * time.Hour},
		// Around the clock: 48h of wall time less the 23h of the holiday
		// Sunday 29 March (a DST day).
		{"24x7 with a DST holiday", around(t, "2026-03-29"), "2026-03-28T12:00:00Z", "2026-03-30T12:00:00Z", 25 * time.Hour},
		// Around the clock without holidays: plain elapsed time, the DST
		// change included (12:00 GMT to 12:00 BST is 23h).
		{"24x7 over DST", around(t), "2026-03-28T12:00:00Z", "2026-03-29T11:00:00Z", 23 * time.Hour},
		{"empty", uk, "2026-10-07T11:00:00+01:00", "2026-10-07T10:00:00+01:00", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.cal.Business(ts(t, tc.from), ts(t, tc.to)); got != tc.want {
				t.Errorf("Business = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestDurations(t *testing.T) {
	uk := ukBusiness(t)
	h24 := around(t)
	tests := []struct {
		cal  *Calendar
		in   string
		want time.Duration
	}{
		{uk, "30min", 30 * time.Minute},
		{uk, "4h", 4 * time.Hour},
		{uk, "2d", 20 * time.Hour},   // a business day is 08:00-18:00
		{uk, "1w", 50 * time.Hour},   // five of them
		{uk, "3mo", 650 * time.Hour}, // 50h x 52 / 12 x 3
		{h24, "2d", 48 * time.Hour},
		{h24, "1w", 168 * time.Hour},
		{h24, "1mo", 720 * time.Hour},
	}
	for _, tc := range tests {
		got, err := tc.cal.Duration(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("%s: Duration(%q) = %v, %v; want %v", tc.cal.ID, tc.in, got, err, tc.want)
		}
	}
	if _, err := uk.Duration("4 hours"); err == nil {
		t.Error(`Duration("4 hours") did not fail`)
	}
}

func TestCalendarErrors(t *testing.T) {
	tests := []struct {
		spec CalendarSpec
		want string
	}{
		{CalendarSpec{Timezone: "Mars/Olympus"}, `calendar c: timezone "Mars/Olympus" is not an IANA time zone`},
		{CalendarSpec{Timezone: "Local"}, `calendar c: timezone "Local" is not an IANA time zone`},
		{CalendarSpec{}, `calendar c: timezone "" is not an IANA time zone`},
		{CalendarSpec{Timezone: "UTC", Holidays: []string{"25/12/2026"}}, `calendar c: holidays: "25/12/2026" is not a YYYY-MM-DD date`},
		{CalendarSpec{Timezone: "UTC", BusinessHours: map[string]map[string]string{"mon": {"start": "18:00", "end": "08:00"}}}, "calendar c: business_hours.mon: end 08:00 is not after start 18:00"},
	}
	for _, tc := range tests {
		if _, err := NewCalendar("c", tc.spec); err == nil || err.Error() != tc.want {
			t.Errorf("NewCalendar(%+v) = %v, want %s", tc.spec, err, tc.want)
		}
	}
}

func TestDeadline(t *testing.T) {
	uk := ukBusiness(t)
	tests := []struct {
		name   string
		cal    *Calendar
		from   string
		target time.Duration
		pauses []Interval
		want   string
	}{
		// Friday 15:00-18:00 BST uses 3h of 8h; Monday 08:00 + 5h = 13:00
		// BST.
		{"over a weekend", uk, "2026-10-09T15:00:00+01:00", 8 * time.Hour, nil, "2026-10-12T12:00:00Z"},
		// Thursday 24 December 16:00-18:00 uses 2h of 3h; the next business
		// hour is Tuesday 29 December 08:00-09:00.
		{"over Christmas", uk, "2026-12-24T16:00:00Z", 3 * time.Hour, nil, "2026-12-29T09:00:00Z"},
		// Around the clock, a 4h target from 20:00 paused 22:00-02:00:
		// 2h before the pause and 2h after it, so 04:00.
		{"pause across midnight", around(t), "2026-06-10T20:00:00Z", 4 * time.Hour,
			[]Interval{{ts(t, "2026-06-10T22:00:00Z"), ts(t, "2026-06-11T02:00:00Z")}}, "2026-06-11T04:00:00Z"},
		// A pause that starts before the clock does.
		{"pause from before", around(t), "2026-06-10T20:00:00Z", time.Hour,
			[]Interval{{ts(t, "2026-06-10T19:00:00Z"), ts(t, "2026-06-10T20:30:00Z")}}, "2026-06-10T21:30:00Z"},
		// 24h around the clock across the spring change: 24 real hours.
		{"24x7 over DST", around(t), "2026-03-28T12:00:00Z", 24 * time.Hour, nil, "2026-03-29T12:00:00Z"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tc.cal.Deadline(ts(t, tc.from), tc.target, tc.pauses)
			if !ok || !got.Equal(ts(t, tc.want)) {
				t.Errorf("Deadline = %v, %v; want %s", got.UTC(), ok, tc.want)
			}
			// The deadline is where the elapsed time reaches the target.
			if e := tc.cal.Elapsed(ts(t, tc.from), got, tc.pauses); e != tc.target {
				t.Errorf("Elapsed to the deadline = %v, want %v", e, tc.target)
			}
		})
	}
}

// agreementJSON is an SLA of customer shop on service web in calendar cal.
func agreementJSON(cal string, extra string) string {
	return `{"type": "SLA", "title": "Web", "owner": "jane", "customer": "shop", "services": ["web"],
		"period": {"start": "2026-01-01"}, "calendar": "` + cal + `",
		"targets": {"P1": {"response": "15min", "resolution": "4h"}, "P2": {"response": "30min", "resolution": "8h"},
		            "P3": {"response": "4h", "resolution": "2d"}, "P4": {"response": "1d", "resolution": "5d"}},
		"request_fulfilment": "3d", "pause_conditions": ["awaiting-customer"]` + extra + `}`
}

const smsJSON = `{"calendars": {
	"24x7": {"timezone": "Europe/London"},
	"uk-business": {"timezone": "Europe/London",
		"business_hours": {"mon": {"start": "08:00", "end": "18:00"}, "tue": {"start": "08:00", "end": "18:00"},
			"wed": {"start": "08:00", "end": "18:00"}, "thu": {"start": "08:00", "end": "18:00"}, "fri": {"start": "08:00", "end": "18:00"}},
		"holidays": ["2026-12-25", "2026-12-28"]}}}`

// repoOf builds a repository of valid records from kind/ID -> JSON.
func repoOf(t *testing.T, recs map[string]string) *records.Repository {
	t.Helper()
	repo := &records.Repository{}
	for key, data := range recs {
		kind, id, _ := strings.Cut(key, "/")
		if !json.Valid([]byte(data)) {
			t.Fatalf("%s: invalid JSON", key)
		}
		repo.Records = append(repo.Records, &records.Record{Kind: kind, ID: id, File: key + ".cue", Valid: true, Data: json.RawMessage(data)})
	}
	return repo
}

func TestEvaluate(t *testing.T) {
	tests := []struct {
		name     string
		calendar string
		ticket   string // incident JSON, services ["web"], customer shop
		asOf     string
		status   Status
		// clocks: metric, priority, elapsed, breached, near
		clocks []Clock
		at     string
	}{
		{
			// Resolved at 10:20 and acknowledged, late, at 10:45: the
			// clocks take the resolution as the response, 20 minutes in,
			// but a record resolved before it was acknowledged contradicts
			// itself (ticket.timeline), so it does not count as met.
			name: "resolved before acknowledged", calendar: "24x7",
			ticket: `"priority": "P2", "opened": "2026-06-01T10:00:00Z", "acknowledged": "2026-06-01T10:45:00Z", "resolved": "2026-06-01T10:20:00Z"`,
			asOf:   "2026-07-01T00:00:00Z", status: Breached,
			clocks: []Clock{{Metric: "response", Priority: "P2", Elapsed: 20 * time.Minute}, {Metric: "resolution", Priority: "P2", Elapsed: 20 * time.Minute}},
			at:     "2026-06-01T10:20:00Z",
		},
		{
			// 14:00-18:00 BST (4h) and 08:00-12:00 (4h) = 8h, less the
			// business hours of the pause 17:00-09:00: 17:00-18:00 and
			// 08:00-09:00 = 2h. 6h of 2d (20h): met.
			name: "pause across midnight in business hours", calendar: "uk-business",
			ticket: `"priority": "P3", "opened": "2026-06-10T14:00:00+01:00", "acknowledged": "2026-06-10T14:30:00+01:00", "resolved": "2026-06-11T12:00:00+01:00",
				"pauses": [{"start": "2026-06-10T17:00:00+01:00", "end": "2026-06-11T09:00:00+01:00", "reason": "awaiting-customer"}]`,
			asOf: "2026-07-01T00:00:00Z", status: Met,
			clocks: []Clock{{Metric: "response", Priority: "P3", Elapsed: 30 * time.Minute}, {Metric: "resolution", Priority: "P3", Elapsed: 6 * time.Hour}},
			at:     "2026-06-11T11:00:00Z",
		},
		{
			// Around the clock: 20:00-05:00 is 9h, less the pause
			// 22:00-02:00 (4h) = 5h of 8h; 62.5%, not a near breach.
			name: "pause across midnight around the clock", calendar: "24x7",
			ticket: `"priority": "P2", "opened": "2026-06-10T20:00:00Z", "acknowledged": "2026-06-10T20:10:00Z", "resolved": "2026-06-11T05:00:00Z",
				"pauses": [{"start": "2026-06-10T22:00:00Z", "end": "2026-06-11T02:00:00Z", "reason": "awaiting-customer"}]`,
			asOf: "2026-07-01T00:00:00Z", status: Met,
			clocks: []Clock{{Metric: "response", Priority: "P2", Elapsed: 10 * time.Minute}, {Metric: "resolution", Priority: "P2", Elapsed: 5 * time.Hour}},
			at:     "2026-06-11T05:00:00Z",
		},
		{
			// A pause for a reason the agreement does not allow does not
			// stop the clock: 9h of 8h, breached at 04:00.
			name: "pause the agreement does not allow", calendar: "24x7",
			ticket: `"priority": "P2", "opened": "2026-06-10T20:00:00Z", "acknowledged": "2026-06-10T20:10:00Z", "resolved": "2026-06-11T05:00:00Z",
				"pauses": [{"start": "2026-06-10T22:00:00Z", "end": "2026-06-11T02:00:00Z", "reason": "awaiting-supplier"}]`,
			asOf: "2026-07-01T00:00:00Z", status: Breached,
			clocks: []Clock{{Metric: "response", Priority: "P2", Elapsed: 10 * time.Minute}, {Metric: "resolution", Priority: "P2", Elapsed: 9 * time.Hour, Breached: true, BreachedAt: ts(t, "2026-06-11T04:00:00Z")}},
			at:     "2026-06-11T04:00:00Z",
		},
		{
			// Raised from P3 to P2 at 11:15 (all users affected). The
			// response at 10:12 counts against P3 (4h); the resolution at
			// 15:40 against P2 (8h): 5h40 in business hours.
			name: "priority raised mid-life", calendar: "uk-business",
			ticket: `"priority": "P2", "priority_history": [{"priority": "P3", "until": "2026-05-05T11:15:00+01:00"}],
				"opened": "2026-05-05T10:00:00+01:00", "acknowledged": "2026-05-05T10:12:00+01:00", "resolved": "2026-05-05T15:40:00+01:00"`,
			asOf: "2026-06-01T00:00:00Z", status: Met,
			clocks: []Clock{{Metric: "response", Priority: "P3", Elapsed: 12 * time.Minute}, {Metric: "resolution", Priority: "P2", Elapsed: 340 * time.Minute}},
			at:     "2026-05-05T14:40:00Z",
		},
		{
			// Lowered from P1 to P3 after 30 minutes: resolved after 6h,
			// within P3's 2d though beyond P1's 4h; 6h of 48h.
			name: "priority lowered mid-life", calendar: "24x7",
			ticket: `"priority": "P3", "priority_history": [{"priority": "P1", "until": "2026-05-05T09:30:00Z"}],
				"opened": "2026-05-05T09:00:00Z", "acknowledged": "2026-05-05T09:10:00Z", "resolved": "2026-05-05T15:00:00Z"`,
			asOf: "2026-06-01T00:00:00Z", status: Met,
			clocks: []Clock{{Metric: "response", Priority: "P1", Elapsed: 10 * time.Minute}, {Metric: "resolution", Priority: "P3", Elapsed: 6 * time.Hour}},
			at:     "2026-05-05T15:00:00Z",
		},
		{
			// Still open at the moment of measurement, 3h into a 4h P1
			// target: open, counted nowhere yet, and at risk (75%).
			name: "open within target", calendar: "24x7",
			ticket: `"priority": "P1", "opened": "2026-10-31T21:00:00Z", "acknowledged": "2026-10-31T21:05:00Z", "resolved": "2026-11-01T02:00:00Z"`,
			asOf:   "2026-11-01T00:00:00Z", status: Open,
			clocks: []Clock{{Metric: "response", Priority: "P1", Elapsed: 5 * time.Minute}, {Metric: "resolution", Priority: "P1", Elapsed: 3 * time.Hour, Near: true}},
			at:     "2026-11-01T00:00:00Z",
		},
		{
			// Still open at the moment of measurement, 6h into 4h: it
			// breached at 22:00, whatever happens next.
			name: "open and breached", calendar: "24x7",
			ticket: `"priority": "P1", "opened": "2026-10-31T18:00:00Z", "acknowledged": "2026-10-31T18:05:00Z"`,
			asOf:   "2026-11-01T00:00:00Z", status: Breached,
			clocks: []Clock{{Metric: "response", Priority: "P1", Elapsed: 5 * time.Minute}, {Metric: "resolution", Priority: "P1", Elapsed: 6 * time.Hour, Breached: true, BreachedAt: ts(t, "2026-10-31T22:00:00Z")}},
			at:     "2026-10-31T22:00:00Z",
		},
		{
			// Never acknowledged nor resolved: the response clock runs too,
			// 20 minutes past a 15-minute target.
			name: "no response yet", calendar: "24x7",
			ticket: `"priority": "P1", "opened": "2026-10-31T23:40:00Z"`,
			asOf:   "2026-11-01T00:00:00Z", status: Breached,
			clocks: []Clock{{Metric: "response", Priority: "P1", Elapsed: 20 * time.Minute, Breached: true, BreachedAt: ts(t, "2026-10-31T23:55:00Z")}, {Metric: "resolution", Priority: "P1", Elapsed: 20 * time.Minute}},
			at:     "2026-10-31T23:55:00Z",
		},
		{
			// 3h of 4h: met, and a near breach (75%).
			name: "near breach", calendar: "24x7",
			ticket: `"priority": "P1", "opened": "2026-06-01T10:00:00Z", "acknowledged": "2026-06-01T10:05:00Z", "resolved": "2026-06-01T13:00:00Z"`,
			asOf:   "2026-07-01T00:00:00Z", status: Met,
			clocks: []Clock{{Metric: "response", Priority: "P1", Elapsed: 5 * time.Minute}, {Metric: "resolution", Priority: "P1", Elapsed: 3 * time.Hour, Near: true}},
			at:     "2026-06-01T13:00:00Z",
		},
		{
			// Exactly on target is met: 4h of 4h.
			name: "on target", calendar: "24x7",
			ticket: `"priority": "P1", "opened": "2026-06-01T10:00:00Z", "acknowledged": "2026-06-01T10:15:00Z", "resolved": "2026-06-01T14:00:00Z"`,
			asOf:   "2026-07-01T00:00:00Z", status: Met,
			clocks: []Clock{{Metric: "response", Priority: "P1", Elapsed: 15 * time.Minute, Near: true}, {Metric: "resolution", Priority: "P1", Elapsed: 4 * time.Hour, Near: true}},
			at:     "2026-06-01T14:00:00Z",
		},
		{
			// Still paused (no end) at the moment of measurement: the
			// clock stopped at 10:00 after 1h of business time.
			name: "still paused", calendar: "uk-business",
			ticket: `"priority": "P4", "opened": "2026-11-18T16:30:00Z", "acknowledged": "2026-11-18T16:45:00Z",
				"pauses": [{"start": "2026-11-19T10:00:00Z", "reason": "awaiting-customer"}]`,
			asOf: "2026-11-23T10:00:00Z", status: Open,
			// 16:30-18:00 (1h30) + 08:00-10:00 (2h) = 3h30.
			clocks: []Clock{{Metric: "response", Priority: "P4", Elapsed: 15 * time.Minute}, {Metric: "resolution", Priority: "P4", Elapsed: 210 * time.Minute}},
			at:     "2026-11-23T10:00:00Z",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := Load(repoOf(t, map[string]string{
				"sms/sms":           smsJSON,
				"agreement/sla-web": agreementJSON(tc.calendar, ""),
				"incident/INC-2026-0001": `{"title": "x", "services": ["web"], "customer": "shop", "impact": "high", "urgency": "high",
					"status": "in-progress", ` + tc.ticket + `}`,
			}))
			if len(d.Problems) > 0 || len(d.Tickets) != 1 || len(d.Agreements) != 1 {
				t.Fatalf("load: %v, %d tickets, %d agreements", d.Problems, len(d.Tickets), len(d.Agreements))
			}
			o, ok := Evaluate(d.Agreements[0], d.Tickets[0], ts(t, tc.asOf))
			if !ok {
				t.Fatal("not measured")
			}
			if o.Status != tc.status || !o.At.Equal(ts(t, tc.at)) {
				t.Errorf("status %v at %v, want %v at %s", o.Status, o.At.UTC(), tc.status, tc.at)
			}
			if len(o.Clocks) != len(tc.clocks) {
				t.Fatalf("%d clocks, want %d", len(o.Clocks), len(tc.clocks))
			}
			for i, want := range tc.clocks {
				got := o.Clocks[i]
				if got.Metric != want.Metric || got.Priority != want.Priority || got.Elapsed != want.Elapsed ||
					got.Breached != want.Breached || got.Near != want.Near || !got.BreachedAt.Equal(want.BreachedAt) {
					t.Errorf("clock %d = %s %s elapsed %v breached %v at %v near %v; want %s %s elapsed %v breached %v at %v near %v",
						i, got.Metric, got.Priority, got.Elapsed, got.Breached, got.BreachedAt.UTC(), got.Near,
						want.Metric, want.Priority, want.Elapsed, want.Breached, want.BreachedAt.UTC(), want.Near)
				}
			}
		})
	}
}

func TestRequests(t *testing.T) {
	d := Load(repoOf(t, map[string]string{
		"sms/sms":           smsJSON,
		"agreement/sla-web": agreementJSON("uk-business", ""),
		// Fulfilled in 3 business days and 1 hour: Monday 09:00 to
		// Thursday 10:00 is 9h + 10h + 10h + 2h = 31h, of 3d = 30h.
		"request/REQ-2026-0001": `{"service": "web", "customer": "shop", "priority": "P4", "status": "closed",
			"opened": "2026-10-05T09:00:00+01:00", "acknowledged": "2026-10-05T09:30:00+01:00", "fulfilled": "2026-10-08T10:00:00+01:00"}`,
		// Rejected: its response is measured, its fulfilment is not.
		"request/REQ-2026-0002": `{"service": "web", "customer": "shop", "priority": "P4", "status": "rejected",
			"opened": "2026-10-05T09:00:00+01:00", "acknowledged": "2026-10-05T09:30:00+01:00", "closed": "2026-10-06T09:00:00+01:00"}`,
	}))
	asOf := ts(t, "2026-11-01T00:00:00Z")
	byID := map[string]*Ticket{}
	for _, tk := range d.Tickets {
		byID[tk.ID] = tk
	}
	o, ok := Evaluate(d.Agreements[0], byID["REQ-2026-0001"], asOf)
	if !ok || o.Status != Breached || len(o.Clocks) != 2 || o.Clocks[1].Metric != "fulfilment" || o.Clocks[1].Elapsed != 31*time.Hour {
		t.Errorf("fulfilled request: %+v", o)
	}
	// 3d = 30h is reached on Thursday at 09:00 BST.
	if !o.At.Equal(ts(t, "2026-10-08T08:00:00Z")) {
		t.Errorf("breached at %v, want 2026-10-08T08:00:00Z", o.At.UTC())
	}
	o, ok = Evaluate(d.Agreements[0], byID["REQ-2026-0002"], asOf)
	if !ok || o.Status != Met || len(o.Clocks) != 1 || o.Clocks[0].Metric != "response" {
		t.Errorf("rejected request: %+v", o)
	}
}

func TestParseTicketErrors(t *testing.T) {
	_, err := ParseTicket("incident", "INC-2026-0001", []byte(`{"opened": "2026-10-05T09:00:00Z", "resolved": "yesterday"}`))
	if err == nil || err.Error() != `incident INC-2026-0001: resolved: "yesterday" is not an RFC 3339 time` {
		t.Errorf("err = %v", err)
	}
}
