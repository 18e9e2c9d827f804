package smsctl.rules.problem.known_error_test

import data.smsctl.rules.problem.known_error

doc(problems) := {
	"now": "2026-11-23T10:00:00Z",
	"today": "2026-11-23",
	"sms": {},
	"records": {"problem": problems},
}

prb(status, extra) := object.union(
	{"title": "Disk fills up", "status": status, "owner": "marcus-reid", "opened": "2026-10-01T09:00:00Z"},
	extra,
)

ke(workaround) := {"recorded": "2026-10-03", "description": "Log rotation fails", "workaround": workaround}

test_silent_on_valid_problems if {
	d := doc({
		"PRB-0001": prb("known-error", {"known_error": ke("Rotate logs by hand")}),
		"PRB-0002": prb("investigating", {}),
		"PRB-0003": prb("resolved", {"known_error": ke("")}),
	})
	count(known_error.deny) == 0 with input as d
}

test_fires_without_known_error_record if {
	d := doc({"PRB-0001": prb("known-error", {})})
	ds := known_error.deny with input as d
	count(ds) == 1
	some f in ds
	f.id == "PRB-0001"
	f.field == "known_error"
}

test_fires_on_empty_workaround if {
	d := doc({"PRB-0001": prb("known-error", {"known_error": ke("  ")})})
	ds := known_error.deny with input as d
	count(ds) == 1
	some f in ds
	f.id == "PRB-0001"
	f.field == "known_error.workaround"
}
