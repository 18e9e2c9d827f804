package smsctl.rules.assurance.management_review_test

import data.smsctl.rules.assurance.management_review

doc(sms, reviews) := {
	"now": "2026-11-23T10:00:00Z",
	"today": "2026-11-23",
	"sms": sms,
	"records": {"review": reviews},
}

review(date) := {"title": "Management review", "date": date, "chair": "olivia-hart", "attendees": ["olivia-hart"]}

test_silent_when_reviewed_within_interval if {
	d := doc({}, {"MR-0001": review("2025-10-07"), "MR-0002": review("2026-10-07")})
	count(management_review.deny) == 0 with input as d
}

test_fires_on_last_review_when_overdue if {
	d := doc({}, {"MR-0001": review("2024-10-07"), "MR-0002": review("2025-10-07"), "MR-0003": review("2026-12-01")})
	ds := management_review.deny with input as d
	count(ds) == 1
	some f in ds
	f.kind == "review"
	f.id == "MR-0002"
	f.field == "date"
	contains(f.msg, "due by 2026-10-07")
}

test_fires_with_explicit_interval if {
	d := doc({"intervals": {"management_review": "6mo"}}, {"MR-0001": review("2026-05-01")})
	ds := management_review.deny with input as d
	{f.id | some f in ds} == {"MR-0001"}
}

test_fires_on_sms_without_reviews if {
	d := doc({}, {})
	ds := management_review.deny with input as d
	count(ds) == 1
	some f in ds
	f.kind == "sms"
	f.id == "sms"
}

test_silent_without_any_while_the_first_is_not_due if {
	d := doc({"policy": {"approved_on": "2026-06-01"}}, {})
	count(management_review.deny) == 0 with input as d
}

test_fires_without_any_once_the_first_is_due if {
	d := doc({"policy": {"approved_on": "2025-06-01"}}, {})
	{[f.kind, f.id] | some f in management_review.deny with input as d} == {["sms", "sms"]}
}
