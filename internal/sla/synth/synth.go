// Package synth generates synthetic SMS records for measuring service
// levels at scale: an SMS with business and 24x7 calendars, services with
// dependencies, SLAs, OLAs and UCs, and any number of incidents and
// requests spread over 2026 with realistic timings, pauses, priority
// changes and outages. It builds records in memory, as the loader returns
// them, for the sla benchmarks (go test -bench and smsbench sla).
package synth

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/smsctl/smsctl/internal/records"
)

// Year is the year the tickets are spread over.
const Year = 2026

// Now is the moment of measurement the generated data is built around:
// after every generated ticket was opened.
var Now = time.Date(Year+1, 1, 1, 0, 0, 0, 0, time.UTC)

var services = []struct {
	id, calendar string
	deps         []string
}{
	{"network", "24x7", nil},
	{"hosting", "24x7", []string{"network"}},
	{"database", "24x7", []string{"hosting"}},
	{"web", "24x7", []string{"database"}},
	{"email", "24x7", []string{"network"}},
	{"identity", "24x7", []string{"network"}},
	{"backup", "24x7", []string{"network"}},
	{"desk", "uk-business", nil},
	{"monitoring", "24x7", []string{"network"}},
	{"storage", "24x7", []string{"hosting"}},
}

var customers = []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"}

const sms = `{"organisation": "Synthetic Ltd", "calendars": {
	"24x7": {"timezone": "Europe/London"},
	"uk-business": {"timezone": "Europe/London",
		"business_hours": {"mon": {"start": "08:00", "end": "18:00"}, "tue": {"start": "08:00", "end": "18:00"},
			"wed": {"start": "08:00", "end": "18:00"}, "thu": {"start": "08:00", "end": "18:00"}, "fri": {"start": "08:00", "end": "18:00"}},
		"holidays": ["2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28"]}}}`

const targets = `"targets": {"P1": {"response": "15min", "resolution": "4h"}, "P2": {"response": "30min", "resolution": "8h"},
	"P3": {"response": "4h", "resolution": "2d"}, "P4": {"response": "1d", "resolution": "5d"}, "P5": {"response": "2d", "resolution": "10d"}}`

// Repository returns an SMS with n tickets (nine incidents to each
// request), the same for the same seed.
func Repository(n int, seed uint64) *records.Repository {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	var recs []*records.Record
	add := func(kind, id, data string) {
		if !json.Valid([]byte(data)) {
			panic(fmt.Sprintf("synth: %s %s: invalid JSON", kind, id))
		}
		recs = append(recs, &records.Record{Kind: kind, ID: id, File: kind + "/" + id + ".cue", Valid: true, Data: json.RawMessage(data)})
	}
	add("sms", "sms", sms)
	for _, s := range services {
		deps, _ := json.Marshal(s.deps)
		add("service", s.id, fmt.Sprintf(`{"name": %q, "status": "live", "calendar": %q, "availability_target": 99.9, "customers": %s, "depends_on": {"services": %s}}`,
			s.id, s.calendar, mustJSON(customers), deps))
	}
	var slas []string
	for i, c := range customers {
		cal := "24x7"
		if i%2 == 1 {
			cal = "uk-business"
		}
		id := "sla-" + c
		slas = append(slas, id)
		add("agreement", id, fmt.Sprintf(`{"type": "SLA", "title": "SLA %s", "customer": %q, "services": ["hosting", "database", "web", "email", "desk", "backup"],
			"period": {"start": "2025-01-01"}, "calendar": %q, %s, "request_fulfilment": "3d", "availability_target": 99.5, "attainment_target": 95,
			"pause_conditions": ["awaiting-customer", "customer-approval"]}`, c, c, cal, targets))
	}
	add("agreement", "ola-platform", fmt.Sprintf(`{"type": "OLA", "title": "OLA platform", "team": "platform", "services": ["network", "hosting", "database", "web", "storage", "backup", "monitoring"],
		"underpins": %s, "period": {"start": "2025-01-01"}, "calendar": "24x7", %s, "request_fulfilment": "2d", "availability_target": 99.5}`, mustJSON(slas), targets))
	add("agreement", "ola-desk", fmt.Sprintf(`{"type": "OLA", "title": "OLA desk", "team": "desk", "services": ["desk", "email", "identity"],
		"underpins": %s, "period": {"start": "2025-01-01"}, "calendar": "uk-business", %s, "request_fulfilment": "2d"}`, mustJSON(slas), targets))
	add("agreement", "uc-network", fmt.Sprintf(`{"type": "UC", "title": "UC network", "supplier": "carrier", "services": ["network"],
		"underpins": %s, "period": {"start": "2025-01-01"}, "calendar": "24x7", %s, "availability_target": 99.95, "pause_conditions": ["scheduled-maintenance"]}`, mustJSON(slas), targets))
	add("agreement", "uc-mail", fmt.Sprintf(`{"type": "UC", "title": "UC mail", "supplier": "mailco", "services": ["email"],
		"underpins": %s, "period": {"start": "2025-01-01"}, "calendar": "24x7", %s, "availability_target": 99.9}`, mustJSON(slas), targets))

	start := time.Date(Year, 1, 1, 0, 0, 0, 0, time.UTC)
	span := float64(365 * 24 * time.Hour)
	ts := func(t time.Time) string { return t.Format(time.RFC3339) }
	for i := range n {
		opened := start.Add(time.Duration(rng.Float64() * span)).Truncate(time.Minute)
		prio := 1 + weighted(rng, []float64{0.02, 0.08, 0.3, 0.45, 0.15})
		svc := services[rng.IntN(len(services))].id
		customer := customers[rng.IntN(len(customers))]
		ack := opened.Add(time.Duration(1+rng.IntN(90*prio)) * time.Minute)
		// Resolution times spread around the target of the priority.
		typical := []float64{3, 6, 20, 60, 120}[prio-1]
		resolved := opened.Add(time.Duration(typical * math.Exp(rng.NormFloat64()*0.8) * float64(time.Hour))).Truncate(time.Minute)
		var b []byte
		isRequest := i%10 == 9
		kind, prefix := "incident", "INC"
		if isRequest {
			kind, prefix = "request", "REQ"
			b = fmt.Appendf(b, `{"title": "Request %d", "service": %q, "customer": %q, "priority": "P%d", "opened": %q, "acknowledged": %q`,
				i, svc, customer, prio, ts(opened), ts(ack))
		} else {
			b = fmt.Appendf(b, `{"title": "Incident %d", "services": [%q], "customer": %q, "impact": "medium", "urgency": "medium", "priority": "P%d", "opened": %q, "acknowledged": %q`,
				i, svc, customer, prio, ts(opened), ts(ack))
		}
		open := rng.IntN(100) < 2 && resolved.After(Now.Add(-60*24*time.Hour))
		switch {
		case open:
			b = fmt.Appendf(b, `, "status": "in-progress"`)
		case isRequest:
			b = fmt.Appendf(b, `, "status": "closed", "fulfilled": %q, "closed": %q`, ts(resolved), ts(resolved.Add(20*time.Hour)))
		default:
			b = fmt.Appendf(b, `, "status": "closed", "resolved": %q, "closed": %q`, ts(resolved), ts(resolved.Add(20*time.Hour)))
		}
		if rng.IntN(10) == 0 && resolved.Sub(ack) > 2*time.Hour {
			p := ack.Add(resolved.Sub(ack) / 3)
			b = fmt.Appendf(b, `, "pauses": [{"start": %q, "end": %q, "reason": "awaiting-customer"}]`, ts(p), ts(p.Add(resolved.Sub(ack)/3)))
		}
		if !isRequest && prio > 1 && rng.IntN(30) == 0 {
			b = fmt.Appendf(b, `, "priority_history": [{"priority": "P%d", "until": %q}]`, prio-1, ts(ack.Add(30*time.Minute)))
		}
		if !isRequest && prio <= 2 && rng.IntN(20) == 0 {
			b = fmt.Appendf(b, `, "outage": {"start": %q, "end": %q, "services": [%q]}`, ts(opened.Add(-5*time.Minute)), ts(opened.Add(time.Duration(10+rng.IntN(120))*time.Minute)), svc)
		}
		b = append(b, '}')
		recs = append(recs, &records.Record{Kind: kind, ID: fmt.Sprintf("%s-%d-%07d", prefix, Year, i+1), Valid: true, Data: b})
	}
	return &records.Repository{Records: recs}
}

func weighted(rng *rand.Rand, w []float64) int {
	x := rng.Float64()
	for i, p := range w {
		if x < p {
			return i
		}
		x -= p
	}
	return len(w) - 1
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
