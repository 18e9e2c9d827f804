package smsctl.rules.assurance.action_overdue_test

import data.smsctl.rules.assurance.action_overdue

act(due, done) := object.union({"description": "Do it", "owner": "olivia", "due": due}, done)

late := act("2026-11-22", {})

today := act("2026-11-23", {})

done := act("2026-10-01", {"done": "2026-10-02"})

mk(records) := {"now": "2026-11-23T10:00:00Z", "today": "2026-11-23", "sms": {}, "records": object.union(
	{"risk": {}, "continuity": {}, "incident": {}, "review": {}, "improvement": {}},
	records,
)}

test_silent_on_done_due_today_and_closed if {
	d := mk({
		"risk": {"RSK-0001": {"status": "open", "actions": [today, done]}, "RSK-0002": {"status": "closed", "actions": [late]}},
		"review": {"MR-0001": {"actions": [done]}},
		"improvement": {
			"IMP-0001": {"status": "in-progress", "owner": "o", "due": "2026-11-23"},
			"IMP-0002": {"status": "done", "owner": "o", "due": "2026-10-01"},
		},
	})
	count(action_overdue.deny) == 0 with input as d
}

test_fires_on_overdue_actions_of_every_kind if {
	d := mk({
		"risk": {"RSK-0001": {"status": "treated", "actions": [done, late]}},
		"continuity": {"BCP-0001": {"tests": [{"date": "2026-01-01", "actions": [late]}]}},
		"incident": {"INC-2026-0001": {"review": {"actions": [late]}}},
		"review": {"MR-0001": {"actions": [late]}},
		"improvement": {"IMP-0001": {"status": "approved", "owner": "o", "due": "2026-11-01"}},
	})
	{[f.id, f.field] | some f in action_overdue.deny with input as d} == {
		["RSK-0001", "actions[1]"],
		["BCP-0001", "tests[0].actions[0]"],
		["INC-2026-0001", "review.actions[0]"],
		["MR-0001", "actions[0]"],
		["IMP-0001", "due"],
	}
}
