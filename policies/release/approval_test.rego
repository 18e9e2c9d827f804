package smsctl.rules.release.approval_test

import data.smsctl.rules.release.approval

roles := {
	"service-owner": {"name": "SO", "description": "d", "authorities": ["approve-release"]},
	"engineer": {"name": "Eng", "description": "d"},
}

people := {
	"tom": {"name": "Tom", "type": "person", "roles": ["service-owner"]},
	"liam": {"name": "Liam", "type": "person", "roles": ["engineer", "service-owner"]},
}

ok := {"by": "tom", "role": "service-owner", "at": "2026-03-10T09:00:00Z", "decision": "approved"}

rel(extra) := object.union(
	{
		"title": "t", "status": "deployed", "services": ["web"],
		"deployed_at": "2026-03-10T23:00:00Z", "deployed_by": "liam", "approvals": [ok],
	},
	extra,
)

mk(releases) := {"now": "2026-11-23T10:00:00Z", "sms": {}, "records": {"release": releases, "person": people, "role": roles}}

test_silent_when_approved_before_deployment if {
	d := mk({
		"REL-0001": rel({}),
		"REL-0002": object.remove(rel({"status": "tested"}), ["approvals"]),
		# approved at the very moment of deployment.
		"REL-0003": rel({"approvals": [object.union(ok, {"at": "2026-03-11T00:00:00+01:00"})]}),
	})
	count(approval.deny) == 0 with input as d
}

test_fires_without_an_authorised_approval if {
	d := mk({
		"REL-0001": object.remove(rel({}), ["approvals"]),
		"REL-0002": rel({"approvals": [object.union(ok, {"role": "engineer"})]}),
		"REL-0003": rel({"approvals": [object.union(ok, {"at": "2026-03-11T09:00:00Z"})]}),
		"REL-0004": rel({"approvals": [object.union(ok, {"by": "liam"})]}),
		"REL-0005": rel({"status": "rolled-back", "approvals": [object.union(ok, {"decision": "rejected"})]}),
	})
	{f.id | some f in approval.deny with input as d} == {"REL-0001", "REL-0002", "REL-0003", "REL-0004", "REL-0005"}
}
