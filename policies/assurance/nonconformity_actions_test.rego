package smsctl.rules.assurance.nonconformity_actions_test

import data.smsctl.rules.assurance.nonconformity_actions

doc(ncs) := {
	"now": "2026-11-23T10:00:00Z",
	"today": "2026-11-23",
	"sms": {},
	"records": {"nonconformity": ncs},
}

nc(status, actions) := {
	"title": "Supplier reviews overdue",
	"description": "Reviews not held",
	"source": "internal-audit",
	"raised": "2026-09-11",
	"owner": "hannah-lewis",
	"status": status,
	"corrective_actions": actions,
}

action := {"description": "Track review dates", "owner": "hannah-lewis", "due": "2026-12-31"}

test_silent_on_valid_nonconformities if {
	d := doc({
		"NC-0001": nc("corrective-action", [action]),
		"NC-0002": nc("closed", []),
		"NC-0003": object.remove(nc("closed", []), ["corrective_actions"]),
	})
	count(nonconformity_actions.deny) == 0 with input as d
}

test_fires_on_empty_actions if {
	d := doc({"NC-0001": nc("open", [])})
	ds := nonconformity_actions.deny with input as d
	count(ds) == 1
	some f in ds
	f.id == "NC-0001"
	f.field == "corrective_actions"
}

test_fires_on_missing_actions if {
	d := doc({"NC-0001": object.remove(nc("verifying", []), ["corrective_actions"])})
	ds := nonconformity_actions.deny with input as d
	{f.id | some f in ds} == {"NC-0001"}
}
