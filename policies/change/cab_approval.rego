# METADATA
# title: High-risk normal changes are approved by the CAB
# description: |
#   ISO/IEC 20000-1 8.5.1.3 requires the decision on changes with a high
#   potential impact to involve the parties that can assess it. A high-risk
#   normal change that has reached or passed approval (approved, scheduled,
#   implemented, reviewed, closed, failed) must also carry an approval with
#   decision "approved" by a member of the change advisory board: a person who
#   holds the role named in the approval, where that role is the CAB role of
#   sms.cue (change_management.cab_role) or grants the authority cab-member,
#   given no later than the change's actual.start when it has one. The CAB
#   member must be another person than the one whose approval satisfies
#   change.approval: one person cannot be both the change approver and the
#   CAB.
#
#   With a pull request in the input (smsctl validate --pr N), a high-risk
#   change that the pull request adds or edits needs instead an approving
#   review of the pull request that counts (see change.approval) by a person
#   who holds such a role, and another by a different person who may
#   approve normal changes.
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

# cab_approved is true when a CAB member approved the change and someone
# else gave the approval change.approval requires: one person cannot be
# both the change approver and the CAB.
cab_approved(c) if {
	some cab in lib.cab_approvers(c)
	some approver in lib.change_approvers(c)
	cab != approver
}

# why says what is missing.
why(c) := sprintf(" distinct from its change approver (%s approved alone)", [concat(", ", sort(lib.cab_approvers(c)))]) if {
	count(lib.cab_approvers(c)) > 0
} else := " given before its implementation started" if {
	some a in c.approvals
	a.decision == "approved"
	lib.cab_role(a.role)
	lib.holds(a.by, a.role)
} else := ""

deny contains {"kind": "change", "id": id, "msg": msg, "field": "approvals"} if {
	some id, c in input.records.change
	c.type == "normal"
	c.risk == "high"
	c.status in past_approval
	not lib.pr_touches(id)
	not cab_approved(c)
	msg := sprintf(
		"high-risk normal change %s is %s but has no approval by a CAB member in the CAB role (%s)%s",
		[id, c.status, cab_name, why(c)],
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
		"high-risk normal change %s is %s but pull request #%d has no approval that counts by a CAB member (%s) besides a change approver's%s",
		[id, c.status, input.pull_request.number, cab_name, lib.pr_uncounted_note],
	)
}

pr_cab_approved if {
	some r in lib.pr_approvals
	some role in lib.roles_of(r.person)
	lib.cab_role(role)
	some other in lib.pr_approvals
	other.person != r.person
	lib.may(other.person, "approve-normal-change")
}

default cab_name := "any role with authority cab-member"

cab_name := sprintf("role %s or any role with authority cab-member", [input.sms.change_management.cab_role])
