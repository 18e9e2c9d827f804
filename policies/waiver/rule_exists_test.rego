package smsctl.rules.waiver.rule_exists_test

import data.smsctl.rules.waiver.rule_exists

doc(waivers) := {
	"now": "2026-11-23T10:00:00Z",
	"today": "2026-11-23",
	"sms": {},
	"records": {"waiver": waivers},
	"rules": {"change.backout_tested": {"title": "Backout tested", "clause": "8.5.1.3", "severity": "error"}},
}

wvr(rule) := {
	"rule": rule,
	"records": ["CHG-2026-0004"],
	"justification": "Cannot be rehearsed",
	"approved_by": "olivia-hart",
	"approved_on": "2026-02-10",
	"expires": "2027-02-10",
}

test_silent_on_known_rule if {
	d := doc({"WVR-0001": wvr("change.backout_tested")})
	count(rule_exists.deny) == 0 with input as d
}

test_fires_on_unknown_rule if {
	d := doc({"WVR-0001": wvr("change.backout_tested"), "WVR-0002": wvr("change.backout_test")})
	ds := rule_exists.deny with input as d
	count(ds) == 1
	some f in ds
	f.kind == "waiver"
	f.id == "WVR-0002"
	f.field == "rule"
	contains(f.msg, "change.backout_test,")
}
