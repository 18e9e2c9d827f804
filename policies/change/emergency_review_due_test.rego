package smsctl.rules.change.emergency_review_due_test

import data.smsctl.rules.change.emergency_review_due

roles := {"change-manager": {"name": "CM", "description": "d", "authorities": ["approve-emergency-change"]}}

people := {"alice": {"name": "Alice", "type": "person", "roles": ["change-manager"]}}

retro := {"by": "alice", "role": "change-manager", "at": "2026-11-21T09:00:00Z", "decision": "approved", "retrospective": true}

pir := {"date": "2026-11-22", "by": "alice", "successful": true, "summary": "s"}

change(extra) := object.union(
	{
		"title": "t", "type": "emergency", "status": "implemented", "requester": "carol",
		"raised": "2026-11-20T09:00:00Z", "reason": "r", "risk": "high", "impact": "high", "urgency": "high",
		"services": ["web"],
		"actual": {"start": "2026-11-20T10:00:00Z", "end": "2026-11-20T12:00:00Z"},
	},
	extra,
)

mk(changes) := {
	"now": "2026-11-23T10:00:00Z",
	"today": "2026-11-23",
	"sms": {},
	"records": {"role": roles, "person": people, "change": changes},
}

test_warns_while_review_is_not_yet_due if {
	d := emergency_review_due.deny with input as mk({"CHG-2026-0001": change({})})
	{f.field | some f in d} == {"approvals", "pir"}
}

test_warns_on_the_day_the_review_is_due if {
	# ended 2026-11-18T00:00: due 2026-11-23T00:00, today.
	c := change({"actual": {"start": "2026-11-17T22:00:00Z", "end": "2026-11-18T00:00:00Z"}, "approvals": [retro]})
	d := emergency_review_due.deny with input as mk({"CHG-2026-0001": c})
	{f.field | some f in d} == {"pir"}
}

test_silent_when_approved_and_reviewed if {
	c := change({"approvals": [retro], "pir": pir})
	count(emergency_review_due.deny) == 0 with input as mk({"CHG-2026-0001": c})
}

test_silent_once_due if {
	# overdue: change.emergency_review reports it as an error instead.
	c := change({"actual": {"start": "2026-11-01T10:00:00Z", "end": "2026-11-01T12:00:00Z"}})
	count(emergency_review_due.deny) == 0 with input as mk({"CHG-2026-0001": c})
}

test_silent_for_scheduled_emergency if {
	c := change({"status": "scheduled"})
	count(emergency_review_due.deny) == 0 with input as mk({"CHG-2026-0001": c})
}
