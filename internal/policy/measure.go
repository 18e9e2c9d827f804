package policy

import (
	"encoding/json"
	"time"

	"github.com/smsctl/smsctl/internal/records"
	"github.com/smsctl/smsctl/internal/sla"
)

// measurements is the input's "measurements" value: what the records
// measure, for rules that judge performance rather than records.
//
//	{"sla": {"<agreement id>": [{"period": "YYYY-MM", "start", "end",
//	  "tickets", "met", "breached", "attainment", "attainment_target",
//	  "availability", "availability_target", "below_target": [...]}]}}
//
// Each agreement's closed calendar months (ended before now, up to
// sla.History months back), in its calendar's time zone; see package sla
// for how they are measured.
func measurements(repo *records.Repository, now time.Time) []byte {
	m := map[string]any{"sla": sla.ClosedPeriods(sla.Load(repo), now)}
	data, _ := json.Marshal(m)
	return data
}
