# METADATA
# title: Major incidents are reviewed in time and linked to a problem
# description: |
#   ISO/IEC 20000-1 8.6.1 requires major incidents to be managed by a
#   documented procedure. A major incident (major: true) that is resolved or
#   closed must have its review recorded by the time it is due: resolved
#   plus incident_management.major_review_within of sms.cue (5 days when
#   absent). Until then a missing review is a warning
#   (incident.major_review_due), after it an error. Every major incident
#   must be linked to a problem record so that its underlying cause is
#   investigated (8.6.3).
# custom:
#   id: incident.major_review
#   clause: "8.6.1"
#   severity: error
#   remediation: Record the major incident review (date, by, summary, actions) in review, and raise or link a problem in problem.
package smsctl.rules.incident.major_review

import data.smsctl.lib

deny contains {"kind": "incident", "id": id, "msg": msg, "field": "review"} if {
	some id, inc in input.records.incident
	inc.major == true
	inc.status in {"resolved", "closed"}
	not inc.review
	not lib.major_in_grace(inc)
	msg := sprintf(
		"major incident %s is %s but has no major incident review (due by %s)",
		[id, inc.status, time.format(lib.major_review_due(inc))],
	)
}

deny contains {"kind": "incident", "id": id, "msg": msg, "field": "problem"} if {
	some id, inc in input.records.incident
	inc.major == true
	not has_problem(inc)
	msg := sprintf("major incident %s is not linked to a problem", [id])
}

has_problem(inc) if trim_space(inc.problem) != ""
