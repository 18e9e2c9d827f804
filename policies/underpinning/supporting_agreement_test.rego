package smsctl.rules.underpinning.supporting_agreement_test

import data.smsctl.rules.underpinning.supporting_agreement

svc(deps, team) := object.union(
	{"name": "S", "description": "d", "owner": "ann", "status": "live", "criticality": "high", "depends_on": deps},
	{"support_team": t | some t in team},
)

agr(type, party, services, underpins) := object.union(
	{
		"type": type, "title": "T", "owner": "ann", "services": services, "underpins": underpins,
		"period": {"start": "2026-01-01"}, "calendar": "24x7", "review_by": "2027-01-01",
	},
	{"SLA": {"customer": party}, "OLA": {"team": party}, "UC": {"supplier": party}}[type],
)

services := {
	"hosting": svc({"suppliers": ["colo", "telco"]}, ["ops"]),
	"desk": svc({"cis": ["tool"]}, []),
}

good := {
	"sla-1": agr("SLA", "globex", ["hosting", "desk"], []),
	"uc-colo": agr("UC", "colo", ["hosting"], ["sla-1"]),
	"uc-telco": agr("UC", "telco", ["hosting"], ["sla-0", "sla-1"]),
	"ola-ops": agr("OLA", "ops", ["hosting"], ["sla-1"]),
}

mk(agreements) := {"now": "2026-11-23T10:00:00Z", "sms": {}, "records": {"service": services, "agreement": agreements}}

test_silent_when_every_supplier_and_team_underpins if {
	count(supporting_agreement.deny) == 0 with input as mk(good)
}

test_fires_when_supplier_has_no_uc if {
	d := supporting_agreement.deny with input as mk(object.remove(good, ["uc-telco"]))
	d == {{
		"kind": "agreement", "id": "sla-1", "field": "services",
		"msg": "SLA sla-1 covers hosting, which depends on supplier telco, but no UC with telco underpins sla-1",
	}}
}

test_fires_when_uc_does_not_underpin_the_sla if {
	d := supporting_agreement.deny with input as mk(object.union(good, {"uc-colo": agr("UC", "colo", ["hosting"], ["sla-2"])}))
	count(d) == 1
	some f in d
	contains(f.msg, "supplier colo")
}

test_fires_when_an_ola_is_not_a_uc if {
	# an OLA naming the supplier as team does not count as the supplier's UC
	d := supporting_agreement.deny with input as mk(object.union(good, {"uc-colo": agr("OLA", "colo", ["hosting"], ["sla-1"])}))
	count(d) == 1
}

test_fires_when_support_team_has_no_ola if {
	d := supporting_agreement.deny with input as mk(object.union(good, {"ola-ops": agr("OLA", "ops", ["hosting"], [])}))
	d == {{
		"kind": "agreement", "id": "sla-1", "field": "services",
		"msg": "SLA sla-1 covers hosting, which is supported by ops, but no OLA with ops underpins sla-1",
	}}
}
