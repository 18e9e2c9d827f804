package smsctl.rules.assurance.nonconformity_overdue_test

import data.smsctl.rules.assurance.nonconformity_overdue

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

act(due) := {"description": "Track review dates", "owner": "hannah-lewis", "due": due}

test_silent_on_valid_nonconformities if {
	d := doc({
		"NC-0001": nc("corrective-action", [
			act("2026-11-23"),
			object.union(act("2026-10-01"), {"done": "2026-10-02"}),
		]),
		"NC-0002": nc("closed", [act("2026-01-01")]),
		"NC-0003": object.remove(nc("open", []), ["corrective_actions"]),
	})
	count(nonconformity_overdue.deny) == 0 with input as d
}

test_fires_on_overdue_action if {
	d := doc({"NC-0001": nc("verifying", [act("2027-01-01"), act("2026-11-22")])})
	ds := nonconformity_overdue.deny with input as d
	count(ds) == 1
	some f in ds
	f.kind == "nonconformity"
	f.id == "NC-0001"
	f.field == "corrective_actions[1]"
	contains(f.msg, "due on 2026-11-22")
}

test_uses_date_of_now_without_today if {
	d := object.remove(doc({"NC-0001": nc("open", [act("2026-11-22"), act("2026-11-23")])}), ["today"])
	ds := nonconformity_overdue.deny with input as d
	{f.field | some f in ds} == {"corrective_actions[0]"}
}
