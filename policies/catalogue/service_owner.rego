# METADATA
# title: Every live service has an active person as its owner
# description: |
#   ISO/IEC 20000-1 8.2.4 requires the service catalogue to describe each service,
#   and 5.3 requires accountability to be assigned: a live service needs an owner
#   who is accountable for it. The owner must be a person (not a team) recorded in
#   people/ who still works in the SMS (active is not false).
# custom:
#   id: catalogue.service_owner
#   clause: "8.2.4"
#   severity: error
#   remediation: Set the service's owner to an active person recorded in people/.
package smsctl.rules.catalogue.service_owner

deny contains {"kind": "service", "id": id, "msg": msg, "field": "owner"} if {
	some id, s in input.records.service
	s.status == "live"
	reason := owner_problem(s.owner)
	msg := sprintf("live service %s: %s", [id, reason])
}

owner_problem(owner) := sprintf("its owner %s is not a recorded person", [owner]) if {
	not input.records.person[owner]
}

owner_problem(owner) := sprintf("its owner %s is a team; the owner must be an accountable person", [owner]) if {
	input.records.person[owner].type == "team"
}

owner_problem(owner) := sprintf("its owner %s is no longer active", [owner]) if {
	p := input.records.person[owner]
	p.type == "person"
	p.active == false
}
