# METADATA
# title: SLAs set response and resolution targets for every priority
# description: |
#   ISO/IEC 20000-1 8.3.3 requires SLAs to include service level targets, and
#   8.6.1 resolves incidents by priority. Every priority that the priority matrix
#   of sms.cue can assign (the values of priority_matrix[impact][urgency]) needs
#   a target in every SLA, with both a response and a resolution time; otherwise
#   incidents of that priority have no agreed target.
# custom:
#   id: catalogue.sla_targets
#   clause: "8.3.3"
#   severity: error
#   remediation: Add targets.<priority>.response and .resolution to the SLA for every priority the matrix can assign.
package smsctl.rules.catalogue.sla_targets

# priorities is the set of priorities the matrix can assign.
priorities contains p if some p in input.sms.priority_matrix[_]

deny contains {"kind": "agreement", "id": id, "msg": msg, "field": sprintf("targets.%s", [p])} if {
	some id, a in input.records.agreement
	a.type == "SLA"
	some p in priorities
	not a.targets[p]
	msg := sprintf("SLA %s has no target for priority %s, which the priority matrix can assign", [id, p])
}

deny contains {"kind": "agreement", "id": id, "msg": msg, "field": sprintf("targets.%s.%s", [p, k])} if {
	some id, a in input.records.agreement
	a.type == "SLA"
	some p in priorities
	t := a.targets[p]
	some k in ["response", "resolution"]
	not t[k]
	msg := sprintf("SLA %s's target for priority %s has no %s time", [id, p, k])
}
