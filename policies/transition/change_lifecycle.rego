# METADATA
# title: Changes move through their lifecycle without skipping authorisation
# description: |
#   ISO/IEC 20000-1 8.5.1.3 requires changes to be authorised before they
#   are deployed. Judged against the base revision (--base), a normal or
#   standard change may not go in one step from draft or submitted to
#   scheduled, implemented, reviewed, closed or failed: it must pass
#   approved first, in a change of its own, so the approval is on record
#   before the work. A status may also never move back from implemented,
#   reviewed or closed to an earlier one. Emergency changes are approved
#   retrospectively and are exempt from the first check.
# custom:
#   id: transition.change_lifecycle
#   clause: "8.5.1.3"
#   severity: error
#   remediation: Merge the approval (status approved, with its approvals) before recording the implementation; do not move a change's status backwards.
package smsctl.rules.transition.change_lifecycle

unapproved := {"draft", "submitted"}

after_approval := {"scheduled", "implemented", "reviewed", "closed", "failed"}

done := {"implemented", "reviewed", "closed"}

before_done := {"draft", "submitted", "approved", "scheduled"}

deny contains {"kind": "change", "id": t.id, "msg": msg, "field": "status"} if {
	some t in input.transitions
	t.kind == "change"
	t.new.type != "emergency"
	t.old.status in unapproved
	t.new.status in after_approval
	msg := sprintf("change %s went from %s to %s without passing approved", [t.id, t.old.status, t.new.status])
}

deny contains {"kind": "change", "id": t.id, "msg": msg, "field": "status"} if {
	some t in input.transitions
	t.kind == "change"
	t.old.status in done
	t.new.status in before_done
	msg := sprintf("change %s moved back from %s to %s", [t.id, t.old.status, t.new.status])
}
