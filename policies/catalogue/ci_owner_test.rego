package smsctl.rules.catalogue.ci_owner_test

import data.smsctl.rules.catalogue.ci_owner

people := {
	"ann": {"name": "Ann", "type": "person", "active": true},
	"bob": {"name": "Bob", "type": "person"},
	"cid": {"name": "Cid", "type": "person", "active": false},
	"ops": {"name": "Ops", "type": "team", "members": ["ann"]},
	"old": {"name": "Old team", "type": "team", "active": false},
}

ci(owner, status) := {"name": "C", "type": "server", "owner": owner, "status": status}

mk(cis) := {"now": "2026-11-23T10:00:00Z", "sms": {}, "records": {"ci": cis, "person": people}}

test_silent_on_active_people_and_teams if {
	count(ci_owner.deny) == 0 with input as mk({
		"a": ci("ann", "active"), "b": ci("bob", "planned"),
		"c": ci("ops", "maintenance"),
		# retired CIs are not checked
		"d": ci("cid", "retired"), "e": ci("zed", "retired"),
	})
}

test_fires_on_inactive_person if {
	d := ci_owner.deny with input as mk({"a": ci("cid", "active")})
	d == {{"kind": "ci", "id": "a", "field": "owner", "msg": "active CI a: its owner cid is no longer active"}}
}

test_fires_on_inactive_team if {
	d := ci_owner.deny with input as mk({"a": ci("old", "planned")})
	count(d) == 1
	some f in d
	contains(f.msg, "old is no longer active")
}

test_fires_on_unknown_owner if {
	d := ci_owner.deny with input as mk({"a": ci("zed", "maintenance")})
	d == {{"kind": "ci", "id": "a", "field": "owner", "msg": "maintenance CI a: its owner zed is not a recorded person or team"}}
}
