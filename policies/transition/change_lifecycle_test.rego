package smsctl.rules.transition.change_lifecycle_test

import data.smsctl.rules.transition.change_lifecycle

change(type, status) := {"type": type, "status": status}

doc(old, new) := {"transitions": [{"kind": "change", "id": "CHG-2026-0001", "old": old, "new": new}]}

test_silent_without_transitions if {
	count(change_lifecycle.deny) == 0 with input as {"records": {}}
}

test_silent_through_approved if {
	count(change_lifecycle.deny) == 0 with input as doc(change("normal", "submitted"), change("normal", "approved"))
	count(change_lifecycle.deny) == 0 with input as doc(change("normal", "approved"), change("normal", "implemented"))
}

test_silent_for_new_records if {
	count(change_lifecycle.deny) == 0 with input as doc(null, change("normal", "draft"))
}

test_fires_when_approval_is_skipped if {
	ds := change_lifecycle.deny with input as doc(change("normal", "draft"), change("normal", "implemented"))
	{[f.id, f.field] | some f in ds} == {["CHG-2026-0001", "status"]}
}

test_emergency_may_skip if {
	count(change_lifecycle.deny) == 0 with input as doc(change("emergency", "submitted"), change("emergency", "implemented"))
}

test_fires_when_moving_back if {
	ds := change_lifecycle.deny with input as doc(change("normal", "closed"), change("normal", "approved"))
	count(ds) == 1
}
