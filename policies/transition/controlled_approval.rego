# METADATA
# title: Edits of what judges changes are approved by its authority
# description: |
#   ISO/IEC 20000-1 5.3 and 7.5.3 require authorities to be assigned and
#   documented information to be changed under control. The records that
#   judge every other change (sms.cue with its settings, the repository's
#   policies, people and their identities, roles and their authorities,
#   waivers) are controlled: a pull request that adds, edits or deletes one
#   needs an approving review that counts (see change.approval: not
#   dismissed, on the head commit, not by its author or last pusher) by a
#   person who holds a role that grants the authority the matrix names for
#   it (input.controlled; README "Controlled records"). Who holds which
#   authority is read from the trusted revision, never from the pull
#   request's own edits.
# custom:
#   id: transition.controlled_approval
#   clause: "7.5.3"
#   severity: error
#   remediation: |
#     Have a person who holds a role granting the named authority approve the
#     pull request's latest commit on GitHub, and give them a github login in
#     their people record (at the base revision).
package smsctl.rules.transition.controlled_approval

import data.smsctl.lib

deny contains {"kind": kind, "id": c.id, "msg": msg} if {
	input.pull_request
	some c in input.controlled
	not approved(c.authority)
	kind := record_kind(c)
	msg := sprintf(
		"%s %s %s, a controlled record: pull request #%d needs an approval that counts by a person holding a role that grants %s%s",
		[c.kind, c.id, verb[c.change], input.pull_request.number, c.authority, lib.pr_uncounted_note],
	)
}

approved(authority) if {
	some r in lib.pr_approvals
	lib.may(r.person, authority)
}

# record_kind is the finding's kind: the record's, none for a policy file.
record_kind(c) := c.kind if c.kind != "policy"

record_kind(c) := "" if c.kind == "policy"

verb := {"added": "is added", "modified": "is edited", "deleted": "is deleted"}
