package smsctl.rules.transition.deleted_test

import data.smsctl.rules.transition.deleted

doc(kind, old, new) := {"transitions": [{"kind": kind, "id": "X-1", "old": old, "new": new}]}

test_silent_on_edits_closed_and_other_kinds if {
	count(deleted.deny) == 0 with input as doc("change", {"status": "draft"}, {"status": "withdrawn"})
	count(deleted.deny) == 0 with input as doc("incident", {"status": "closed"}, null)
	count(deleted.deny) == 0 with input as doc("ci", {"status": "active"}, null)
	count(deleted.deny) == 0 with input as doc("request", null, {"status": "new"})
}

test_fires_on_deleted_open_records if {
	ds := deleted.deny with input as doc("request", {"status": "new"}, null)
	ds == {{
		"kind": "request", "id": "X-1",
		"msg": "request X-1 (new) has been deleted; set its status to withdrawn, cancelled or rejected instead, so that it stays on record",
	}}
	count(deleted.deny) == 1 with input as doc("change", {"status": "cancelled"}, null)
}
