package smsctl.rules.change.approval_test

import data.smsctl.rules.change.approval

roles := {
	"change-manager": {"name": "CM", "description": "d", "authorities": ["approve-normal-change", "approve-emergency-change"]},
	"cab": {"name": "CAB", "description": "d", "authorities": ["cab-member"]},
	"engineer": {"name": "Eng", "description": "d"},
}

people := {
	"alice": {"name": "Alice", "type": "person", "roles": ["change-manager"]},
	"bob": {"name": "Bob", "type": "person", "roles": ["cab", "engineer"]},
	"carol": {"name": "Carol", "type": "person"},
}

base_change := {
	"title": "t", "type": "normal", "status": "closed", "requester": "carol",
	"raised": "2026-01-01T09:00:00Z", "reason": "r", "risk": "low", "impact": "low", "urgency": "low",
	"services": ["web"],
}

mk(changes) := {
	"now": "2026-11-23T10:00:00Z",
	"sms": {},
	"records": {"role": roles, "person": people, "change": changes},
}

ok_approval := {"by": "alice", "role": "change-manager", "at": "2026-01-02T09:00:00Z", "decision": "approved"}

test_silent_when_approved_by_authorised_person if {
	c := object.union(base_change, {"approvals": [ok_approval]})
	count(approval.deny) == 0 with input as mk({"CHG-2026-0001": c})
}

test_silent_for_draft_without_approval if {
	c := object.union(base_change, {"status": "submitted"})
	count(approval.deny) == 0 with input as mk({"CHG-2026-0001": c})
}

test_silent_for_standard_change_without_normal_approval if {
	c := object.union(base_change, {"type": "standard"})
	count(approval.deny) == 0 with input as mk({"CHG-2026-0001": c})
}

test_fires_without_approvals if {
	d := approval.deny with input as mk({"CHG-2026-0001": base_change})
	count(d) == 1
	some f in d
	f.id == "CHG-2026-0001"
	f.field == "approvals"
}

test_fires_on_rejection_only if {
	a := object.union(ok_approval, {"decision": "rejected"})
	c := object.union(base_change, {"status": "approved", "approvals": [a]})
	count(approval.deny) == 1 with input as mk({"CHG-2026-0001": c})
}

test_fires_when_role_lacks_authority if {
	a := {"by": "bob", "role": "cab", "at": "2026-01-02T09:00:00Z", "decision": "approved"}
	c := object.union(base_change, {"approvals": [a]})
	d := approval.deny with input as mk({"CHG-2026-0001": c})
	count(d) == 1
	some f in d
	f.field == "approvals"
}

test_fires_twice_when_approver_lacks_named_role if {
	# carol names change-manager but holds no role: the change is unapproved
	# and the approval itself is misattributed.
	a := {"by": "carol", "role": "change-manager", "at": "2026-01-02T09:00:00Z", "decision": "approved"}
	c := object.union(base_change, {"approvals": [a]})
	d := approval.deny with input as mk({"CHG-2026-0001": c})
	count(d) == 2
	some f in d
	f.field == "approvals[0].role"
	contains(f.msg, "carol")
}

test_misattribution_fires_on_any_change if {
	a := {"by": "bob", "role": "change-manager", "at": "2026-01-02T09:00:00Z", "decision": "rejected"}
	c := object.union(base_change, {"type": "emergency", "status": "rejected", "approvals": [a]})
	d := approval.deny with input as mk({"CHG-2026-0001": c})
	d == {{
		"kind": "change", "id": "CHG-2026-0001", "field": "approvals[0].role",
		"msg": "change CHG-2026-0001: the rejected decision by bob (approvals[0]) is recorded in role change-manager, which bob does not hold",
	}}
}

test_misattribution_fires_for_unknown_person if {
	a := {"by": "zed", "role": "change-manager", "at": "2026-01-02T09:00:00Z", "decision": "approved"}
	c := object.union(base_change, {"approvals": [ok_approval, a]})
	d := approval.deny with input as mk({"CHG-2026-0001": c})
	count(d) == 1
	some f in d
	f.field == "approvals[1].role"
}

# Pull requests: the real approvals judge the changes the pull request touches.

head := "1111111111111111111111111111111111111111"

review(login, person, state, commit, at) := object.union(review_base(login, state, commit, at), {"person": person}) if person != ""

review(login, person, state, commit, at) := review_base(login, state, commit, at) if person == ""

review_base(login, state, commit, at) := {"login": login, "state": state, "commit_id": commit, "submitted_at": at, "dismissed": state == "DISMISSED", "roles": []}

mk_pr(changes, reviews) := object.union(mk(changes), {"pull_request": {
	"number": 7, "author": "carol-gh", "last_pusher": "dave-gh", "head_sha": head,
	"changes": ["CHG-2026-0001"], "reviews": reviews,
}})

approved_change := object.union(base_change, {"status": "approved", "approvals": [ok_approval]})

test_pr_silent_with_counted_approval if {
	rs := [review("alice-gh", "alice", "APPROVED", head, "2026-11-20T10:00:00Z")]
	count(approval.deny) == 0 with input as mk_pr({"CHG-2026-0001": approved_change}, rs)
}

test_pr_claimed_approval_without_review_fires if {
	d := approval.deny with input as mk_pr({"CHG-2026-0001": approved_change}, [])
	count(d) == 1
	some f in d
	contains(f.msg, "pull request #7 has no approval that counts")
}

test_pr_stale_approval_does_not_count if {
	rs := [review("alice-gh", "alice", "APPROVED", "2222222222222222222222222222222222222222", "2026-11-20T10:00:00Z")]
	d := approval.deny with input as mk_pr({"CHG-2026-0001": approved_change}, rs)
	some f in d
	contains(f.msg, "alice-gh's review (it was given on an older commit (222222222222))")
}

test_pr_dismissed_approval_does_not_count if {
	rs := [review("alice-gh", "alice", "DISMISSED", head, "2026-11-20T10:00:00Z")]
	d := approval.deny with input as mk_pr({"CHG-2026-0001": approved_change}, rs)
	some f in d
	contains(f.msg, "alice-gh's review (it was dismissed)")
}

test_pr_author_and_last_pusher_do_not_count if {
	# alice's login is the pull request's author in one case, its last pusher in the other
	rs := [review("carol-gh", "alice", "APPROVED", head, "2026-11-20T10:00:00Z"), review("dave-gh", "alice", "APPROVED", head, "2026-11-20T10:05:00Z")]
	d := approval.deny with input as mk_pr({"CHG-2026-0001": approved_change}, rs)
	some f in d
	contains(f.msg, "carol-gh's review (it is by the pull request's author)")
	contains(f.msg, "dave-gh's review (it is by the last pusher)")
}

test_pr_unknown_login_does_not_count if {
	rs := [review("stranger", "", "APPROVED", head, "2026-11-20T10:00:00Z")]
	d := approval.deny with input as mk_pr({"CHG-2026-0001": approved_change}, rs)
	some f in d
	contains(f.msg, "stranger's review (no person record has this GitHub login)")
}

test_pr_inactive_person_or_team_does_not_count if {
	ppl := object.union(people, {
		"alice": {"name": "Alice", "type": "person", "roles": ["change-manager"], "active": false},
		"ops": {"name": "Ops", "type": "team", "roles": ["change-manager"]},
	})
	rs := [review("alice-gh", "alice", "APPROVED", head, "2026-11-20T10:00:00Z"), review("ops-gh", "ops", "APPROVED", head, "2026-11-20T10:05:00Z")]
	d := approval.deny with input as mk_pr({"CHG-2026-0001": approved_change}, rs)
		with input.records.person as ppl
	some f in d
	contains(f.msg, "alice-gh's review (alice is no longer active)")
	contains(f.msg, "ops-gh's review (ops is a team, not a person)")
}

test_pr_withdrawn_approval_does_not_count if {
	rs := [
		review("alice-gh", "alice", "APPROVED", head, "2026-11-20T10:00:00Z"),
		review("alice-gh", "alice", "CHANGES_REQUESTED", head, "2026-11-20T11:00:00Z"),
	]
	count(approval.deny) == 1 with input as mk_pr({"CHG-2026-0001": approved_change}, rs)
}

test_pr_approval_without_authority_does_not_count if {
	rs := [review("bob-gh", "bob", "APPROVED", head, "2026-11-20T10:00:00Z")]
	d := approval.deny with input as mk_pr({"CHG-2026-0001": approved_change}, rs)
	count(d) == 1
	some f in d
	contains(f.msg, "approve-normal-change; approved without that authority by bob (bob-gh)")
}

test_pr_untouched_change_judged_by_its_record if {
	other := object.union(base_change, {"approvals": [ok_approval]})
	doc := mk_pr({"CHG-2026-0001": object.union(base_change, {"status": "submitted"}), "CHG-2026-0002": other}, [])
	count(approval.deny) == 0 with input as doc
}

test_fires_when_approved_only_after_the_work_started if {
	c := object.union(base_change, {
		"approvals": [ok_approval],
		"actual": {"start": "2026-01-02T08:00:00Z", "end": "2026-01-02T10:00:00Z"},
	})
	d := approval.deny with input as mk({"CHG-2026-0001": c})
	count(d) == 1
	some f in d
	contains(f.msg, "before its implementation started at 2026-01-02T08:00:00Z (approved only after it by alice)")
}

test_silent_when_approved_at_the_start if {
	c := object.union(base_change, {
		"approvals": [ok_approval],
		"actual": {"start": "2026-01-02T10:00:00+01:00", "end": "2026-01-02T11:00:00Z"},
	})
	count(approval.deny) == 0 with input as mk({"CHG-2026-0001": c})
}
