package smsctl.rules.waiver.expiring_test

import data.smsctl.rules.waiver.expiring

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

test_silent_on_distant_and_expired_waivers if {
	d := doc({"WVR-0001": wvr("2027-02-10"), "WVR-0002": wvr("2026-12-24"), "WVR-0003": wvr("2026-11-22")})
	count(expiring.deny) == 0 with input as d
}

test_fires_on_waiver_expiring_within_30_days if {
	d := doc({"WVR-0001": wvr("2026-12-23"), "WVR-0002": wvr("2027-01-10")})
	expiring.deny == {{
		"kind": "waiver",
		"id": "WVR-0001",
		"field": "expires",
		"msg": "waiver WVR-0001 of rule change.backout_tested expires on 2026-12-23, in 30 days",
	}} with input as d
}

test_fires_on_waiver_expiring_today if {
	d := doc({"WVR-0001": wvr("2026-11-23")})
	ds := expiring.deny with input as d
	count(ds) == 1
	some f in ds
	contains(f.msg, "in 0 days")
}
