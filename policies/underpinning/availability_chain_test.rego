package smsctl.rules.underpinning.availability_chain_test

import data.smsctl.rules.underpinning.availability_chain

svc(avail, deps) := object.union(
	{"name": "S", "description": "d", "owner": "ann", "status": "live", "criticality": "high", "depends_on": {"services": deps}},
	{"availability_target": v | some v in avail},
)

sla(services, avail) := {
	"type": "SLA", "title": "T", "owner": "ann", "customer": "c", "services": services,
	"period": {"start": "2026-01-01"}, "calendar": "24x7", "review_by": "2027-01-01",
	"availability_target": avail,
}

# net 99.95 <- hosting 99.9 <- db 99.8 <- web 99.5 (web also uses hosting directly)
services := {
	"net": svc([99.95], []),
	"hosting": svc([99.9], ["net"]),
	"db": svc([99.8], ["hosting"]),
	"web": svc([99.5], ["hosting", "db"]),
	"desk": svc([], []),
	"tool": svc([], ["desk"]),
}

mk(agreements) := {"now": "2026-11-23T10:00:00Z", "sms": {}, "records": {"service": services, "agreement": agreements}}

test_deliverable_counts_shared_dependencies_once if {
	# 0.995 * 0.998 * 0.999 * 0.9995
	d := availability_chain.deliverable.web with input as mk({})
	abs(d - 99.1520981505) < 1e-9
	availability_chain.deliverable.tool == 100 with input as mk({})
}

test_silent_when_achievable if {
	count(availability_chain.deny) == 0 with input as mk({
		"sla-1": sla(["web", "db", "net"], 99.15),
		"sla-2": sla(["tool"], 100),
		# an exact match is achievable: 99.9 * 99.95 = 99.85005
		"sla-3": sla(["hosting"], 99.85005),
		# OLAs and UCs are not checked
		"ola-1": object.union(sla(["web"], 99.99), {"type": "OLA", "team": "ops"}),
		# no target, nothing promised
		"sla-4": object.remove(sla(["web"], 0), ["availability_target"]),
	})
}

test_fires_when_dependencies_cannot_deliver if {
	d := availability_chain.deny with input as mk({"sla-1": sla(["net", "hosting"], 99.9)})
	d == {{
		"kind": "agreement", "id": "sla-1", "field": "availability_target",
		"msg": "SLA sla-1 promises 99.9% for hosting, but it and its dependencies deliver at most 99.85%",
	}}
}

test_fires_on_deep_chain if {
	d := availability_chain.deny with input as mk({"sla-1": sla(["web"], 99.2)})
	count(d) == 1
	some f in d
	contains(f.msg, "at most 99.15%")
}

test_fires_when_service_own_target_is_lower if {
	d := availability_chain.deny with input as mk({"sla-1": sla(["net"], 99.99)})
	count(d) == 1
}

test_cycles_terminate if {
	cyclic := object.union(services, {"a": svc([99], ["b"]), "b": svc([99], ["a"])})
	inp := {"now": "2026-11-23T10:00:00Z", "sms": {}, "records": {"service": cyclic, "agreement": {"sla-1": sla(["a"], 99)}}}
	d := availability_chain.deny with input as inp
	count(d) == 1
}
