package smsctl.rules.change.standard_risk_test

import data.smsctl.rules.change.standard_risk

change(extra) := object.union(
	{
		"title": "t", "type": "standard", "template": "cert-renewal", "status": "closed", "requester": "carol",
		"raised": "2026-01-01T09:00:00Z", "reason": "r", "risk": "low", "impact": "low", "urgency": "low",
		"services": ["web"],
	},
	extra,
)

mk(changes) := {"now": "2026-11-23T10:00:00Z", "sms": {}, "records": {"change": changes}}

test_silent_on_low_risk_standard_and_high_risk_normal if {
	d := mk({
		"CHG-2026-0001": change({}),
		"CHG-2026-0002": change({"type": "normal", "risk": "high"}),
		"CHG-2026-0003": change({"risk": "medium", "status": "rejected"}),
	})
	count(standard_risk.deny) == 0 with input as d
}

test_fires_on_medium_risk_standard_change if {
	d := standard_risk.deny with input as mk({"CHG-2026-0001": change({"risk": "medium", "status": "submitted"})})
	d == {{
		"kind": "change", "id": "CHG-2026-0001", "field": "risk",
		"msg": "standard change CHG-2026-0001 is assessed as medium risk; only low-risk changes may be standard changes",
	}}
}

# smsctl indexes the changes by type (input.change_types): the rule reads
# the standard changes it lists.
test_reads_the_standard_changes_the_index_lists if {
	doc := {
		"records": {"change": {
			"CHG-2026-0001": {"type": "standard", "status": "approved", "risk": "high"},
			"CHG-2026-0002": {"type": "standard", "status": "approved", "risk": "high"},
		}},
		"change_types": {"standard": ["CHG-2026-0002"]},
	}
	ds := standard_risk.deny with input as doc
	{f.id | some f in ds} == {"CHG-2026-0002"}
}
