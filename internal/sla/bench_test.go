package sla_test

import (
	"encoding/json"
	"io"
	"testing"

	"github.com/smsctl/smsctl/internal/sla"
	"github.com/smsctl/smsctl/internal/sla/synth"
)

// BenchmarkMeasure measures a year of 100,000 generated tickets, from the
// records' JSON to the report's JSON: what `smsctl report sla --period 2026
// -o json` does after loading the files. `go run ./cmd/smsbench sla` runs
// the same at a million.
func BenchmarkMeasure(b *testing.B) {
	repo := synth.Repository(100_000, 1)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r, err := sla.Measure(sla.Load(repo), sla.Options{From: "2026-01-01", To: "2026-12-31", AsOf: synth.Now})
		if err != nil {
			b.Fatal(err)
		}
		if err := json.NewEncoder(io.Discard).Encode(r); err != nil {
			b.Fatal(err)
		}
	}
}

// The generated data loads without problems and gives every outcome:
// met, breached and open tickets, near breaches, outages.
func TestSynthMeasures(t *testing.T) {
	repo := synth.Repository(5000, 1)
	d := sla.Load(repo)
	if len(d.Problems) > 0 || len(d.Tickets) != 5000 || len(d.Agreements) != 12 {
		t.Fatalf("problems %v, %d tickets, %d agreements", d.Problems, len(d.Tickets), len(d.Agreements))
	}
	r, err := sla.Measure(d, sla.Options{From: "2026-01-01", To: "2026-12-31", AsOf: synth.Now})
	if err != nil {
		t.Fatal(err)
	}
	var total sla.Tally
	for _, a := range r.Agreements {
		total.Tickets += a.Total.Tickets
		total.Met += a.Total.Met
		total.Breached += a.Total.Breached
		total.Near += a.Total.Near
		total.Open += a.Total.Open
	}
	if total.Met == 0 || total.Breached == 0 || total.Near == 0 || total.Open == 0 {
		t.Errorf("outcomes %+v: want some of each", total)
	}
	down := false
	for _, s := range r.Services {
		down = down || (s.Total != nil && s.Total.Downtime > 0)
	}
	if !down {
		t.Error("no service has downtime")
	}
}
