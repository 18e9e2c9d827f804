package smsctl.rules.change.approval_test

import data.smsctl.rules.change.approval

roles := {
	"change-manager": {"name": "CM", "description": "d", "authorities": ["approve-normal-change", "approve-emergency-change"]},
	"cab": {"name": "CAB", "description": "d", "authorities": ["cab-member"]},
	"engineer": {"name": "Eng", "description": "d"},
}

people := {
	"alice": {"name": "Alice", "type": "person", "roles": ["change-manager"]},
	"bob": {"name": "Bob", "type": "person", "roles": ["cab", "engineer"]},
	"carol": {"name": "Carol", "type": "person"},
}

base_change := {
	"title": "t", "type": "normal", "status": "closed", "requester": "carol",
	"raised": "2026-01-01T09:00:00Z", "reason": "r", "risk": "low", "impact": "low", "urgency": "low",
	"services": ["web"],
}

mk(changes) := {
	"now": "2026-11-23T10:00:00Z",
	"sms": {},
	"records": {"role": roles, "person": people, "change": changes},
}

ok_approval := {"by": "alice", "role": "change-manager", "at": "2026-01-02T09:00:00Z", "decision": "approved"}

test_silent_when_approved_by_authorised_person if {
	c := object.union(base_change, {"approvals": [ok_approval]})
	count(approval.deny) == 0 with input as mk({"CHG-2026-0001": c})
}

test_silent_for_draft_without_approval if {
	c := object.union(base_change, {"status": "submitted"})
	count(approval.deny) == 0 with input as mk({"CHG-2026-0001": c})
}

test_silent_for_standard_change_without_normal_approval if {
	c := object.union(base_change, {"type": "standard"})
	count(approval.deny) == 0 with input as mk({"CHG-2026-0001": c})
}

test_fires_without_approvals if {
	d := approval.deny with input as mk({"CHG-2026-0001": base_change})
	count(d) == 1
	some f in d
	f.id == "CHG-2026-0001"
	f.field == "approvals"
}

test_fires_on_rejection_only if {
	a := object.union(ok_approval, {"decision": "rejected"})
	c := object.union(base_change, {"status": "approved", "approvals": [a]})
	count(approval.deny) == 1 with input as mk({"CHG-2026-0001": c})
}

test_fires_when_role_lacks_authority if {
	a := {"by": "bob", "role": "cab", "at": "2026-01-02T09:00:00Z", "decision": "approved"}
	c := object.union(base_change, {"approvals": [a]})
	d := approval.deny with input as mk({"CHG-2026-0001": c})
	count(d) == 1
	some f in d
	f.field == "approvals"
}

test_fires_twice_when_approver_lacks_named_role if {
	# carol names change-manager but holds no role: the change is unapproved
	# and the approval itself is misattributed.
	a := {"by": "carol", "role": "change-manager", "at": "2026-01-02T09:00:00Z", "decision": "approved"}
	c := object.union(base_change, {"approvals": [a]})
	d := approval.deny with input as mk({"CHG-2026-0001": c})
	count(d) == 2
	some f in d
	f.field == "approvals[0].role"
	contains(f.msg, "carol")
}

test_misattribution_fires_on_any_change if {
	a := {"by": "bob", "role": "change-manager", "at": "2026-01-02T09:00:00Z", "decision": "rejected"}
	c := object.union(base_change, {"type": "emergency", "status": "rejected", "approvals": [a]})
	d := approval.deny with input as mk({"CHG-2026-0001": c})
	d == {{
		"kind": "change", "id": "CHG-2026-0001", "field": "approvals[0].role",
		"msg": "change CHG-2026-0001: the rejected decision by bob (approvals[0]) is recorded in role change-manager, which bob does not hold",
	}}
}

test_misattribution_fires_for_unknown_person if {
	a := {"by": "zed", "role": "change-manager", "at": "2026-01-02T09:00:00Z", "decision": "approved"}
	c := object.union(base_change, {"approvals": [ok_approval, a]})
	d := approval.deny with input as mk({"CHG-2026-0001": c})
	count(d) == 1
	some f in d
	f.field == "approvals[1].role"
}
