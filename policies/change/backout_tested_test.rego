package smsctl.rules.change.backout_tested_test

import data.smsctl.rules.change.backout_tested

base_change := {
	"title": "t", "type": "normal", "status": "scheduled", "requester": "carol",
	"raised": "2026-01-01T09:00:00Z", "reason": "r", "risk": "high", "impact": "low", "urgency": "low",
	"services": ["web"],
	"backout_plan": {"description": "roll back", "tested": true, "tested_on": "2026-01-03"},
}

mk(changes) := {"now": "2026-11-23T10:00:00Z", "sms": {}, "records": {"change": changes}}

test_silent_when_tested if {
	count(backout_tested.deny) == 0 with input as mk({"CHG-2026-0001": base_change})
}

test_silent_for_low_risk_untested if {
	c := object.union(base_change, {"risk": "low", "backout_plan": {"tested": false}})
	count(backout_tested.deny) == 0 with input as mk({"CHG-2026-0001": c})
}

test_silent_for_emergency_and_draft if {
	e := object.union(base_change, {"type": "emergency", "backout_plan": {"tested": false}})
	d := object.union(base_change, {"status": "draft", "backout_plan": {"tested": false}})
	count(backout_tested.deny) == 0 with input as mk({"CHG-2026-0001": e, "CHG-2026-0002": d})
}

test_fires_when_untested if {
	c := object.union(base_change, {"backout_plan": {"tested": false}})
	d := backout_tested.deny with input as mk({"CHG-2026-0001": c})
	count(d) == 1
	some f in d
	f.field == "backout_plan.tested"
}

test_fires_when_tested_absent if {
	# object.union merges nested objects, so replace the plan as a whole.
	c := object.union(object.remove(base_change, ["backout_plan"]), {"backout_plan": {"description": "roll back"}})
	count(backout_tested.deny) == 1 with input as mk({"CHG-2026-0001": c})
}

test_leaves_a_missing_plan_to_backout_plan if {
	# change.backout_plan reports a normal change without a backout plan.
	c := object.remove(base_change, ["backout_plan"])
	count(backout_tested.deny) == 0 with input as mk({"CHG-2026-0001": c})
}
