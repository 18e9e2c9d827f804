package smsctl.rules.release.acceptance_test

import data.smsctl.rules.release.acceptance

rel(status, acc) := {"title": "t", "status": status, "services": ["web"], "acceptance": acc}

mk(releases) := {"now": "2026-11-23T10:00:00Z", "sms": {}, "records": {"release": releases}}

test_silent_on_passed_or_rolled_back if {
	d := mk({
		"REL-0001": rel("deployed", {"criteria": "c", "passed": true}),
		"REL-0002": rel("rolled-back", {"criteria": "c", "passed": false}),
		"REL-0003": rel("tested", {"criteria": "c"}),
	})
	count(acceptance.deny) == 0 with input as d
}

test_fires_on_deployed_release_that_failed if {
	d := acceptance.deny with input as mk({"REL-0001": rel("deployed", {"criteria": "c", "passed": false})})
	{f.field | some f in d} == {"acceptance.passed"}
}

test_fires_on_deployed_release_without_result if {
	d := acceptance.deny with input as mk({
		"REL-0001": rel("deployed", {"criteria": "c"}),
		"REL-0002": object.remove(rel("deployed", {}), ["acceptance"]),
	})
	{[f.id, f.field] | some f in d} == {["REL-0001", "acceptance"], ["REL-0002", "acceptance"]}
}
