package smsctl.rules.agreement.review_test

import data.smsctl.rules.agreement.review

agr(start, end, review_by) := object.union(
	{"type": "SLA", "title": "t", "owner": "o", "customer": "c", "services": ["web"], "calendar": "24x7", "review_by": review_by},
	{"period": object.union({"start": start}, end)},
)

mk(sms, agreements) := {"now": "2026-11-23T10:00:00Z", "today": "2026-11-23", "sms": sms, "records": {"agreement": agreements}}

test_silent_in_time_or_not_in_force if {
	d := mk({}, {
		"a": agr("2026-01-01", {}, "2026-11-23"),
		"b": agr("2026-01-01", {}, "2027-11-23"),
		"expired": agr("2025-01-01", {"end": "2026-10-31"}, "2026-06-30"),
		"future": agr("2027-01-01", {}, "2026-10-01"),
	})
	count(review.deny) == 0 with input as d
}

test_fires_when_overdue_or_too_far_ahead if {
	d := mk({}, {
		"late": agr("2026-01-01", {"end": "2026-11-23"}, "2026-11-22"),
		"far": agr("2026-01-01", {}, "2027-11-24"),
	})
	{f.id | some f in review.deny with input as d} == {"late", "far"}
}

test_configured_interval if {
	count(review.deny) == 1 with input as mk({"intervals": {"agreement_review": "6mo"}}, {"a": agr("2026-01-01", {}, "2027-06-30")})
}
