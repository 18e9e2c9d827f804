# METADATA
# title: Closed records are not edited again
# description: |
#   ISO/IEC 20000-1 7.5.3 requires documented information to be protected
#   from unintended alteration. Judged against the base revision (--base), a
#   record whose status was closed there may not change, except under a
#   waiver of this rule that names it (which then shows in the output).
# custom:
#   id: transition.closed_edited
#   clause: "7.5.3"
#   severity: error
#   remediation: Leave closed records as they are; record corrections in a new record, or approve a waiver of transition.closed_edited for the record.
package smsctl.rules.transition.closed_edited

deny contains {"kind": t.kind, "id": t.id, "msg": msg} if {
	some t in input.transitions
	t.old.status == "closed"
	t.new != null
	msg := sprintf("%s %s was closed and has been edited", [t.kind, t.id])
}

deny contains {"kind": t.kind, "id": t.id, "msg": msg} if {
	some t in input.transitions
	t.old.status == "closed"
	t.new == null
	msg := sprintf("%s %s was closed and has been deleted", [t.kind, t.id])
}
