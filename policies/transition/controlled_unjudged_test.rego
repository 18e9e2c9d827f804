package smsctl.rules.transition.controlled_unjudged_test

import data.smsctl.rules.transition.controlled_unjudged

doc := {"controlled": [{"kind": "sms", "id": "sms", "file": "sms.cue", "change": "modified", "authority": "approve-policy"}]}

test_warns_without_a_pull_request if {
	ds := controlled_unjudged.deny with input as doc
	{f.id | some f in ds} == {"sms"}
}

test_silent_with_a_pull_request if {
	count(controlled_unjudged.deny) == 0 with input as object.union(doc, {"pull_request": {"number": 1}})
}

test_silent_without_controlled_edits if {
	count(controlled_unjudged.deny) == 0 with input as {"controlled": []}
}
