package auditctl

import (
	"testing"
	"time"

	"github.com/smsctl/smsctl/internal/records"
)

func TestInterval(t *testing.T) {
	for _, tc := range []struct {
		in      string
		y, m, d int
	}{{"", 0, 12, 0}, {"6mo", 0, 6, 0}, {"1y", 1, 0, 0}, {"2w", 0, 0, 14}, {"90d", 0, 0, 90}, {"soon", 0, 12, 0}} {
		if y, m, d := interval(tc.in); y != tc.y || m != tc.m || d != tc.d {
			t.Errorf("interval(%q) = %d, %d, %d; want %d, %d, %d", tc.in, y, m, d, tc.y, tc.m, tc.d)
		}
	}
}

// Every clause of DESIGN.md's table has a row, and an SMS of nothing but
// sms.cue has gaps, each with a reason.
func TestReadinessClauses(t *testing.T) {
	repo := &records.Repository{Records: []*records.Record{{Kind: "sms", ID: "sms", Valid: true,
		Data: []byte(`{"scope":{"statement":"all"},"policy":{"statement":"p","approved_by":"a","approved_on":"2026-01-01","review_by":"2026-06-01"}}`)}}}
	rep := Readiness(repo, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), nil)
	want := []string{"4.3, 4.4", "5.2", "5.3", "6.1, 6.2", "7.5", "8.2.4", "8.2.5, 8.2.6", "8.3.3", "8.3.4", "8.5.1", "8.5.3", "8.6.1", "8.6.2", "8.6.3", "8.7.1, 8.7.2", "8.7.3", "9.1, 9.4", "9.2", "9.3", "10.1", "10.2"}
	if len(rep.Clauses) != len(want) {
		t.Fatalf("%d clauses, want %d", len(rep.Clauses), len(want))
	}
	status := map[string]string{}
	for i, c := range rep.Clauses {
		if c.Clause != want[i] || c.Reason == "" {
			t.Errorf("row %d: %q, reason %q; want clause %q with a reason", i, c.Clause, c.Reason, want[i])
		}
		status[c.Clause] = c.Status
	}
	if status["4.3, 4.4"] != Partial || status["5.2"] != Partial || status["8.5.1"] != Missing || status["7.5"] != Missing {
		t.Errorf("statuses %v", status)
	}
	if rep.Ready() || rep.Met+rep.Partial+rep.Missing != len(want) {
		t.Errorf("ready %v, %d met %d partial %d missing", rep.Ready(), rep.Met, rep.Partial, rep.Missing)
	}
}
