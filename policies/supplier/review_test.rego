package smsctl.rules.supplier.review_test

import data.smsctl.rules.supplier.review

sup(extra) := object.union({"name": "S", "type": "external", "owner": "hannah"}, extra)

mk(sms, suppliers) := {"now": "2026-11-23T10:00:00Z", "today": "2026-11-23", "sms": sms, "records": {"supplier": suppliers}}

test_silent_on_reviews_in_time if {
	d := mk({}, {
		"a": sup({"reviewed_on": "2026-02-11", "review_by": "2027-02-11"}),
		"b": sup({"review_by": "2026-11-23"}),
		"c": sup({"reviewed_on": "2025-11-23"}),
	})
	count(review.deny) == 0 with input as d
}

test_fires_on_overdue_or_unplanned_reviews if {
	d := mk({}, {
		"a": sup({"reviewed_on": "2026-02-11", "review_by": "2026-11-22"}),
		"b": sup({}),
		"c": sup({"reviewed_on": "2025-11-22"}),
		"d": sup({"reviewed_on": "2026-06-01", "review_by": "2027-06-02"}),
	})
	{[f.id, f.field] | some f in review.deny with input as d} == {
		["a", "review_by"], ["b", "review_by"], ["c", "reviewed_on"], ["d", "review_by"],
	}
}

test_configured_interval if {
	d := mk({"intervals": {"supplier_review": "6mo"}}, {"a": sup({"reviewed_on": "2026-02-11", "review_by": "2027-02-11"})})
	count(review.deny) == 1 with input as d
}
