# METADATA
# title: Changes are not approved by their requester or implementer
# description: |
#   ISO/IEC 20000-1 8.5.1.3 requires changes to be approved by the defined
#   authority; an approval is only a control when it is independent of the
#   people who asked for and carry out the change. No approval with decision
#   "approved" may be given by the change's requester or its implementer,
#   nor, when either is a team, by a member of that team (its members in
#   the trusted people records).
#   With a pull request in the input (smsctl validate --pr N), neither may
#   approve on GitHub the pull request that adds or edits the change: its
#   reviewers are mapped to people by their github login.
# custom:
#   id: change.segregation
#   clause: "8.5.1.3"
#   severity: error
#   remediation: Have the change approved by an authorised person who neither requested nor implements it, nor belongs to the team that did.
package smsctl.rules.change.segregation

import data.smsctl.lib

# related is the cheap test of whether a person is the change's requester
# or implementer or a member of either's team; parts then says which.
related(c, person) if c.requester == person

related(c, person) if c.implementer == person

related(c, person) if person in lib.people[c.requester].members

related(c, person) if person in lib.people[c.implementer].members

# parts names what the person is to the change: its requester or
# implementer, or a member (by the trusted people records' members) of the
# team that requested or implements it.
parts(c, person) := array.concat(own(c, person), teams(c, person))

own(c, person) := [sprintf("its %s", [concat(" and ", ps)])] if {
	ps := [p | some p in ["requester", "implementer"]; c[p] == person]
	count(ps) > 0
} else := []

teams(c, person) := [sprintf("a member of %s, its %s", [c[p], p]) |
	some p in ["requester", "implementer"]
	c[p] != person
	person in lib.people[c[p]].members
]

deny contains {"kind": "change", "id": id, "msg": msg, "field": sprintf("approvals[%d].by", [i])} if {
	some id, c in input.records.change
	some i, a in c.approvals
	a.decision == "approved"
	related(c, a.by)
	ps := parts(c, a.by)
	count(ps) > 0
	msg := sprintf(
		"change %s is approved (approvals[%d]) by %s, who is %s",
		[id, i, a.by, concat(" and ", ps)],
	)
}

deny contains {"kind": "change", "id": id, "msg": msg, "field": "approvals"} if {
	some id in input.pull_request.changes
	c := input.records.change[id]
	some r in input.pull_request.reviews
	r.state == "APPROVED"
	not r.dismissed
	related(c, r.person)
	ps := parts(c, r.person)
	count(ps) > 0
	msg := sprintf(
		"change %s is approved in pull request #%d by %s (GitHub %s), who is %s",
		[id, input.pull_request.number, r.person, r.login, concat(" and ", ps)],
	)
}
