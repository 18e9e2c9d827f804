package smsctl.rules.change.actual_window_test

import data.smsctl.rules.change.actual_window

base_change := {
	"title": "t", "type": "normal", "status": "implemented", "requester": "carol",
	"raised": "2026-01-01T09:00:00Z", "reason": "r", "risk": "low", "impact": "low", "urgency": "low",
	"services": ["web"],
	"actual": {"start": "2026-01-05T10:00:00Z", "end": "2026-01-05T11:00:00+01:00"},
}

mk(changes) := {"now": "2026-11-23T10:00:00Z", "sms": {}, "records": {"change": changes}}

test_silent_with_window if {
	# 11:00+01:00 is 10:00Z: an end equal to the start is allowed.
	count(actual_window.deny) == 0 with input as mk({"CHG-2026-0001": base_change})
}

test_silent_for_scheduled_and_failed if {
	s := object.remove(object.union(base_change, {"status": "scheduled"}), ["actual"])
	f := object.remove(object.union(base_change, {"status": "failed"}), ["actual"])
	count(actual_window.deny) == 0 with input as mk({"CHG-2026-0001": s, "CHG-2026-0002": f})
}

test_fires_twice_without_actual if {
	c := object.remove(object.union(base_change, {"status": "closed"}), ["actual"])
	d := actual_window.deny with input as mk({"CHG-2026-0001": c})
	{f.field | some f in d} == {"actual.start", "actual.end"}
}

test_fires_without_end if {
	# object.union merges nested objects, so replace actual as a whole.
	c := object.union(object.remove(base_change, ["actual"]), {"status": "reviewed", "actual": {"start": "2026-01-05T10:00:00Z"}})
	d := actual_window.deny with input as mk({"CHG-2026-0001": c})
	d == {{
		"kind": "change", "id": "CHG-2026-0001", "field": "actual.end",
		"msg": "change CHG-2026-0001 is reviewed but has no actual.end",
	}}
}

test_fires_when_end_before_start if {
	c := object.union(base_change, {"actual": {"start": "2026-01-05T10:00:00Z", "end": "2026-01-05T09:59:00Z"}})
	d := actual_window.deny with input as mk({"CHG-2026-0001": c})
	count(d) == 1
	some f in d
	contains(f.msg, "before it started")
}
