# METADATA
# title: Records with a lifecycle are withdrawn or cancelled, not deleted
# description: |
#   ISO/IEC 20000-1 7.5.3 requires documented information to be retained
#   and protected from loss, and 8.5.1, 8.6 and 10 require changes,
#   incidents, requests, problems and the SMS's actions to be recorded.
#   Judged against the base revision (--base), a record that has a
#   lifecycle status (a change, release, incident, request, problem, risk,
#   audit, nonconformity or improvement) may not be deleted: one raised in
#   error or no longer wanted is withdrawn, cancelled or rejected instead,
#   and stays on record. (A closed record deleted is reported by
#   transition.closed_edited.)
# custom:
#   id: transition.deleted
#   clause: "7.5.3"
#   severity: error
#   remediation: Restore the record and set its status to withdrawn, cancelled or rejected, with the reason in its description.
package smsctl.rules.transition.deleted

lifecycle := {"change", "release", "incident", "request", "problem", "risk", "audit", "nonconformity", "improvement"}

# instead names the statuses a record of each kind ends in when it is not
# carried through.
instead := {
	"change": "withdrawn, cancelled or rejected",
	"release": "cancelled",
	"incident": "cancelled",
	"request": "withdrawn, cancelled or rejected",
	"problem": "cancelled",
	"risk": "closed",
	"audit": "cancelled",
	"nonconformity": "withdrawn",
	"improvement": "withdrawn or rejected",
}

deny contains {"kind": t.kind, "id": t.id, "msg": msg} if {
	some t in input.transitions
	t.kind in lifecycle
	t.new == null
	t.old != null
	t.old.status != "closed"
	msg := sprintf(
		"%s %s (%s) has been deleted; set its status to %s instead, so that it stays on record",
		[t.kind, t.id, t.old.status, instead[t.kind]],
	)
}
