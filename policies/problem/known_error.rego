# METADATA
# title: Known errors record a workaround
# description: |
#   ISO/IEC 20000-1 8.6.3 requires known errors to be recorded, and where a
#   problem is not resolved, ways of reducing or eliminating the impact of
#   related incidents to be determined. A problem in status known-error must
#   have a known_error record with a non-empty workaround, so that the service
#   desk can apply it to further incidents.
# custom:
#   id: problem.known_error
#   clause: "8.6.3"
#   severity: error
#   remediation: Record known_error with recorded, description and the workaround the service desk applies.
package smsctl.rules.problem.known_error

deny contains {"kind": "problem", "id": id, "msg": msg, "field": "known_error"} if {
	some id, p in input.records.problem
	p.status == "known-error"
	not p.known_error
	msg := sprintf("problem %s is a known error but has no known error record", [id])
}

deny contains {"kind": "problem", "id": id, "msg": msg, "field": "known_error.workaround"} if {
	some id, p in input.records.problem
	p.status == "known-error"
	trim_space(p.known_error.workaround) == ""
	msg := sprintf("problem %s is a known error but its known error record has no workaround", [id])
}
