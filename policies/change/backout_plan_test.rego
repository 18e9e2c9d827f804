package smsctl.rules.change.backout_plan_test

import data.smsctl.rules.change.backout_plan

change(extra) := object.union(
	{
		"title": "t", "type": "normal", "status": "approved", "requester": "carol",
		"raised": "2026-01-01T09:00:00Z", "reason": "r", "risk": "low", "impact": "low", "urgency": "low",
		"services": ["web"], "backout_plan": {"description": "Redeploy the previous image."},
	},
	extra,
)

mk(changes) := {"now": "2026-11-23T10:00:00Z", "sms": {}, "records": {"change": changes}}

test_silent_with_a_plan_or_before_approval if {
	d := mk({
		"CHG-2026-0001": change({}),
		"CHG-2026-0002": object.remove(change({"status": "submitted"}), ["backout_plan"]),
		"CHG-2026-0003": object.remove(change({"type": "standard"}), ["backout_plan"]),
	})
	count(backout_plan.deny) == 0 with input as d
}

test_fires_on_low_risk_normal_change_without_plan if {
	d := backout_plan.deny with input as mk({"CHG-2026-0001": object.remove(change({}), ["backout_plan"])})
	d == {{
		"kind": "change", "id": "CHG-2026-0001", "field": "backout_plan",
		"msg": "normal change CHG-2026-0001 (low risk) is approved but has no backout plan",
	}}
}

test_fires_on_an_empty_plan if {
	count(backout_plan.deny) == 1 with input as mk({"CHG-2026-0001": change({"backout_plan": {"description": " "}})})
}
