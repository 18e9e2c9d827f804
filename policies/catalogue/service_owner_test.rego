package smsctl.rules.catalogue.service_owner_test

import data.smsctl.rules.catalogue.service_owner

people := {
	"ann": {"name": "Ann", "type": "person", "active": true},
	"bob": {"name": "Bob", "type": "person"},
	"cid": {"name": "Cid", "type": "person", "active": false},
	"ops": {"name": "Ops", "type": "team", "members": ["ann"]},
}

svc(owner, status) := {
	"name": "S", "description": "d", "owner": owner,
	"status": status, "criticality": "high",
}

mk(services) := {"now": "2026-11-23T10:00:00Z", "sms": {}, "records": {"service": services, "person": people}}

test_silent_on_active_owners if {
	count(service_owner.deny) == 0 with input as mk({"a": svc("ann", "live"), "b": svc("bob", "live")})
}

test_ignores_services_that_are_not_live if {
	count(service_owner.deny) == 0 with input as mk({"a": svc("cid", "pipeline"), "b": svc("ops", "retired"), "c": svc("zed", "pipeline")})
}

test_fires_on_inactive_owner if {
	f := {"kind": "service", "id": "a", "field": "owner", "msg": "live service a: its owner cid is no longer active"}
	service_owner.deny == {f} with input as mk({"a": svc("cid", "live")})
}

test_fires_on_team_owner if {
	d := service_owner.deny with input as mk({"a": svc("ops", "live")})
	count(d) == 1
	some f in d
	f.id == "a"
	contains(f.msg, "is a team")
}

test_fires_on_unknown_owner if {
	d := service_owner.deny with input as mk({"a": svc("zed", "live")})
	count(d) == 1
	some f in d
	contains(f.msg, "zed is not a recorded person")
}
