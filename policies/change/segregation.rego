# METADATA
# title: Changes are not approved by their requester or implementer
# description: |
#   ISO/IEC 20000-1 8.5.1.3 requires changes to be approved by the defined
#   authority; an approval is only a control when it is independent of the
#   people who asked for and carry out the change. No approval with decision
#   "approved" may be given by the change's requester or its implementer.
#   With a pull request in the input (smsctl validate --pr N), neither may
#   approve on GitHub the pull request that adds or edits the change: its
#   reviewers are mapped to people by their github login.
# custom:
#   id: change.segregation
#   clause: "8.5.1.3"
#   severity: error
#   remediation: Have the change approved by an authorised person who neither requested nor implements it.
package smsctl.rules.change.segregation

deny contains {"kind": "change", "id": id, "msg": msg, "field": sprintf("approvals[%d].by", [i])} if {
	some id, c in input.records.change
	some i, a in c.approvals
	a.decision == "approved"
	parts := [p | some p in ["requester", "implementer"]; c[p] == a.by]
	count(parts) > 0
	msg := sprintf(
		"change %s is approved (approvals[%d]) by %s, who is its %s",
		[id, i, a.by, concat(" and ", parts)],
	)
}

deny contains {"kind": "change", "id": id, "msg": msg, "field": "approvals"} if {
	some id in input.pull_request.changes
	c := input.records.change[id]
	some r in input.pull_request.reviews
	r.state == "APPROVED"
	not r.dismissed
	parts := [p | some p in ["requester", "implementer"]; c[p] == r.person]
	count(parts) > 0
	msg := sprintf(
		"change %s is approved in pull request #%d by %s (GitHub %s), who is its %s",
		[id, input.pull_request.number, r.person, r.login, concat(" and ", parts)],
	)
}
