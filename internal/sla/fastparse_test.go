package sla

import (
	"os"
	"reflect"
	"testing"

	"github.com/smsctl/smsctl/internal/records"
	"github.com/smsctl/smsctl/internal/sla/synth"
)

// The scanner reads what encoding/json reads, or gives way to it.
func checkSame(t *testing.T, kind, id string, data []byte) bool {
	t.Helper()
	fast, ok := fastTicket(kind, id, data, interner{})
	slow, err := slowTicket(kind, id, data)
	if !ok {
		return false
	}
	if err != nil {
		t.Errorf("%s: the scanner accepted what encoding/json rejects (%v): %s", id, err, data)
		return true
	}
	if !reflect.DeepEqual(normal(fast), normal(slow)) {
		t.Errorf("%s: scanner %+v, encoding/json %+v", id, fast, slow)
	}
	return true
}

// normal treats an empty list as an absent one: the same to the clock.
func normal(t *Ticket) *Ticket {
	c := *t
	if len(c.Services) == 0 {
		c.Services = nil
	}
	if len(c.History) == 0 {
		c.History = nil
	}
	if len(c.Pauses) == 0 {
		c.Pauses = nil
	}
	if c.Outage != nil && len(c.Outage.Services) == 0 {
		o := *c.Outage
		o.Services = nil
		c.Outage = &o
	}
	return &c
}

func TestFastTicketMatchesEncodingJSON(t *testing.T) {
	repo, err := records.Load(os.DirFS("../../examples/acme"), records.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range append(repo.Records, synth.Repository(2000, 7).Records...) {
		if r.Kind != "incident" && r.Kind != "request" {
			continue
		}
		if !checkSame(t, r.Kind, r.ID, r.Data) {
			t.Errorf("%s: the scanner gave way on a plain record: %s", r.ID, r.Data)
		}
		n++
	}
	if n < 2000 {
		t.Fatalf("checked %d tickets", n)
	}
	for _, tc := range []struct {
		data string
		fast bool
	}{
		{` { "opened" : "2026-10-05T09:00:00+01:00" , "services":[ "a" ,"b" ], "x": {"y": [1, true, null, "\"q\""]}, "n": -1.5e3 } `, true},
		{`{"opened": "2026-10-05T09:00:00-05:30", "pauses": [{"start": "2026-10-05T10:00:00Z", "reason": "other", "note": 1}]}`, true},
		{`{"opened": "2026-10-05T09:00:00Z", "title": "a \"quoted\" title"}`, true},
		{`{"opened": "2026-10-05T09:00:00Z", "customer": "a\u00e9"}`, false}, // escape in a kept value
		{`{"opened": "2026-10-05T09:00:00.5Z"}`, false},                      // fractional seconds
		{`{"opened": "2026-02-30T09:00:00Z"}`, false},                        // no such day
		{`{"opened": "2026-10-05T09:00:00Z"} x`, false},                      // trailing data
		{`{"opened": "2026-10-05T09:00:00Z", "status": "closed", "closed": "2026-10-06T09:00:00Z"}`, true},
		{`{"services": ["a"]}`, false}, // no opened
	} {
		if got := checkSame(t, "incident", "INC-2026-0001", []byte(tc.data)); got != tc.fast {
			t.Errorf("%s: scanner took it: %v, want %v", tc.data, got, tc.fast)
		}
	}
}

func FuzzFastTicket(f *testing.F) {
	f.Add([]byte(`{"opened": "2026-10-05T09:00:00+01:00", "services": ["a"], "pauses": [{"start": "2026-10-05T10:00:00Z", "end": "2026-10-05T11:00:00Z", "reason": "other"}], "outage": {"start": "2026-10-05T10:00:00Z", "services": ["a"]}}`))
	f.Add([]byte(`{"opened": "2026-10-05T09:00:00Z", "priority_history": [{"priority": "P3", "until": "2026-10-05T10:00:00Z"}], "x": [{"y": null}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkSame(t, "incident", "INC-2026-0001", data)
	})
}
