package smsctl.rules.waiver.expired_test

import data.smsctl.rules.waiver.expired

doc(waivers) := {
	"now": "2026-11-23T10:00:00Z",
	"today": "2026-11-23",
	"sms": {},
	"records": {"waiver": waivers},
}

wvr(expires) := {
	"rule": "change.backout_tested",
	"records": ["CHG-2026-0004"],
	"justification": "Cannot be rehearsed",
	"approved_by": "olivia-hart",
	"approved_on": "2026-02-10",
	"expires": expires,
}

test_silent_on_current_waivers if {
	d := doc({"WVR-0001": wvr("2027-02-10"), "WVR-0002": wvr("2026-11-23")})
	count(expired.deny) == 0 with input as d
}

test_fires_on_expired_waiver if {
	d := doc({"WVR-0001": wvr("2026-11-22"), "WVR-0002": wvr("2026-12-01")})
	expired.deny == {{
		"kind": "waiver",
		"id": "WVR-0001",
		"field": "expires",
		"msg": "waiver WVR-0001 of rule change.backout_tested expired on 2026-11-22",
	}} with input as d
}

test_uses_date_of_now_without_today if {
	d := object.remove(doc({"WVR-0001": wvr("2026-11-22"), "WVR-0002": wvr("2026-11-23")}), ["today"])
	ds := expired.deny with input as d
	{f.id | some f in ds} == {"WVR-0001"}
}
