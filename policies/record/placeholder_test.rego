package smsctl.rules.record.placeholder_test

import data.smsctl.rules.record.placeholder

mk(records) := {"now": "2026-11-23T10:00:00Z", "sms": {}, "records": records}

test_silent_on_finished_records if {
	d := mk({
		"change": {"CHG-2026-0001": {
			"title": "Upgrade the TODOList app", "reason": "Mastodon",
			"backout_plan": {"description": "Redeploy; see the todo list in the runbook"},
		}},
		"sms": {"sms": {"organisation": "Acme", "scope": {"statement": "All of it"}}},
	})
	count(placeholder.deny) == 0 with input as d
}

test_fires_on_template_text if {
	d := mk({
		"change": {"CHG-2026-0001": {"title": "Upgrade the web servers", "reason": "TODO: reason", "risk": "low"}},
		"problem": {"PRB-0001": {"title": "TODO"}},
		"sms": {"sms": {"organisation": "Acme", "scope": {"statement": "TODO: statement", "locations": ["London", "TODO"]}}},
	})
	{[f.id, f.field] | some f in placeholder.deny with input as d} == {
		["CHG-2026-0001", "reason"],
		["PRB-0001", "title"],
		["sms", "scope.statement"],
		["sms", "scope.locations[1]"],
	}
}

# smsctl's input.todo lists the records holding TODO: only they are read.
test_reads_only_the_records_input_todo_lists if {
	doc := {
		"records": {"change": {
			"CHG-2026-0001": {"title": "TODO: say what changes"},
			"CHG-2026-0002": {"title": "TODO: say what changes"},
		}},
		"todo": {"change": {"CHG-2026-0002": true}},
	}
	ds := placeholder.deny with input as doc
	{f.id | some f in ds} == {"CHG-2026-0002"}
}

test_judges_the_judged_sms_not_the_trusted_one if {
	doc := {
		"sms": {"policy": {"statement": "We keep our promises."}},
		"records": {"sms": {"sms": {"policy": {"statement": "TODO: write the policy"}}}},
		"todo": {"sms": {"sms": true}},
	}
	ds := placeholder.deny with input as doc
	{f.field | some f in ds} == {"policy.statement"}
}
