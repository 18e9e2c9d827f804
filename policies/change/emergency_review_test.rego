package smsctl.rules.change.emergency_review_test

import data.smsctl.rules.change.emergency_review

roles := {
	"change-manager": {"name": "CM", "description": "d", "authorities": ["approve-normal-change", "approve-emergency-change"]},
	"owner": {"name": "Owner", "description": "d", "authorities": ["approve-normal-change"]},
}

people := {
	"alice": {"name": "Alice", "type": "person", "roles": ["change-manager"]},
	"dave": {"name": "Dave", "type": "person", "roles": ["owner"]},
}

retro := {"by": "alice", "role": "change-manager", "at": "2026-03-02T09:00:00Z", "decision": "approved", "retrospective": true}

base_change := {
	"title": "t", "type": "emergency", "status": "closed", "requester": "carol",
	"raised": "2026-03-01T09:00:00Z", "reason": "r", "risk": "high", "impact": "high", "urgency": "high",
	"services": ["web"],
	"actual": {"start": "2026-03-01T10:00:00Z", "end": "2026-03-01T15:00:00Z"},
	"approvals": [retro],
	"pir": {"date": "2026-03-06", "by": "alice", "successful": true, "summary": "s"},
}

mk(sms, changes) := {
	"now": "2026-11-23T10:00:00Z",
	"sms": sms,
	"records": {"role": roles, "person": people, "change": changes},
}

with_pir_date(d) := object.union(base_change, {"pir": {"date": d, "by": "alice", "successful": true, "summary": "s"}})

test_silent_when_approved_and_reviewed_in_time if {
	# 2026-03-06 (midnight) is within 5 days of 2026-03-01T15:00Z.
	count(emergency_review.deny) == 0 with input as mk({}, {"CHG-2026-0001": base_change})
}

test_silent_for_normal_change if {
	c := object.remove(object.union(base_change, {"type": "normal"}), ["approvals", "pir"])
	count(emergency_review.deny) == 0 with input as mk({}, {"CHG-2026-0001": c})
}

test_silent_for_scheduled_emergency if {
	c := object.remove(object.union(base_change, {"status": "scheduled"}), ["approvals", "pir"])
	count(emergency_review.deny) == 0 with input as mk({}, {"CHG-2026-0001": c})
}

test_fires_without_retrospective_approval if {
	a := object.remove(retro, ["retrospective"])
	c := object.union(base_change, {"approvals": [a]})
	d := emergency_review.deny with input as mk({}, {"CHG-2026-0001": c})
	count(d) == 1
	some f in d
	f.field == "approvals"
}

test_fires_when_approver_lacks_authority if {
	a := object.union(retro, {"by": "dave", "role": "owner"})
	c := object.union(base_change, {"approvals": [a]})
	count(emergency_review.deny) == 1 with input as mk({}, {"CHG-2026-0001": c})
}

test_fires_on_retrospective_rejection if {
	a := object.union(retro, {"decision": "rejected"})
	c := object.union(base_change, {"status": "failed", "approvals": [a]})
	count(emergency_review.deny) == 1 with input as mk({}, {"CHG-2026-0001": c})
}

test_fires_without_pir if {
	c := object.remove(base_change, ["pir"])
	d := emergency_review.deny with input as mk({}, {"CHG-2026-0001": c})
	count(d) == 1
	some f in d
	f.field == "pir"
}

test_fires_once_per_missing_element if {
	c := object.remove(base_change, ["pir", "approvals"])
	count(emergency_review.deny) == 2 with input as mk({}, {"CHG-2026-0001": c})
}

test_fires_when_pir_late if {
	c := with_pir_date("2026-03-07")
	d := emergency_review.deny with input as mk({}, {"CHG-2026-0001": c})
	count(d) == 1
	some f in d
	f.field == "pir.date"
}

test_configured_window if {
	c := with_pir_date("2026-03-07")
	sms := {"change_management": {"emergency_review_within": "1w"}}
	count(emergency_review.deny) == 0 with input as mk(sms, {"CHG-2026-0001": c})
	sms2 := {"change_management": {"emergency_review_within": "2d"}}
	count(emergency_review.deny) == 1 with input as mk(sms2, {"CHG-2026-0002": with_pir_date("2026-03-04")})
}

test_pir_day_is_whole_day if {
	# ended at midnight: a review on the fifth day is in time, on the sixth late.
	c := object.union(base_change, {"actual": {"start": "2026-03-01T00:00:00Z", "end": "2026-03-01T00:00:00Z"}})
	ok := object.union(c, {"pir": {"date": "2026-03-06", "by": "alice", "successful": true, "summary": "s"}})
	late := object.union(c, {"pir": {"date": "2026-03-07", "by": "alice", "successful": true, "summary": "s"}})
	count(emergency_review.deny) == 0 with input as mk({}, {"CHG-2026-0001": ok})
	count(emergency_review.deny) == 1 with input as mk({}, {"CHG-2026-0001": late})
}

test_silent_when_authorised_before_implementation if {
	# approved (not retrospectively) an hour before the work started.
	a := object.union(retro, {"at": "2026-03-01T09:00:00Z", "retrospective": false})
	c := object.union(base_change, {"approvals": [a]})
	count(emergency_review.deny) == 0 with input as mk({}, {"CHG-2026-0001": c})
}

test_fires_when_prior_approval_is_after_start if {
	# not retrospective, but given after the work started: no authorisation.
	a := object.union(retro, {"at": "2026-03-01T11:00:00Z", "retrospective": false})
	c := object.union(base_change, {"approvals": [a]})
	d := emergency_review.deny with input as mk({}, {"CHG-2026-0001": c})
	{f.field | some f in d} == {"approvals"}
}

test_silent_while_review_not_yet_due if {
	# ended 2026-11-20: the review is due by 2026-11-25; today is 2026-11-23.
	c := object.remove(
		object.union(base_change, {"status": "implemented", "actual": {"start": "2026-11-20T10:00:00Z", "end": "2026-11-20T12:00:00Z"}}),
		["approvals", "pir"],
	)
	count(emergency_review.deny) == 0 with input as mk({}, {"CHG-2026-0001": c})
}

test_fires_the_day_after_the_review_was_due if {
	# ended 2026-11-17T12:00: due by 2026-11-22T12:00; today 2026-11-23.
	c := object.remove(
		object.union(base_change, {"status": "implemented", "actual": {"start": "2026-11-17T10:00:00Z", "end": "2026-11-17T12:00:00Z"}}),
		["pir"],
	)
	d := emergency_review.deny with input as mk({}, {"CHG-2026-0001": c})
	{f.field | some f in d} == {"pir"}
}

test_silent_when_authorised_before_implementation_without_the_flag if {
	a := object.remove(object.union(retro, {"at": "2026-03-01T09:00:00Z"}), ["retrospective"])
	c := object.union(base_change, {"approvals": [a]})
	count(emergency_review.deny) == 0 with input as mk({}, {"CHG-2026-0001": c})
}
