package sla

import "time"

// Period is one agreement's attainment and availability in one closed
// calendar month: the measurements the policies judge.
type Period struct {
	// Period is the month, YYYY-MM, in the agreement's time zone.
	Period string `json:"period"`
	// Start and End are its first and last day.
	Start              string   `json:"start"`
	End                string   `json:"end"`
	Tickets            int      `json:"tickets"`
	Met                int      `json:"met"`
	Breached           int      `json:"breached"`
	Attainment         *float64 `json:"attainment"`
	AttainmentTarget   *float64 `json:"attainment_target"`
	Availability       *float64 `json:"availability"`
	AvailabilityTarget *float64 `json:"availability_target"`
	// BelowTarget names what fell short: "attainment", "availability".
	BelowTarget []string `json:"below_target"`
}

// History is how many months back ClosedPeriods looks.
const History = 24

// ClosedPeriods measures every agreement in each calendar month that ended
// before now, up to History months back, while the agreement was in force.
// It returns the months by agreement ID.
func ClosedPeriods(d *Data, now time.Time) map[string][]Period {
	now = now.UTC()
	first := time.Date(now.Year(), now.Month()-History, 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(now.Year(), now.Month(), 0, 0, 0, 0, 0, time.UTC) // the previous month's last day
	out := map[string][]Period{}
	r, err := Measure(d, Options{From: first.Format(time.DateOnly), To: last.Format(time.DateOnly), AsOf: now})
	if err != nil {
		return out
	}
	byID := map[string]*Agreement{}
	for _, a := range d.Agreements {
		byID[a.ID] = a
	}
	for _, ar := range r.Agreements {
		a := byID[ar.ID]
		periods := []Period{}
		for _, m := range ar.Months {
			start, _ := time.ParseInLocation("2006-01", m.Month, a.Calendar.Location)
			end := start.AddDate(0, 1, 0)
			if !end.After(a.Start) || (!a.End.IsZero() && !start.Before(a.End)) {
				continue
			}
			p := Period{
				Period: m.Month, Start: start.Format(time.DateOnly), End: end.AddDate(0, 0, -1).Format(time.DateOnly),
				Tickets: m.Tickets, Met: m.Met, Breached: m.Breached, Attainment: m.Attainment,
				AttainmentTarget: a.AttainmentTarget, AvailabilityTarget: a.AvailabilityTarget,
				BelowTarget: m.BelowTarget,
			}
			if m.Availability != nil {
				v := m.Availability.Percent
				p.Availability = &v
			}
			if p.BelowTarget == nil {
				p.BelowTarget = []string{}
			}
			periods = append(periods, p)
		}
		out[ar.ID] = periods
	}
	return out
}
