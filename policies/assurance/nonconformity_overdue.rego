# METADATA
# title: Corrective actions are completed by their due date
# description: |
#   ISO/IEC 20000-1 10.1 requires corrective actions to be implemented. A
#   corrective action of a nonconformity that is not closed, which is not done
#   and whose due date is before today, is overdue.
# custom:
#   id: assurance.nonconformity_overdue
#   clause: "10.1"
#   severity: warning
#   remediation: Complete the action and record done, or agree and record a new due date.
package smsctl.rules.assurance.nonconformity_overdue

import data.smsctl.lib

# today_ns is midnight UTC of input.today (of input.now's date without it).
today_ns := lib.ns(input.today) if input.today

today_ns := lib.now_ns - (lib.now_ns % lib.day_ns) if not input.today

deny contains {"kind": "nonconformity", "id": id, "msg": msg, "field": sprintf("corrective_actions[%d]", [i])} if {
	some id, nc in input.records.nonconformity
	nc.status != "closed"
	some i, a in nc.corrective_actions
	not a.done
	lib.ns(a.due) < today_ns
	msg := sprintf(
		"corrective action %q of nonconformity %s, owned by %s, was due on %s and is not done",
		[a.description, id, a.owner, a.due],
	)
}
