package smsctl.rules.ticket.timeline_test

import data.smsctl.rules.ticket.timeline

doc(records) := {
	"now": "2026-11-23T10:00:00Z",
	"today": "2026-11-23",
	"sms": {},
	"records": object.union({"incident": {}, "request": {}, "problem": {}}, records),
}

inc(extra) := object.union(
	{
		"title": "Outage", "services": ["web"], "impact": "high", "urgency": "high", "priority": "P1",
		"status": "closed", "opened": "2026-11-20T09:00:00Z", "acknowledged": "2026-11-20T09:05:00Z",
		"resolved": "2026-11-20T11:00:00Z", "closed": "2026-11-21T09:00:00Z",
	},
	extra,
)

req(extra) := object.union(
	{
		"title": "Access", "service": "web", "priority": "P4", "status": "closed",
		"opened": "2026-11-20T09:00:00Z", "fulfilled": "2026-11-20T12:00:00Z", "closed": "2026-11-20T12:00:00Z",
	},
	extra,
)

fields(d) := {[f.id, f.field] | some f in timeline.deny with input as d}

test_silent_on_consistent_tickets if {
	d := doc({
		# times that coincide, offsets that differ, a pause that ends at the resolution.
		"incident": {
			"INC-2026-0001": inc({}),
			"INC-2026-0002": inc({
				"acknowledged": "2026-11-20T10:05:00+01:00",
				"pauses": [{"start": "2026-11-20T10:00:00Z", "end": "2026-11-20T11:00:00Z", "reason": "awaiting-customer"}],
			}),
			"INC-2026-0003": object.remove(inc({"status": "in-progress", "pauses": [{"start": "2026-11-20T10:00:00Z", "reason": "awaiting-customer"}]}), ["resolved", "closed"]),
		},
		"request": {"REQ-2026-0001": req({}), "REQ-2026-0002": object.remove(req({"status": "rejected"}), ["fulfilled"])},
		"problem": {"PRB-0001": {"title": "p", "status": "resolved", "owner": "o", "opened": "2026-11-01T09:00:00Z", "resolved": "2026-11-02T09:00:00Z"}},
	})
	count(timeline.deny) == 0 with input as d
}

test_fires_on_times_out_of_order if {
	d := doc({
		"incident": {
			"INC-2026-0001": inc({"acknowledged": "2026-11-20T08:00:00Z"}),
			# no acknowledgement: resolved is judged against opened.
			"INC-2026-0002": object.remove(inc({"resolved": "2026-11-20T09:30:00+01:00"}), ["acknowledged"]),
			"INC-2026-0003": inc({"closed": "2026-11-20T10:00:00Z"}),
		},
		"request": {"REQ-2026-0001": req({"fulfilled": "2026-11-20T13:00:00Z"})},
		"problem": {"PRB-0001": {"title": "p", "status": "resolved", "owner": "o", "opened": "2026-11-01T09:00:00Z", "resolved": "2026-10-31T09:00:00Z"}},
	})
	fields(d) == {
		["INC-2026-0001", "acknowledged"],
		["INC-2026-0002", "resolved"],
		["INC-2026-0003", "closed"],
		["REQ-2026-0001", "closed"],
		["PRB-0001", "resolved"],
	}
}

test_fires_on_pauses_outside_the_life if {
	p := {"start": "2026-11-20T10:00:00Z", "end": "2026-11-20T10:30:00Z", "reason": "awaiting-customer"}
	d := doc({"incident": {
		"INC-2026-0001": inc({"pauses": [object.union(p, {"start": "2026-11-20T08:00:00Z"})]}),
		"INC-2026-0002": inc({"pauses": [p, object.union(p, {"end": "2026-11-20T09:59:00Z"})]}),
		"INC-2026-0003": inc({"pauses": [object.remove(p, ["end"])]}),
		"INC-2026-0004": inc({"pauses": [object.union(p, {"end": "2026-11-20T12:00:00Z"})]}),
	}})
	fields(d) == {
		["INC-2026-0001", "pauses[0]"],
		["INC-2026-0002", "pauses[1]"],
		["INC-2026-0003", "pauses[0]"],
		["INC-2026-0004", "pauses[0]"],
	}
}

test_fires_on_missing_resolution_times if {
	d := doc({
		"request": {
			"REQ-2026-0001": object.remove(req({}), ["fulfilled"]),
			"REQ-2026-0002": object.remove(req({"status": "fulfilled"}), ["fulfilled", "closed"]),
			"REQ-2026-0003": object.remove(req({}), ["closed"]),
		},
		"problem": {"PRB-0001": {"title": "p", "status": "closed", "owner": "o", "opened": "2026-11-01T09:00:00Z"}},
	})
	fields(d) == {
		["REQ-2026-0001", "fulfilled"],
		["REQ-2026-0002", "fulfilled"],
		["REQ-2026-0003", "closed"],
		["PRB-0001", "resolved"],
	}
}
