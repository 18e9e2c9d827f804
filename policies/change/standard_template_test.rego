package smsctl.rules.change.standard_template_test

import data.smsctl.rules.change.standard_template

sms := {"standard_changes": {"os-patching": {"title": "Patching", "approved_by": "alice", "approved_on": "2026-01-01"}}}

base_change := {
	"title": "t", "type": "standard", "template": "os-patching", "status": "closed", "requester": "carol",
	"raised": "2026-01-01T09:00:00Z", "reason": "r", "risk": "low", "impact": "low", "urgency": "low",
	"services": ["web"],
}

mk(s, changes) := {"now": "2026-11-23T10:00:00Z", "sms": s, "records": {"change": changes}}

test_silent_with_known_template if {
	count(standard_template.deny) == 0 with input as mk(sms, {"CHG-2026-0001": base_change})
}

test_silent_for_normal_change_without_template if {
	c := object.remove(object.union(base_change, {"type": "normal"}), ["template"])
	count(standard_template.deny) == 0 with input as mk(sms, {"CHG-2026-0001": c})
}

test_fires_without_template if {
	c := object.remove(base_change, ["template"])
	d := standard_template.deny with input as mk(sms, {"CHG-2026-0001": c})
	d == {{
		"kind": "change", "id": "CHG-2026-0001", "field": "template",
		"msg": "standard change CHG-2026-0001 names no standard-change template",
	}}
}

test_fires_with_unknown_template if {
	c := object.union(base_change, {"template": "db-upgrade"})
	d := standard_template.deny with input as mk(sms, {"CHG-2026-0001": c})
	count(d) == 1
	some f in d
	contains(f.msg, "db-upgrade")
}

test_fires_when_sms_has_no_templates if {
	count(standard_template.deny) == 1 with input as mk({}, {"CHG-2026-0001": base_change})
}
