# METADATA
# title: An incident's priority follows the priority matrix
# description: |
#   ISO/IEC 20000-1 8.6.1 requires incidents to be classified and prioritised
#   taking into account impact and urgency. An incident's priority must be the
#   one that sms.cue's priority_matrix gives for its impact and urgency, so
#   that the right response and resolution targets apply to it.
# custom:
#   id: incident.priority
#   clause: "8.6.1"
#   severity: error
#   remediation: Set priority to the value of priority_matrix[impact][urgency] in sms.cue, or correct impact or urgency; record an earlier priority in priority_history.
package smsctl.rules.incident.priority

deny contains {"kind": "incident", "id": id, "msg": msg, "field": "priority"} if {
	some id, inc in input.records.incident
	want := input.sms.priority_matrix[inc.impact][inc.urgency]
	inc.priority != want
	msg := sprintf(
		"incident %s has priority %s, but the priority matrix gives %s for impact %s and urgency %s",
		[id, inc.priority, want, inc.impact, inc.urgency],
	)
}

deny contains {"kind": "incident", "id": id, "msg": msg, "field": "priority"} if {
	some id, inc in input.records.incident
	not input.sms.priority_matrix[inc.impact][inc.urgency]
	msg := sprintf(
		"incident %s has impact %s and urgency %s, for which the priority matrix in sms.cue gives no priority",
		[id, inc.impact, inc.urgency],
	)
}
