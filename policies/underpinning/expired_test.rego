package smsctl.rules.underpinning.expired_test

import data.smsctl.rules.underpinning.expired

agr(type, period, underpins) := {"type": type, "period": period, "underpins": underpins}

mk(agreements) := {"now": "2026-11-23T10:00:00Z", "today": "2026-11-23", "sms": {}, "records": {"agreement": agreements}}

test_silent_in_force_or_sla_ended if {
	d := mk({
		"sla-a": agr("SLA", {"start": "2026-01-01"}, []),
		"sla-old": agr("SLA", {"start": "2025-01-01", "end": "2026-06-30"}, []),
		"uc-a": agr("UC", {"start": "2026-01-01", "end": "2026-11-23"}, ["sla-a"]),
		"uc-old": agr("UC", {"start": "2025-01-01", "end": "2026-06-30"}, ["sla-old"]),
	})
	count(expired.deny) == 0 with input as d
}

test_fires_on_expired_uc_under_sla_in_force if {
	d := mk({
		"sla-a": agr("SLA", {"start": "2026-01-01"}, []),
		"uc-a": agr("UC", {"start": "2025-01-01", "end": "2026-11-22"}, ["sla-a"]),
		"ola-a": agr("OLA", {"start": "2025-01-01", "end": "2026-01-31"}, ["sla-a"]),
	})
	{f.id | some f in expired.deny with input as d} == {"uc-a", "ola-a"}
}
