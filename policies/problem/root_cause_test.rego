package smsctl.rules.problem.root_cause_test

import data.smsctl.rules.problem.root_cause

roles := {
	"risk-owner": {"name": "R", "description": "d", "authorities": ["accept-risk"]},
	"engineer": {"name": "E", "description": "d"},
}

people := {"olivia": {"name": "O", "type": "person", "roles": ["risk-owner"]}, "liam": {"name": "L", "type": "person", "roles": ["engineer"]}}

prb(status, extra) := object.union({"title": "t", "status": status, "owner": "liam", "opened": "2026-01-01T09:00:00Z"}, extra)

accepted(by) := {"risk_accepted": {"by": by, "on": "2026-03-01", "reason": "Supplier's platform; not reproducible."}}

mk(problems) := {"now": "2026-11-23T10:00:00Z", "sms": {}, "records": {"problem": problems, "person": people, "role": roles}}

test_silent_with_root_cause_or_accepted_risk if {
	d := mk({
		"PRB-0001": prb("closed", {"root_cause": "Memory leak"}),
		"PRB-0002": prb("resolved", accepted("olivia")),
		"PRB-0003": prb("investigating", {}),
	})
	count(root_cause.deny) == 0 with input as d
}

test_fires_without_either if {
	d := mk({
		"PRB-0001": prb("closed", {"root_cause": "  "}),
		"PRB-0002": prb("resolved", accepted("liam")),
	})
	ds := root_cause.deny with input as d
	{f.id | some f in ds} == {"PRB-0001", "PRB-0002"}
	some f in ds
	f.id == "PRB-0002"
	contains(f.msg, "liam, who accepted the risk, holds no role that grants accept-risk")
}
