package smsctl.rules.change.cab_approval_test

import data.smsctl.rules.change.cab_approval

roles := {
	"change-manager": {"name": "CM", "description": "d", "authorities": ["approve-normal-change"]},
	"cab-member": {"name": "CAB", "description": "d", "authorities": ["cab-member", "approve-normal-change"]},
	"board": {"name": "Board", "description": "d"},
}

people := {
	"alice": {"name": "Alice", "type": "person", "roles": ["change-manager"]},
	"bob": {"name": "Bob", "type": "person", "roles": ["cab-member"]},
	"erin": {"name": "Erin", "type": "person", "roles": ["board"]},
}

base_change := {
	"title": "t", "type": "normal", "status": "closed", "requester": "carol",
	"raised": "2026-01-01T09:00:00Z", "reason": "r", "risk": "high", "impact": "low", "urgency": "low",
	"services": ["web"],
}

cm := {"by": "alice", "role": "change-manager", "at": "2026-01-02T09:00:00Z", "decision": "approved"}

cab := {"by": "bob", "role": "cab-member", "at": "2026-01-02T09:00:00Z", "decision": "approved"}

mk(sms, changes) := {
	"now": "2026-11-23T10:00:00Z",
	"sms": sms,
	"records": {"role": roles, "person": people, "change": changes},
}

test_silent_with_cab_approval if {
	c := object.union(base_change, {"approvals": [cm, cab]})
	count(cab_approval.deny) == 0 with input as mk({}, {"CHG-2026-0001": c})
}

test_silent_for_medium_risk if {
	c := object.union(base_change, {"risk": "medium", "approvals": [cm]})
	count(cab_approval.deny) == 0 with input as mk({}, {"CHG-2026-0001": c})
}

test_silent_for_submitted if {
	c := object.union(base_change, {"status": "submitted"})
	count(cab_approval.deny) == 0 with input as mk({}, {"CHG-2026-0001": c})
}

test_silent_with_configured_cab_role_without_authority if {
	# the configured cab_role counts even when it does not grant cab-member.
	a := {"by": "erin", "role": "board", "at": "2026-01-02T09:00:00Z", "decision": "approved"}
	c := object.union(base_change, {"approvals": [cm, a]})
	sms := {"change_management": {"cab_role": "board"}}
	count(cab_approval.deny) == 0 with input as mk(sms, {"CHG-2026-0001": c})
}

test_fires_without_cab_approval if {
	c := object.union(base_change, {"approvals": [cm]})
	d := cab_approval.deny with input as mk({}, {"CHG-2026-0001": c})
	count(d) == 1
	some f in d
	f.id == "CHG-2026-0001"
	f.field == "approvals"
}

test_fires_on_cab_rejection if {
	r := object.union(cab, {"decision": "rejected"})
	c := object.union(base_change, {"status": "failed", "approvals": [cm, r]})
	count(cab_approval.deny) == 1 with input as mk({}, {"CHG-2026-0001": c})
}

test_fires_when_approver_not_in_cab_role if {
	# alice names the CAB role but does not hold it.
	a := object.union(cab, {"by": "alice"})
	c := object.union(base_change, {"approvals": [a]})
	count(cab_approval.deny) == 1 with input as mk({}, {"CHG-2026-0001": c})
}

# Pull requests: a CAB member's approving review that counts.

pr_head := "1111111111111111111111111111111111111111"

high := object.union(base_change, {"approvals": [cm, cab]})

mk_pr(changes, reviews) := object.union(mk({}, changes), {"pull_request": {
	"number": 7, "author": "carol-gh", "last_pusher": "carol-gh", "head_sha": pr_head,
	"changes": ["CHG-2026-0001"], "reviews": reviews,
}})

cab_review(commit) := {"login": "bob-gh", "person": "bob", "state": "APPROVED", "commit_id": commit, "submitted_at": "2026-11-20T10:00:00Z", "dismissed": false}

test_pr_record_approvals_alone_do_not_count if {
	count(cab_approval.deny) == 1 with input as mk_pr({"CHG-2026-0001": high}, [])
}

cm_review := {"login": "alice-gh", "person": "alice", "state": "APPROVED", "commit_id": pr_head, "submitted_at": "2026-11-20T10:00:00Z", "dismissed": false}

test_pr_silent_with_cab_review if {
	count(cab_approval.deny) == 0 with input as mk_pr({"CHG-2026-0001": high}, [cm_review, cab_review(pr_head)])
}

test_pr_fires_when_the_cab_member_approves_alone if {
	# bob's CAB role also grants approve-normal-change: he alone cannot be both.
	count(cab_approval.deny) == 1 with input as mk_pr({"CHG-2026-0001": high}, [cab_review(pr_head)])
}

test_pr_fires_on_stale_cab_review if {
	d := cab_approval.deny with input as mk_pr({"CHG-2026-0001": high}, [cab_review("2222222222222222222222222222222222222222")])
	count(d) == 1
	some f in d
	contains(f.msg, "pull request #7 has no approval that counts by a CAB member")
	contains(f.msg, "older commit")
}

test_fires_when_the_cab_member_is_the_only_approver if {
	# bob approves as CAB member and, in a role granting approve-normal-change, as change approver.
	c := object.union(base_change, {"approvals": [object.union(cab, {"role": "cab-member"}), cab]})
	d := cab_approval.deny with input as mk({}, {"CHG-2026-0001": c})
	count(d) == 1
	some f in d
	contains(f.msg, "distinct from its change approver")
}

test_fires_when_cab_approval_is_after_the_start if {
	c := object.union(base_change, {
		"approvals": [cm, object.union(cab, {"at": "2026-01-05T09:00:00Z"})],
		"actual": {"start": "2026-01-04T09:00:00Z", "end": "2026-01-04T10:00:00Z"},
	})
	d := cab_approval.deny with input as mk({}, {"CHG-2026-0001": c})
	count(d) == 1
	some f in d
	contains(f.msg, "before its implementation started")
}

test_silent_when_approved_at_the_start if {
	c := object.union(base_change, {
		"approvals": [cm, cab],
		"actual": {"start": "2026-01-02T09:00:00Z", "end": "2026-01-04T10:00:00Z"},
	})
	count(cab_approval.deny) == 0 with input as mk({}, {"CHG-2026-0001": c})
}
