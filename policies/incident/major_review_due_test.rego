package smsctl.rules.incident.major_review_due_test

import data.smsctl.rules.incident.major_review

import data.smsctl.rules.incident.major_review_due

doc(sms, incidents) := {
	"now": "2026-11-23T10:00:00Z",
	"today": "2026-11-23",
	"sms": sms,
	"records": {"incident": incidents, "problem": {"PRB-0001": {}}},
}

inc(resolved) := {
	"title": "Outage", "services": ["hosting"], "impact": "high", "urgency": "high", "priority": "P1",
	"status": "resolved", "opened": "2026-11-01T09:00:00Z", "resolved": resolved,
	"major": true, "problem": "PRB-0001",
}

test_warns_while_review_not_yet_due if {
	d := doc({}, {"INC-2026-0001": inc("2026-11-21T09:00:00Z")})
	ds := major_review_due.deny with input as d
	{f.field | some f in ds} == {"review"}
	count(major_review.deny) == 0 with input as d
}

test_error_once_due if {
	# resolved 2026-11-17T09:00: due 2026-11-22T09:00, before today.
	d := doc({}, {"INC-2026-0001": inc("2026-11-17T09:00:00Z")})
	count(major_review_due.deny) == 0 with input as d
	ds := major_review.deny with input as d
	{f.field | some f in ds} == {"review"}
}

test_configured_window if {
	d := doc({"incident_management": {"major_review_within": "10d"}}, {"INC-2026-0001": inc("2026-11-17T09:00:00Z")})
	count(major_review_due.deny) == 1 with input as d
	count(major_review.deny) == 0 with input as d
}

test_silent_when_reviewed if {
	i := object.union(inc("2026-11-21T09:00:00Z"), {"review": {"date": "2026-11-22", "by": "o", "summary": "s"}})
	count(major_review_due.deny) == 0 with input as doc({}, {"INC-2026-0001": i})
}
