# METADATA
# title: Open nonconformities have corrective actions
# description: |
#   ISO/IEC 20000-1 10.1 requires the organisation to react to a
#   nonconformity and to determine and implement the actions needed to
#   eliminate its causes. A nonconformity that is not closed must have at
#   least one corrective action, each with an owner and a due date.
# custom:
#   id: assurance.nonconformity_actions
#   clause: "10.1"
#   severity: error
#   remediation: Record the corrective actions (description, owner, due) in corrective_actions.
package smsctl.rules.assurance.nonconformity_actions

deny contains {"kind": "nonconformity", "id": id, "msg": msg, "field": "corrective_actions"} if {
	some id, nc in input.records.nonconformity
	nc.status != "closed"
	count(object.get(nc, "corrective_actions", [])) == 0
	msg := sprintf("nonconformity %s is %s but has no corrective action", [id, nc.status])
}
