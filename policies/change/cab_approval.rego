# METADATA
# title: High-risk normal changes are approved by the CAB
# description: |
#   ISO/IEC 20000-1 8.5.1.3 requires the decision on changes with a high
#   potential impact to involve the parties that can assess it. A high-risk
#   normal change that has reached or passed approval (approved, scheduled,
#   implemented, reviewed, closed, failed) must also carry an approval with
#   decision "approved" by a member of the change advisory board: a person who
#   holds the role named in the approval, where that role is the CAB role of
#   sms.cue (change_management.cab_role) or grants the authority cab-member.
#
#   With a pull request in the input (smsctl validate --pr N), a high-risk
#   change that the pull request adds or edits needs instead an approving
#   review of the pull request that counts (see change.approval) by a person
#   who holds such a role.
# custom:
#   id: change.cab_approval
#   clause: "8.5.1.3"
#   severity: error
#   remediation: |
#     Table the change at the CAB and record the approval of a CAB member, in
#     the CAB role, before implementation. In a pull request, have a CAB
#     member approve its latest commit on GitHub.
package smsctl.rules.change.cab_approval

import data.smsctl.lib

past_approval := {"approved", "scheduled", "implemented", "reviewed", "closed", "failed"}

cab_role(role) if role == input.sms.change_management.cab_role

cab_role(role) if lib.role_grants(role, "cab-member")

cab_approved(c) if {
	some a in c.approvals
	a.decision == "approved"
	cab_role(a.role)
	lib.holds(a.by, a.role)
}

deny contains {"kind": "change", "id": id, "msg": msg, "field": "approvals"} if {
	some id, c in input.records.change
	c.type == "normal"
	c.risk == "high"
	c.status in past_approval
	not lib.pr_touches(id)
	not cab_approved(c)
	msg := sprintf(
		"high-risk normal change %s is %s but has no approval by a CAB member in the CAB role (%s)",
		[id, c.status, cab_name],
	)
}

deny contains {"kind": "change", "id": id, "msg": msg, "field": "approvals"} if {
	some id in input.pull_request.changes
	c := input.records.change[id]
	c.type == "normal"
	c.risk == "high"
	c.status in past_approval
	not pr_cab_approved
	msg := sprintf(
		"high-risk normal change %s is %s but pull request #%d has no approval that counts by a CAB member (%s)%s",
		[id, c.status, input.pull_request.number, cab_name, lib.pr_uncounted_note],
	)
}

pr_cab_approved if {
	some r in lib.pr_approvals
	some role in lib.roles_of(r.person)
	cab_role(role)
}

default cab_name := "any role with authority cab-member"

cab_name := sprintf("role %s or any role with authority cab-member", [input.sms.change_management.cab_role])
