package auditctl

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/smsctl/smsctl/internal/records"
)

func changeRecords(n int, reverse bool) *records.Repository {
	repo := &records.Repository{}
	for i := range n {
		j := i
		if reverse {
			j = n - 1 - i
		}
		typ := []string{"normal", "standard", "emergency"}[j%3]
		data := fmt.Sprintf(`{"title":"t%d","type":%q,"status":"closed","raised":"2026-%02d-10T09:00:00Z","services":["s%d"]}`, j, typ, j%12+1, j%2)
		repo.Records = append(repo.Records, &records.Record{Kind: "change", ID: fmt.Sprintf("CHG-2026-%04d", j+1), Valid: true, Data: []byte(data)})
	}
	return repo
}

func ids(r *SampleReport) []string {
	var out []string
	for _, s := range r.Records {
		out = append(out, s.ID)
	}
	return out
}

func TestSample(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts SampleOptions
		want int
	}{
		{"plain", SampleOptions{Kind: "change", Size: 5, Seed: "s"}, 5},
		{"per type", SampleOptions{Kind: "change", Size: 2, Seed: "s", Stratify: "type"}, 6},
		{"per first service", SampleOptions{Kind: "change", Size: 2, Seed: "s", Stratify: "services"}, 4},
		{"period", SampleOptions{Kind: "change", Size: 100, Seed: "s", Since: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2026, 4, 30, 0, 0, 0, 0, time.UTC)}, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := Sample(changeRecords(60, false), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			b, err := Sample(changeRecords(60, true), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Records) != tc.want || !slices.Equal(ids(a), ids(b)) {
				t.Errorf("drew %v and, from the records in reverse order, %v; want %d the same", ids(a), ids(b), tc.want)
			}
			// Within a stratum, records come by key: the first has the
			// least key of its stratum's population.
			for _, s := range a.Records {
				if s.Key != SampleKey(tc.opts.Seed, s.ID) {
					t.Errorf("%s: key %s", s.ID, s.Key)
				}
			}
		})
	}
	a, _ := Sample(changeRecords(60, false), SampleOptions{Kind: "change", Size: 5, Seed: "s"})
	b, _ := Sample(changeRecords(60, false), SampleOptions{Kind: "change", Size: 5, Seed: "t"})
	if slices.Equal(ids(a), ids(b)) {
		t.Errorf("seeds s and t drew the same %v", ids(a))
	}
	// The least keys of the whole population, in order.
	var all []string
	for i := range 60 {
		all = append(all, SampleKey("s", fmt.Sprintf("CHG-2026-%04d", i+1)))
	}
	slices.Sort(all)
	for i, s := range a.Records {
		if s.Key != all[i] {
			t.Errorf("record %d has key %s, want the %d-th least %s", i, s.Key, i, all[i])
		}
	}
	if _, err := Sample(changeRecords(3, false), SampleOptions{Kind: "problem", Size: 1}); err == nil {
		t.Error("kind problem was sampled")
	}
	if _, err := Sample(changeRecords(3, false), SampleOptions{Kind: "change", Size: 1, Stratify: "colour"}); err == nil {
		t.Error("an unknown stratify field was accepted")
	}
}
