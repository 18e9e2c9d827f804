package smsctl.rules.catalogue.service_sla_test

import data.smsctl.rules.catalogue.service_sla

svc(status) := {"name": "S", "description": "d", "owner": "ann", "status": status, "criticality": "high"}

agr(type, services, period) := {
	"type": type, "title": "T", "owner": "ann", "customer": "c", "team": "t", "supplier": "x",
	"services": services, "period": period, "calendar": "24x7", "review_by": "2027-01-01",
}

mk(services, agreements) := {
	"now": "2026-11-23T10:00:00Z", "today": "2026-11-23", "sms": {},
	"records": {"service": services, "agreement": agreements},
}

services := {"a": svc("live"), "b": svc("live"), "p": svc("pipeline")}

test_silent_when_covered_by_slas_in_force if {
	count(service_sla.deny) == 0 with input as mk(services, {
		"sla-1": agr("SLA", ["a"], {"start": "2026-01-01", "end": "2026-11-23"}),
		"sla-2": agr("SLA", ["b"], {"start": "2026-11-23"}),
	})
}

test_fires_when_no_sla_lists_the_service if {
	d := service_sla.deny with input as mk(services, {
		"sla-1": agr("SLA", ["a"], {"start": "2026-01-01"}),
		"ola-1": agr("OLA", ["b"], {"start": "2026-01-01"}),
	})
	d == {{"kind": "service", "id": "b", "msg": "live service b is not covered by any SLA"}}
}

test_fires_when_the_sla_has_ended if {
	d := service_sla.deny with input as mk(services, {
		"sla-1": agr("SLA", ["a"], {"start": "2026-01-01"}),
		"sla-old": agr("SLA", ["b"], {"start": "2025-01-01", "end": "2026-11-22"}),
	})
	d == {{"kind": "service", "id": "b", "msg": "live service b is not covered by an SLA in force on 2026-11-23 (sla-old not in force)"}}
}

test_fires_when_the_sla_has_not_started if {
	d := service_sla.deny with input as mk(services, {
		"sla-1": agr("SLA", ["a"], {"start": "2026-01-01"}),
		"sla-new": agr("SLA", ["b"], {"start": "2026-11-24", "end": "2027-11-23"}),
	})
	count(d) == 1
	some f in d
	f.id == "b"
	contains(f.msg, "sla-new not in force")
}
