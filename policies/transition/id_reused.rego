# METADATA
# title: A deleted record's ID is never used again
# description: |
#   ISO/IEC 20000-1 7.5.3 requires documented information to stay
#   identifiable. Judged against the base revision (--base), a record that is
#   new may not take an ID that a record of its kind had at an earlier
#   revision and lost, or the history of the old record and the new one would
#   be read as one.
# custom:
#   id: transition.id_reused
#   clause: "7.5.3"
#   severity: error
#   remediation: Give the new record the next free ID (smsctl new KIND).
package smsctl.rules.transition.id_reused

deny contains {"kind": t.kind, "id": t.id, "msg": msg} if {
	some t in input.transitions
	t.old == null
	input.retired[t.kind][t.id]
	msg := sprintf("%s %s reuses the ID of a record that was deleted earlier", [t.kind, t.id])
}
