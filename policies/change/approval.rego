# METADATA
# title: Normal changes are approved by an authorised person
# description: |
#   ISO/IEC 20000-1 8.5.1.3 requires changes to be approved by the
#   authority defined for them before they are deployed. A normal change that
#   has reached or passed approval (approved, scheduled, implemented,
#   reviewed, closed, failed) must carry at least one approval with decision
#   "approved" given by a person who holds the role named in the approval,
#   where that role grants the authority approve-normal-change, dated no
#   later than the change's actual.start when it has one: an approval given
#   after the work started authorises nothing. Independently,
#   every approval or rejection of any change must be given in a role its
#   approver holds: a decision recorded in a role the person does not hold is
#   not an authorised decision and is reported on its own.
#
#   With a pull request in the input (smsctl validate --pr N), a normal
#   change that the pull request adds or edits is judged by the pull
#   request's real approvals instead of the approvals its record claims: at
#   least one approving review must count (not dismissed, given on the head
#   commit, not by the pull request's author or last pusher, not withdrawn by
#   a later request for changes) and come from an active person (not a
#   team) whose GitHub login the people records name and who holds a role
#   that grants approve-normal-change.
# custom:
#   id: change.approval
#   clause: "8.5.1.3"
#   severity: error
#   remediation: |
#     Record the approval of a person who holds a role with the authority
#     approve-normal-change, in that role; correct approvals that name a role
#     the approver does not hold. In a pull request, have such a person
#     approve its latest commit on GitHub, and give them a github login in
#     their people record.
package smsctl.rules.change.approval

import data.smsctl.lib

past_approval := {"approved", "scheduled", "implemented", "reviewed", "closed", "failed"}

authorised(a) if {
	a.decision == "approved"
	lib.holds(a.by, a.role)
	lib.role_grants(a.role, "approve-normal-change")
}

# late_note says when the change has authorised approvals, but all of them
# were given after its implementation started.
default late_note(_) := ""

late_note(c) := sprintf(
	" before its implementation started at %s (approved only after it by %s)",
	[c.actual.start, concat(", ", sort({a.by | some a in c.approvals; authorised(a)}))],
) if {
	some a in c.approvals
	authorised(a)
}

deny contains {"kind": "change", "id": id, "msg": msg, "field": "approvals"} if {
	some id, c in input.records.change
	c.type == "normal"
	c.status in past_approval
	not lib.pr_touches(id)
	not lib.change_approved(c)
	msg := sprintf(
		"normal change %s is %s but has no approval by a person holding, and approving in, a role that grants approve-normal-change%s",
		[id, c.status, late_note(c)],
	)
}

deny contains {"kind": "change", "id": id, "msg": msg, "field": "approvals"} if {
	some id in input.pull_request.changes
	c := input.records.change[id]
	c.type == "normal"
	c.status in past_approval
	not pr_authorised
	msg := sprintf(
		"normal change %s is %s but pull request #%d has no approval that counts by a person holding a role that grants approve-normal-change%s%s",
		[id, c.status, input.pull_request.number, unauthorised_note, lib.pr_uncounted_note],
	)
}

# unauthorised_note names the approvals that count but whose reviewers
# hold no role that grants approve-normal-change.
default unauthorised_note := ""

unauthorised_note := sprintf("; approved without that authority by %s", [concat(", ", names)]) if {
	names := sort([sprintf("%s (%s)", [r.person, r.login]) |
		some r in lib.pr_approvals
		not lib.may(r.person, "approve-normal-change")
	])
	count(names) > 0
}

pr_authorised if {
	some r in lib.pr_approvals
	lib.may(r.person, "approve-normal-change")
}

deny contains {"kind": "change", "id": id, "msg": msg, "field": sprintf("approvals[%d].role", [i])} if {
	some id, c in input.records.change
	some i, a in c.approvals
	not lib.holds(a.by, a.role)
	msg := sprintf(
		"change %s: the %s decision by %s (approvals[%d]) is recorded in role %s, which %s does not hold",
		[id, a.decision, a.by, i, a.role, a.by],
	)
}
