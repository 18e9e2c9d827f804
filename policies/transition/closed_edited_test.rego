package smsctl.rules.transition.closed_edited_test

import data.smsctl.rules.transition.closed_edited

doc(old, new) := {"transitions": [{"kind": "incident", "id": "INC-2026-0001", "old": old, "new": new}]}

test_silent_on_open_records if {
	count(closed_edited.deny) == 0 with input as doc({"status": "resolved"}, {"status": "closed"})
}

test_silent_without_transitions if {
	count(closed_edited.deny) == 0 with input as {}
}

test_fires_on_edit if {
	ds := closed_edited.deny with input as doc({"status": "closed", "title": "a"}, {"status": "closed", "title": "b"})
	{[f.kind, f.id] | some f in ds} == {["incident", "INC-2026-0001"]}
}

test_fires_on_delete if {
	ds := closed_edited.deny with input as doc({"status": "closed"}, null)
	count(ds) == 1
}
