package smsctl.rules.assurance.nonconformity_closed_test

import data.smsctl.rules.assurance.nonconformity_closed

nc(extra) := object.union(
	{
		"title": "t", "description": "d", "source": "internal-audit", "raised": "2026-09-11", "owner": "hannah",
		"status": "closed", "root_cause": "Review dates lived in one calendar.",
		"corrective_actions": [{"description": "Record review dates", "owner": "hannah", "due": "2026-10-31", "done": "2026-10-20"}],
		"effectiveness": {"checked": "2026-11-20", "by": "ruth", "effective": true},
	},
	extra,
)

mk(ncs) := {"now": "2026-11-23T10:00:00Z", "sms": {}, "records": {"nonconformity": ncs}}

fields(d) := {f.field | some f in nonconformity_closed.deny with input as d}

test_silent_on_properly_closed_and_open_ones if {
	d := mk({
		"NC-0001": nc({}),
		# checked the day the last action was done.
		"NC-0002": nc({"effectiveness": {"checked": "2026-10-20", "by": "ruth", "effective": true}}),
		"NC-0003": object.remove(nc({"status": "corrective-action"}), ["effectiveness", "root_cause"]),
	})
	count(nonconformity_closed.deny) == 0 with input as d
}

test_fires_on_closed_without_cause_or_check if {
	fields(mk({"NC-0001": object.remove(nc({}), ["root_cause", "effectiveness"])})) == {"root_cause", "effectiveness"}
}

test_fires_on_open_action_and_ineffective_actions if {
	d := mk({"NC-0001": nc({
		"corrective_actions": [{"description": "Verify", "owner": "ruth", "due": "2027-01-29"}],
		"effectiveness": {"checked": "2026-11-20", "by": "ruth", "effective": false},
	})})
	fields(d) == {"corrective_actions[0].done", "effectiveness.effective"}
}

test_fires_on_check_before_the_actions if {
	fields(mk({"NC-0001": nc({"effectiveness": {"checked": "2026-10-19", "by": "ruth", "effective": true}})})) == {"effectiveness.checked"}
}

test_fires_without_actions if {
	fields(mk({"NC-0001": nc({"corrective_actions": []})})) == {"corrective_actions"}
}
