# METADATA
# title: Implemented changes record when they happened
# description: |
#   ISO/IEC 20000-1 8.5.1.3 requires records of the deployment of changes.
#   A change that is implemented, reviewed or closed must record its actual
#   start and end (actual.start, actual.end), and the end must not be before
#   the start.
# custom:
#   id: change.actual_window
#   clause: "8.5.1.3"
#   severity: error
#   remediation: Record actual.start and actual.end of the implementation, with the end at or after the start.
package smsctl.rules.change.actual_window

implemented := {"implemented", "reviewed", "closed"}

deny contains {"kind": "change", "id": id, "msg": msg, "field": sprintf("actual.%s", [f])} if {
	some id, c in input.records.change
	c.status in implemented
	some f in ["start", "end"]
	not c.actual[f]
	msg := sprintf("change %s is %s but has no actual.%s", [id, c.status, f])
}

deny contains {"kind": "change", "id": id, "msg": msg, "field": "actual.end"} if {
	some id, c in input.records.change
	c.status in implemented
	time.parse_rfc3339_ns(c.actual.end) < time.parse_rfc3339_ns(c.actual.start)
	msg := sprintf("change %s ended (%s) before it started (%s)", [id, c.actual.end, c.actual.start])
}
