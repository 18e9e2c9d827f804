package smsctl.rules.record.placeholder_test

import data.smsctl.rules.record.placeholder

mk(records) := {"now": "2026-11-23T10:00:00Z", "sms": {}, "records": records}

test_silent_on_finished_records if {
	d := mk({
		"change": {"CHG-2026-0001": {
			"title": "Upgrade the TODOList app", "reason": "Mastodon",
			"backout_plan": {"description": "Redeploy; see the todo list in the runbook"},
		}},
		"sms": {"sms": {"organisation": "Acme"}},
	})
	count(placeholder.deny) == 0 with input as d
}

test_fires_on_template_text_at_any_depth if {
	d := mk({
		"change": {"CHG-2026-0001": {
			"title": "Upgrade the web servers", "reason": "TODO: reason",
			"approvals": [{"by": "a", "comment": "ok"}, {"by": "b", "comment": "Date TBD."}],
		}},
		"problem": {"PRB-0001": {"title": "p", "known_error": {"workaround": "FIXME"}}},
	})
	{[f.id, f.field] | some f in placeholder.deny with input as d} == {
		["CHG-2026-0001", "reason"],
		["CHG-2026-0001", "approvals[1].comment"],
		["PRB-0001", "known_error.workaround"],
	}
}
