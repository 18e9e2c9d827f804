# METADATA
# title: Edits of what judges changes are judged with their pull request
# description: |
#   The approval of a controlled record's edit (sms.cue, policies, people,
#   roles, waivers: see transition.controlled_approval) lives in the pull
#   request's reviews. Judged against a base (--base) without the pull
#   request (--pr), the approval cannot be checked: each such edit is a
#   warning that names the authority whose approval it will need.
# custom:
#   id: transition.controlled_unjudged
#   clause: "7.5.3"
#   severity: warning
#   remediation: Judge the pull request with --pr N (the GitHub Action does), or have the edit approved by a holder of the named authority.
package smsctl.rules.transition.controlled_unjudged

deny contains {"kind": kind, "id": c.id, "msg": msg} if {
	not input.pull_request
	some c in input.controlled
	kind := record_kind(c)
	msg := sprintf(
		"%s %s is a controlled record (%s): its approval by a holder of %s is judged with the pull request (--pr)",
		[c.kind, c.id, c.change, c.authority],
	)
}

record_kind(c) := c.kind if c.kind != "policy"

record_kind(c) := "" if c.kind == "policy"
