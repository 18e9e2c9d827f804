# METADATA
# title: Nonconformities are closed only when their causes are removed and the removal works
# description: |
#   ISO/IEC 20000-1 10.1 requires the organisation to determine the causes
#   of a nonconformity, implement the actions needed to eliminate them and
#   review the effectiveness of those actions. A nonconformity in status
#   closed must record its root cause, at least one corrective action, every
#   corrective action done, and a review of effectiveness that found the
#   actions effective, checked no earlier than the last action was done.
# custom:
#   id: assurance.nonconformity_closed
#   clause: "10.1"
#   severity: error
#   remediation: Reopen the nonconformity (status corrective-action or verifying) until its root cause is recorded, its actions are done and their effectiveness has been checked and found effective.
package smsctl.rules.assurance.nonconformity_closed

import data.smsctl.lib

has_root_cause(nc) if trim_space(nc.root_cause) != ""

closed[id] := nc if {
	some id, nc in input.records.nonconformity
	nc.status == "closed"
}

deny contains {"kind": "nonconformity", "id": id, "msg": msg, "field": "root_cause"} if {
	some id, nc in closed
	not has_root_cause(nc)
	msg := sprintf("nonconformity %s is closed but records no root cause", [id])
}

deny contains {"kind": "nonconformity", "id": id, "msg": msg, "field": "corrective_actions"} if {
	some id, nc in closed
	count(object.get(nc, "corrective_actions", [])) == 0
	msg := sprintf("nonconformity %s is closed but records no corrective action", [id])
}

deny contains {"kind": "nonconformity", "id": id, "msg": msg, "field": sprintf("corrective_actions[%d].done", [i])} if {
	some id, nc in closed
	some i, a in nc.corrective_actions
	not a.done
	msg := sprintf("nonconformity %s is closed but its corrective action %q is not done", [id, a.description])
}

deny contains {"kind": "nonconformity", "id": id, "msg": msg, "field": "effectiveness"} if {
	some id, nc in closed
	not nc.effectiveness
	msg := sprintf("nonconformity %s is closed but the effectiveness of its actions was not checked", [id])
}

deny contains {"kind": "nonconformity", "id": id, "msg": msg, "field": "effectiveness.effective"} if {
	some id, nc in closed
	nc.effectiveness.effective == false
	msg := sprintf("nonconformity %s is closed but its actions were found not effective on %s", [id, nc.effectiveness.checked])
}

deny contains {"kind": "nonconformity", "id": id, "msg": msg, "field": "effectiveness.checked"} if {
	some id, nc in closed
	some a in nc.corrective_actions
	lib.ns(a.done) > lib.ns(nc.effectiveness.checked)
	msg := sprintf(
		"nonconformity %s: effectiveness was checked on %s, before its corrective action %q was done on %s",
		[id, nc.effectiveness.checked, a.description, a.done],
	)
}
