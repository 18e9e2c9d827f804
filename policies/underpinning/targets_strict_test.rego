package smsctl.rules.underpinning.targets_strict_test

import data.smsctl.rules.underpinning.targets_strict

agr(type, underpins, targets, avail) := {
	"type": type, "title": "T", "owner": "ann", "customer": "c", "team": "ops", "supplier": "colo",
	"services": ["s"], "underpins": underpins, "period": {"start": "2026-01-01"},
	"calendar": "24x7", "review_by": "2027-01-01", "targets": targets, "availability_target": avail,
}

sla := agr(
	"SLA", [], {
		"P1": {"response": "15min", "resolution": "4h"},
		"P2": {"response": "1h", "resolution": "1d"},
		"P3": {"response": "4h"},
	},
	99.5,
)

mk(others) := {
	"now": "2026-11-23T10:00:00Z", "sms": {},
	"records": {"agreement": object.union({"sla-1": sla}, others)},
}

test_silent_when_at_least_as_strict if {
	count(targets_strict.deny) == 0 with input as mk({
		"uc-1": agr(
			"UC", ["sla-1"], {
				"P1": {"response": "15min", "resolution": "240min"},
				"P2": {"response": "30min", "resolution": "24h"},
				# the SLA has no P3 resolution and no P4: nothing to compare
				"P3": {"response": "2h", "resolution": "1w"},
				"P4": {"response": "1w", "resolution": "4w"},
			},
			99.5,
		),
		"ola-1": agr("OLA", ["sla-1"], {"P1": {"response": "5min"}}, 99.9),
		# not underpinning anything: not checked
		"uc-2": agr("UC", [], {"P1": {"response": "1d"}}, 90),
	})
}

test_fires_on_longer_response if {
	d := targets_strict.deny with input as mk({"uc-1": agr("UC", ["sla-1"], {"P1": {"response": "30min", "resolution": "4h"}}, 99.5)})
	d == {{
		"kind": "agreement", "id": "uc-1", "field": "targets.P1.response",
		"msg": "UC uc-1 allows 30min for P1 response, longer than the 15min of SLA sla-1, which it underpins",
	}}
}

test_fires_on_longer_resolution_in_days if {
	d := targets_strict.deny with input as mk({"ola-1": agr("OLA", ["sla-1"], {"P2": {"response": "1h", "resolution": "2d"}}, 99.5)})
	d == {{
		"kind": "agreement", "id": "ola-1", "field": "targets.P2.resolution",
		"msg": "OLA ola-1 allows 2d for P2 resolution, longer than the 1d of SLA sla-1, which it underpins",
	}}
}

test_fires_on_lower_availability if {
	d := targets_strict.deny with input as mk({"uc-1": agr("UC", ["sla-1"], {}, 99.4)})
	d == {{
		"kind": "agreement", "id": "uc-1", "field": "availability_target",
		"msg": "UC uc-1 targets 99.4% availability, lower than the 99.5% of SLA sla-1, which it underpins",
	}}
}
