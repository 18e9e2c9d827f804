package smsctl.rules.incident.resolved_time_test

import data.smsctl.rules.incident.resolved_time

doc(incidents) := {
	"now": "2026-11-23T10:00:00Z",
	"today": "2026-11-23",
	"sms": {},
	"records": {"incident": incidents},
}

inc(status, extra) := object.union(
	{
		"title": "Outage",
		"services": ["hosting"],
		"impact": "high",
		"urgency": "high",
		"priority": "P1",
		"status": status,
		"opened": "2026-11-20T09:00:00Z",
	},
	extra,
)

test_silent_on_valid_incidents if {
	d := doc({
		"INC-2026-0001": inc("closed", {"resolved": "2026-11-20T11:00:00+01:00", "closed": "2026-11-21T09:00:00Z"}),
		"INC-2026-0002": inc("resolved", {"resolved": "2026-11-20T09:00:00Z"}),
		"INC-2026-0003": inc("in-progress", {}),
	})
	count(resolved_time.deny) == 0 with input as d
}

test_fires_on_resolved_without_resolved_time if {
	d := doc({"INC-2026-0001": inc("resolved", {})})
	ds := resolved_time.deny with input as d
	count(ds) == 1
	some f in ds
	f.id == "INC-2026-0001"
	f.field == "resolved"
}

test_fires_on_closed_without_times if {
	d := doc({"INC-2026-0001": inc("closed", {})})
	ds := resolved_time.deny with input as d
	{f.field | some f in ds} == {"resolved", "closed"}
}

test_fires_on_closed_without_closed_time if {
	d := doc({"INC-2026-0001": inc("closed", {"resolved": "2026-11-20T10:00:00Z"})})
	ds := resolved_time.deny with input as d
	count(ds) == 1
	some f in ds
	f.field == "closed"
}

test_leaves_the_order_to_ticket_timeline if {
	# resolved before opened: ticket.timeline reports it, not this rule.
	d := doc({"INC-2026-0001": inc("resolved", {"resolved": "2026-11-20T09:30:00+01:00"})})
	count(resolved_time.deny) == 0 with input as d
}
