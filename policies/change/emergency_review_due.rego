# METADATA
# title: Emergency changes awaiting their approval or review
# description: |
#   ISO/IEC 20000-1 8.5.1.3 allows an emergency change to be authorised and
#   reviewed after its implementation. Until its review is due (actual.end
#   plus change_management.emergency_review_within of sms.cue, 5 days when
#   absent), an implemented, reviewed, closed or failed emergency change
#   that has no approval by a person who may approve emergency changes, or
#   no post-implementation review, is a reminder, not yet a nonconformity;
#   once the review is due, change.emergency_review reports it as an error.
# custom:
#   id: change.emergency_review_due
#   clause: "8.5.1.3"
#   severity: warning
#   remediation: Record the emergency change approver's approval and hold the post-implementation review before they are due.
package smsctl.rules.change.emergency_review_due

import data.smsctl.lib

deny contains {"kind": "change", "id": id, "msg": msg, "field": "approvals"} if {
	some id, c in lib.emergency_done
	not lib.emergency_authorised(c)
	lib.emergency_in_grace(c)
	msg := sprintf(
		"emergency change %s is %s and awaits its approval by a person holding a role that grants approve-emergency-change, due by %s",
		[id, c.status, time.format(lib.emergency_review_due(c))],
	)
}

deny contains {"kind": "change", "id": id, "msg": msg, "field": "pir"} if {
	some id, c in lib.emergency_done
	not c.pir
	lib.emergency_in_grace(c)
	msg := sprintf(
		"emergency change %s is %s and awaits its post-implementation review, due by %s",
		[id, c.status, time.format(lib.emergency_review_due(c))],
	)
}
