package smsctl.rules.assurance.policy_review_test

import data.smsctl.rules.assurance.policy_review

doc(review_by) := {
	"now": "2026-11-23T10:00:00Z",
	"today": "2026-11-23",
	"sms": {"policy": {
		"statement": "We deliver reliable services.",
		"approved_by": "olivia-hart",
		"approved_on": "2025-11-23",
		"review_by": review_by,
	}},
	"records": {},
}

test_silent_when_review_is_not_due if {
	d := doc("2027-01-15")
	count(policy_review.deny) == 0 with input as d
}

test_silent_on_review_date if {
	d := doc("2026-11-23")
	count(policy_review.deny) == 0 with input as d
}

test_fires_when_review_date_has_passed if {
	d := doc("2026-11-22")
	policy_review.deny == {{
		"kind": "sms",
		"id": "sms",
		"field": "policy.review_by",
		"msg": "the service management policy was due for review by 2026-11-22",
	}} with input as d
}
