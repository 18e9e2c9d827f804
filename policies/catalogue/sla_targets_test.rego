package smsctl.rules.catalogue.sla_targets_test

import data.smsctl.rules.catalogue.sla_targets

matrix := {
	"high": {"high": "P1", "medium": "P2", "low": "P2"},
	"medium": {"high": "P2", "medium": "P3", "low": "P3"},
	"low": {"high": "P3", "medium": "P3", "low": "P3"},
}

full := {"response": "15min", "resolution": "4h"}

agr(type, targets) := {
	"type": type, "title": "T", "owner": "ann", "customer": "c", "team": "t",
	"services": ["s"], "period": {"start": "2026-01-01"}, "calendar": "24x7",
	"review_by": "2027-01-01", "targets": targets,
}

mk(agreements) := {"now": "2026-11-23T10:00:00Z", "sms": {"priority_matrix": matrix}, "records": {"agreement": agreements}}

test_silent_when_every_priority_has_both_targets if {
	count(sla_targets.deny) == 0 with input as mk({
		# P4 is not produced by the matrix, so it need not be complete.
		"sla-1": agr("SLA", {"P1": full, "P2": full, "P3": full, "P4": {"response": "1d"}}),
		# OLAs are not checked by this rule.
		"ola-1": agr("OLA", {"P1": full}),
	})
}

test_fires_on_missing_priority if {
	d := sla_targets.deny with input as mk({"sla-1": agr("SLA", {"P1": full, "P3": full})})
	d == {{
		"kind": "agreement", "id": "sla-1", "field": "targets.P2",
		"msg": "SLA sla-1 has no target for priority P2, which the priority matrix can assign",
	}}
}

test_fires_on_sla_without_targets if {
	d := sla_targets.deny with input as mk({"sla-1": object.remove(agr("SLA", {}), ["targets"])})
	count(d) == 3
}

test_fires_on_missing_response if {
	d := sla_targets.deny with input as mk({"sla-1": agr("SLA", {"P1": full, "P2": {"resolution": "8h"}, "P3": full})})
	d == {{
		"kind": "agreement", "id": "sla-1", "field": "targets.P2.response",
		"msg": "SLA sla-1's target for priority P2 has no response time",
	}}
}

test_fires_on_missing_resolution if {
	d := sla_targets.deny with input as mk({"sla-1": agr("SLA", {"P1": full, "P2": full, "P3": {"response": "1h"}})})
	count(d) == 1
	some f in d
	f.field == "targets.P3.resolution"
}
