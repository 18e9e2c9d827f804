# METADATA
# title: Every CI in use has an active owner
# description: |
#   ISO/IEC 20000-1 8.2.6 requires configuration information to be controlled,
#   and 8.2.5 and 5.3 require accountability for assets. Every CI that is not
#   retired needs an owner recorded in people/ that is a person or a team and is
#   still active (active is not false).
# custom:
#   id: catalogue.ci_owner
#   clause: "8.2.6"
#   severity: error
#   remediation: Set the CI's owner to an active person or team recorded in people/, or retire the CI.
package smsctl.rules.catalogue.ci_owner

deny contains {"kind": "ci", "id": id, "msg": msg, "field": "owner"} if {
	some id, c in input.records.ci
	c.status != "retired"
	reason := owner_problem(c.owner)
	msg := sprintf("%s CI %s: %s", [c.status, id, reason])
}

owner_problem(owner) := sprintf("its owner %s is not a recorded person or team", [owner]) if {
	not input.records.person[owner]
}

owner_problem(owner) := sprintf("its owner %s is no longer active", [owner]) if {
	input.records.person[owner].active == false
}
