package reconcile

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	"github.com/smsctl/smsctl/internal/records"
	"github.com/smsctl/smsctl/internal/sla"
)

// measured is one month of an agreement's `measured` field, as the
// schema's #Measured has it.
type measured struct {
	Tickets      int      `json:"tickets"`
	Met          int      `json:"met"`
	Breached     int      `json:"breached"`
	Attainment   *float64 `json:"attainment,omitempty"`
	Availability *float64 `json:"availability,omitempty"`
	BelowTarget  []string `json:"below_target,omitempty"`
}

// reconcileSLASummaries writes each agreement's measured attainment of
// every closed calendar month (up to sla.History months back) into the
// agreement's `measured` field: a month not there yet is added, a month
// whose tickets changed since is corrected.
func reconcileSLASummaries(_ context.Context, in *Input) ([]Change, []Report, error) {
	if in.Now.IsZero() {
		return nil, nil, fmt.Errorf("no time of measurement")
	}
	periods := sla.ClosedPeriods(sla.Load(in.Records), in.Now)
	var out []Change
	ids := make([]string, 0, len(periods))
	for id := range periods {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		rec := in.Records.Lookup("agreement", id)
		if rec == nil || rec.Data == nil {
			continue
		}
		var d struct {
			Calendar string                     `json:"calendar"`
			Measured map[string]json.RawMessage `json:"measured"`
		}
		if err := json.Unmarshal(rec.Data, &d); err != nil {
			continue
		}
		for _, p := range periods[id] {
			m := measured{Tickets: p.Tickets, Met: p.Met, Breached: p.Breached, Attainment: p.Attainment, Availability: p.Availability}
			if len(p.BelowTarget) > 0 {
				m.BelowTarget = slices.Clone(p.BelowTarget)
			}
			value := jsonValue(m)
			old, had := d.Measured[p.Period]
			if had && sameJSON(old, value) {
				continue
			}
			c := Change{File: rec.File, Record: rec.Key(), Field: "measured." + p.Period, New: value,
				Evidence: fmt.Sprintf("%d %s decided in %s (%s to %s, calendar %s), measured as smsctl report sla --period %s does",
					p.Tickets, map[bool]string{true: "ticket", false: "tickets"}[p.Tickets == 1], p.Period, p.Start, p.End, d.Calendar, p.Period),
				Edit: &records.Edit{Op: records.EditSet, Path: []string{"measured", p.Period}, Value: value}}
			if had {
				c.Old = old
				c.Evidence = "the month's tickets changed since it was written: " + c.Evidence
			}
			out = append(out, c)
		}
	}
	return out, nil, nil
}

// sameJSON compares two JSON values by meaning: key order and number
// spelling aside.
func sameJSON(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	return bytes.Equal(jsonValue(x), jsonValue(y))
}
