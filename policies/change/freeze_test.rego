package smsctl.rules.change.freeze_test

import data.smsctl.rules.change.freeze

sms := {"freeze_windows": [
	{"name": "Year end", "start": "2025-12-19T18:00:00Z", "end": "2026-01-05T08:00:00Z"},
	{"name": "Web peak", "start": "2026-08-24T18:00:00+01:00", "end": "2026-09-01T08:00:00+01:00", "services": ["web", "shop"]},
]}

base_change := {
	"title": "t", "type": "normal", "status": "scheduled", "requester": "carol",
	"raised": "2026-01-01T09:00:00Z", "reason": "r", "risk": "low", "impact": "low", "urgency": "low",
	"services": ["web"],
	"planned": {"start": "2026-02-01T10:00:00Z", "end": "2026-02-01T12:00:00Z"},
}

planned(c, s, e) := object.union(c, {"planned": {"start": s, "end": e}})

mk(changes) := {"now": "2026-11-23T10:00:00Z", "sms": sms, "records": {"change": changes}}

test_silent_outside_freezes if {
	# ends exactly when a freeze starts (17:00Z = 18:00+01:00): no overlap.
	c := planned(base_change, "2026-08-24T15:00:00Z", "2026-08-24T17:00:00Z")
	count(freeze.deny) == 0 with input as mk({"CHG-2026-0001": base_change, "CHG-2026-0002": c})
}

test_silent_for_other_services if {
	c := planned(object.union(base_change, {"services": ["mail"]}), "2026-08-25T10:00:00Z", "2026-08-25T12:00:00Z")
	count(freeze.deny) == 0 with input as mk({"CHG-2026-0001": c})
}

test_silent_for_emergency_cancelled_rejected_unplanned if {
	e := planned(object.union(base_change, {"type": "emergency"}), "2025-12-24T10:00:00Z", "2025-12-24T12:00:00Z")
	x := planned(object.union(base_change, {"status": "cancelled"}), "2025-12-24T10:00:00Z", "2025-12-24T12:00:00Z")
	r := planned(object.union(base_change, {"status": "rejected"}), "2025-12-24T10:00:00Z", "2025-12-24T12:00:00Z")
	u := object.remove(object.union(base_change, {"status": "draft"}), ["planned"])
	count(freeze.deny) == 0 with input as mk({"CHG-2025-0001": e, "CHG-2025-0002": x, "CHG-2025-0003": r, "CHG-2025-0004": u})
}

test_silent_without_freezes if {
	c := planned(base_change, "2025-12-24T10:00:00Z", "2025-12-24T12:00:00Z")
	inp := {"now": "2026-11-23T10:00:00Z", "sms": {}, "records": {"change": {"CHG-2025-0001": c}}}
	count(freeze.deny) == 0 with input as inp
}

test_fires_in_global_freeze if {
	c := planned(object.union(base_change, {"type": "standard", "status": "draft"}), "2025-12-24T10:00:00Z", "2025-12-24T12:00:00Z")
	d := freeze.deny with input as mk({"CHG-2025-0001": c})
	d == {{
		"kind": "change", "id": "CHG-2025-0001", "field": "planned",
		"msg": "standard change CHG-2025-0001 is planned from 2025-12-24T10:00:00Z to 2025-12-24T12:00:00Z, inside the freeze \"Year end\"",
	}}
}

test_fires_when_window_spans_freeze_start if {
	c := planned(base_change, "2025-12-19T17:00:00Z", "2025-12-19T18:30:00Z")
	count(freeze.deny) == 1 with input as mk({"CHG-2025-0001": c})
}

test_fires_in_service_freeze_for_shared_service if {
	c := planned(object.union(base_change, {"services": ["mail", "shop"]}), "2026-08-31T10:00:00Z", "2026-08-31T12:00:00Z")
	d := freeze.deny with input as mk({"CHG-2026-0001": c})
	count(d) == 1
	some f in d
	contains(f.msg, "Web peak")
}

# A time zone moves a planned time across midnight: the day filter must
# not drop a change whose local date is after the freeze's last UTC day.
test_fires_across_midnight_in_another_zone if {
	doc := {
		"sms": {"freeze_windows": [{"name": "F", "start": "2026-12-20T00:00:00Z", "end": "2026-12-24T23:00:00Z"}]},
		"records": {"change": {"C": {
			"type": "normal", "status": "approved", "services": ["web"],
			"planned": {"start": "2026-12-25T09:30:00+11:00", "end": "2026-12-25T11:00:00+11:00"},
		}}},
	}
	ds := freeze.deny with input as doc
	{f.id | some f in ds} == {"C"}
}

test_silent_the_day_after_a_freeze if {
	doc := {
		"sms": {"freeze_windows": [{"name": "F", "start": "2026-12-20T00:00:00Z", "end": "2026-12-24T23:00:00Z"}]},
		"records": {"change": {"C": {
			"type": "normal", "status": "approved", "services": ["web"],
			"planned": {"start": "2026-12-26T09:30:00Z", "end": "2026-12-26T11:00:00Z"},
		}}},
	}
	count(freeze.deny) == 0 with input as doc
}
