# METADATA
# title: Resolved major incidents awaiting their review
# description: |
#   ISO/IEC 20000-1 8.6.1 requires major incidents to be reviewed. A
#   resolved or closed major incident without a recorded review is a
#   reminder until the review is due (resolved plus
#   incident_management.major_review_within of sms.cue, 5 days when
#   absent); after that, incident.major_review reports it as an error.
# custom:
#   id: incident.major_review_due
#   clause: "8.6.1"
#   severity: warning
#   remediation: Hold the major incident review and record it in review before it is due.
package smsctl.rules.incident.major_review_due

import data.smsctl.lib

deny contains {"kind": "incident", "id": id, "msg": msg, "field": "review"} if {
	some id, inc in input.records.incident
	inc.major == true
	inc.status in {"resolved", "closed"}
	not inc.review
	lib.major_in_grace(inc)
	msg := sprintf(
		"major incident %s is %s and awaits its major incident review, due by %s",
		[id, inc.status, time.format(lib.major_review_due(inc))],
	)
}
