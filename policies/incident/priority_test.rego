package smsctl.rules.incident.priority_test

import data.smsctl.rules.incident.priority

matrix := {
	"high": {"high": "P1", "medium": "P2", "low": "P3"},
	"medium": {"high": "P2", "medium": "P3", "low": "P4"},
	"low": {"high": "P3", "medium": "P4"},
}

doc(incidents) := {
	"now": "2026-11-23T10:00:00Z",
	"today": "2026-11-23",
	"sms": {"priority_matrix": matrix},
	"records": {"incident": incidents},
}

inc(impact, urgency, prio) := {
	"title": "Outage",
	"services": ["hosting"],
	"impact": impact,
	"urgency": urgency,
	"priority": prio,
	"status": "new",
	"opened": "2026-11-20T09:00:00Z",
}

test_silent_when_priority_follows_matrix if {
	d := doc({
		"INC-2026-0001": inc("high", "high", "P1"),
		"INC-2026-0002": inc("medium", "low", "P4"),
		"INC-2026-0003": inc("low", "medium", "P4"),
	})
	count(priority.deny) == 0 with input as d
}

test_silent_without_incidents if {
	d := doc({})
	count(priority.deny) == 0 with input as d
}

test_fires_on_wrong_priority if {
	d := doc({
		"INC-2026-0001": inc("high", "high", "P1"),
		"INC-2026-0002": inc("medium", "high", "P3"),
	})
	ds := priority.deny with input as d
	count(ds) == 1
	some f in ds
	f.kind == "incident"
	f.id == "INC-2026-0002"
	f.field == "priority"
	contains(f.msg, "gives P2")
}

test_fires_when_matrix_has_no_entry if {
	d := doc({"INC-2026-0001": inc("low", "low", "P5")})
	ds := priority.deny with input as d
	count(ds) == 1
	some f in ds
	f.id == "INC-2026-0001"
	contains(f.msg, "gives no priority")
}
