package smsctl.rules.transition.controlled_approval_test

import data.smsctl.rules.transition.controlled_approval

base := {
	"records": {"person": {}, "role": {}},
	"trusted": {
		"person": {
			"ada": {"roles": ["sms-manager"], "github": "ada"},
			"bob": {"roles": ["engineer"], "github": "bob"},
		},
		"role": {"sms-manager": {"authorities": ["approve-policy"]}, "engineer": {"authorities": []}},
	},
	"controlled": [{"kind": "role", "id": "engineer", "file": "roles/engineer.cue", "change": "modified", "authority": "approve-policy"}],
}

pr(reviews) := object.union(base, {"pull_request": {
	"number": 7, "author": "bob", "last_pusher": "bob", "head_sha": "h1",
	"changes": [], "reviews": reviews,
}})

review(login, person) := {"login": login, "person": person, "roles": [], "state": "APPROVED", "commit_id": "h1", "submitted_at": "2026-11-01T10:00:00Z", "dismissed": false}

test_fires_without_approval if {
	ds := controlled_approval.deny with input as pr([])
	{f.id | some f in ds} == {"engineer"}
}

test_silent_with_an_authorised_approval if {
	count(controlled_approval.deny) == 0 with input as pr([review("ada", "ada")])
}

test_fires_when_the_approver_has_the_authority_only_in_the_judged_records if {
	# bob's role grants approve-policy in the pull request's own roles/, not in the trusted ones
	doc := object.union(pr([review("carol", "bob")]), {"records": {"role": {"engineer": {"authorities": ["approve-policy"]}}}})
	ds := controlled_approval.deny with input as doc
	count(ds) == 1
}

test_the_author_cannot_approve if {
	doc := object.union(pr([review("ada", "ada")]), {"pull_request": {"author": "ada"}})
	count(controlled_approval.deny) == 1 with input as doc
}

test_policy_files_have_no_record_kind if {
	doc := object.union(pr([]), {"controlled": [{"kind": "policy", "id": "policies/org/x.rego", "file": "policies/org/x.rego", "change": "added", "authority": "approve-policy"}]})
	ds := controlled_approval.deny with input as doc
	{f.kind | some f in ds} == {""}
}

test_silent_without_a_pull_request if {
	count(controlled_approval.deny) == 0 with input as base
}
