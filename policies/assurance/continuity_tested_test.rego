package smsctl.rules.assurance.continuity_tested_test

import data.smsctl.rules.assurance.continuity_tested

doc(sms, plans) := {
	"now": "2026-11-23T10:00:00Z",
	"today": "2026-11-23",
	"sms": sms,
	"records": {"continuity": plans},
}

plan(dates) := {
	"title": "Hosting continuity",
	"type": "continuity",
	"services": ["hosting"],
	"owner": "tom-bennett",
	"tests": [{"date": d, "type": "tabletop", "result": "passed"} | some d in dates],
}

test_silent_when_tested_within_interval if {
	d := doc({}, {
		"BCP-0001": plan(["2024-01-10", "2025-11-24"]),
		"BCP-0002": plan(["2026-09-16", "2026-03-12"]),
	})
	count(continuity_tested.deny) == 0 with input as d
}

test_silent_with_explicit_interval if {
	d := doc({"intervals": {"continuity_test": "6mo"}}, {"BCP-0001": plan(["2026-06-01"])})
	count(continuity_tested.deny) == 0 with input as d
}

test_fires_when_last_test_is_too_old if {
	d := doc({}, {
		"BCP-0001": plan(["2025-11-22", "2024-11-01"]),
		"BCP-0002": plan(["2026-01-10"]),
	})
	ds := continuity_tested.deny with input as d
	count(ds) == 1
	some f in ds
	f.kind == "continuity"
	f.id == "BCP-0001"
	f.field == "tests"
	contains(f.msg, "last tested on 2025-11-22")
	contains(f.msg, "due by 2026-11-22")
}

test_fires_with_explicit_interval if {
	d := doc({"intervals": {"continuity_test": "6mo"}}, {"BCP-0001": plan(["2026-05-01"])})
	ds := continuity_tested.deny with input as d
	count(ds) == 1
}

test_fires_when_never_tested if {
	p := object.remove(plan([]), ["tests"])
	d := doc({}, {"BCP-0001": p, "BCP-0002": plan([])})
	ds := continuity_tested.deny with input as d
	{f.id | some f in ds} == {"BCP-0001", "BCP-0002"}
	every f in ds {
		contains(f.msg, "never been tested")
	}
}

test_future_tests_do_not_count if {
	d := doc({}, {"BCP-0001": plan(["2024-06-01", "2026-12-01"])})
	ds := continuity_tested.deny with input as d
	count(ds) == 1
	some f in ds
	contains(f.msg, "last tested on 2024-06-01")
}
