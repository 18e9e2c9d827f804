package smsctl.rules.incident.major_review_test

import data.smsctl.rules.incident.major_review

doc(incidents) := {
	"now": "2026-11-23T10:00:00Z",
	"today": "2026-11-23",
	"sms": {},
	"records": {"incident": incidents, "problem": {"PRB-0001": {}}},
}

inc(status, extra) := object.union(
	{
		"title": "Outage",
		"services": ["hosting"],
		"impact": "high",
		"urgency": "high",
		"priority": "P1",
		"status": status,
		"opened": "2026-11-01T09:00:00Z",
	},
	extra,
)

review := {"date": "2026-11-22", "by": "olivia-hart", "summary": "Lessons learnt"}

test_silent_on_reviewed_major_with_problem if {
	d := doc({
		"INC-2026-0001": inc("closed", {"major": true, "review": review, "problem": "PRB-0001"}),
		"INC-2026-0002": inc("in-progress", {"major": true, "problem": "PRB-0001"}),
		"INC-2026-0003": inc("closed", {}),
		"INC-2026-0004": inc("resolved", {"major": false}),
	})
	count(major_review.deny) == 0 with input as d
}

test_fires_on_resolved_major_without_review if {
	d := doc({"INC-2026-0001": inc("resolved", {"major": true, "problem": "PRB-0001"})})
	ds := major_review.deny with input as d
	count(ds) == 1
	some f in ds
	f.id == "INC-2026-0001"
	f.field == "review"
}

test_fires_on_closed_major_without_review if {
	d := doc({"INC-2026-0001": inc("closed", {"major": true, "problem": "PRB-0001"})})
	ds := major_review.deny with input as d
	{f.field | some f in ds} == {"review"}
}

test_fires_on_major_without_problem if {
	d := doc({"INC-2026-0001": inc("acknowledged", {"major": true})})
	ds := major_review.deny with input as d
	count(ds) == 1
	some f in ds
	f.id == "INC-2026-0001"
	f.field == "problem"
}

test_fires_on_major_with_empty_problem if {
	d := doc({"INC-2026-0001": inc("new", {"major": true, "problem": " "})})
	ds := major_review.deny with input as d
	{f.field | some f in ds} == {"problem"}
}

test_fires_twice_on_closed_major_without_review_or_problem if {
	d := doc({"INC-2026-0001": inc("closed", {"major": true})})
	ds := major_review.deny with input as d
	{f.field | some f in ds} == {"review", "problem"}
}
