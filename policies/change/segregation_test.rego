package smsctl.rules.change.segregation_test

import data.smsctl.rules.change.segregation

base_change := {
	"title": "t", "type": "normal", "status": "closed", "requester": "carol", "implementer": "dave",
	"raised": "2026-01-01T09:00:00Z", "reason": "r", "risk": "low", "impact": "low", "urgency": "low",
	"services": ["web"],
}

approved_by(p) := {"by": p, "role": "change-manager", "at": "2026-01-02T09:00:00Z", "decision": "approved"}

mk(changes) := {"now": "2026-11-23T10:00:00Z", "sms": {}, "records": {"change": changes}}

test_silent_when_independent if {
	c := object.union(base_change, {"approvals": [approved_by("alice")]})
	count(segregation.deny) == 0 with input as mk({"CHG-2026-0001": c})
}

test_silent_when_requester_rejects if {
	r := object.union(approved_by("carol"), {"decision": "rejected"})
	c := object.union(base_change, {"approvals": [approved_by("alice"), r]})
	count(segregation.deny) == 0 with input as mk({"CHG-2026-0001": c})
}

test_fires_when_requester_approves if {
	c := object.union(base_change, {"approvals": [approved_by("alice"), approved_by("carol")]})
	d := segregation.deny with input as mk({"CHG-2026-0001": c})
	d == {{
		"kind": "change", "id": "CHG-2026-0001", "field": "approvals[1].by",
		"msg": "change CHG-2026-0001 is approved (approvals[1]) by carol, who is its requester",
	}}
}

test_fires_when_implementer_approves if {
	c := object.union(base_change, {"approvals": [approved_by("dave")]})
	d := segregation.deny with input as mk({"CHG-2026-0001": c})
	count(d) == 1
	some f in d
	contains(f.msg, "implementer")
}

test_fires_once_when_requester_is_implementer if {
	c := object.union(base_change, {"implementer": "carol", "approvals": [approved_by("carol")]})
	d := segregation.deny with input as mk({"CHG-2026-0001": c})
	count(d) == 1
	some f in d
	contains(f.msg, "requester and implementer")
}

# Pull requests: the requester or implementer approving on GitHub.

pr_head := "1111111111111111111111111111111111111111"

mk_pr(changes, reviews) := object.union(mk(changes), {"pull_request": {
	"number": 7, "author": "carol-gh", "last_pusher": "carol-gh", "head_sha": pr_head,
	"changes": ["CHG-2026-0001"], "reviews": reviews,
}})

gh_review(login, person, state) := {"login": login, "person": person, "state": state, "commit_id": pr_head, "submitted_at": "2026-11-20T10:00:00Z", "dismissed": state == "DISMISSED"}

test_pr_silent_when_reviewer_independent if {
	count(segregation.deny) == 0 with input as mk_pr({"CHG-2026-0001": base_change}, [gh_review("alice-gh", "alice", "APPROVED")])
}

test_pr_fires_when_implementer_approves if {
	d := segregation.deny with input as mk_pr({"CHG-2026-0001": base_change}, [gh_review("dave-gh", "dave", "APPROVED")])
	d == {{
		"kind": "change", "id": "CHG-2026-0001", "field": "approvals",
		"msg": "change CHG-2026-0001 is approved in pull request #7 by dave (GitHub dave-gh), who is its implementer",
	}}
}

test_pr_silent_when_implementer_review_dismissed if {
	count(segregation.deny) == 0 with input as mk_pr({"CHG-2026-0001": base_change}, [gh_review("dave-gh", "dave", "DISMISSED")])
}

# Teams: a member of the implementing (or requesting) team is not independent.

team_people := {
	"platform-team": {"name": "Platform", "type": "team", "members": ["erin", "frank"]},
	"erin": {"name": "Erin", "type": "person"},
	"alice": {"name": "Alice", "type": "person"},
}

test_fires_when_a_member_of_the_implementing_team_approves if {
	c := object.union(base_change, {"implementer": "platform-team", "approvals": [approved_by("erin")]})
	d := segregation.deny with input as {"now": "2026-11-23T10:00:00Z", "sms": {}, "records": {"change": {"CHG-2026-0001": c}, "person": team_people}}
	d == {{
		"kind": "change", "id": "CHG-2026-0001", "field": "approvals[0].by",
		"msg": "change CHG-2026-0001 is approved (approvals[0]) by erin, who is a member of platform-team, its implementer",
	}}
}

test_membership_comes_from_the_trusted_people if {
	# the judged revision adds alice to the team; the trusted one does not have her.
	c := object.union(base_change, {"implementer": "platform-team", "approvals": [approved_by("alice")]})
	edited := object.union(team_people, {"platform-team": {"name": "Platform", "type": "team", "members": ["erin", "alice"]}})
	count(segregation.deny) == 0 with input as {
		"now": "2026-11-23T10:00:00Z", "sms": {},
		"records": {"change": {"CHG-2026-0001": c}, "person": edited},
		"trusted": {"person": team_people, "role": {}},
	}
}

test_pr_fires_when_a_team_member_approves if {
	c := object.union(base_change, {"implementer": "platform-team"})
	i := object.union(mk_pr({"CHG-2026-0001": c}, [gh_review("erin-gh", "erin", "APPROVED")]), {"records": {"change": {"CHG-2026-0001": c}, "person": team_people}})
	count(segregation.deny) == 1 with input as i
}
