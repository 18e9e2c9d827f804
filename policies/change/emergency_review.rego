# METADATA
# title: Emergency changes are approved retrospectively and reviewed in time
# description: |
#   ISO/IEC 20000-1 8.5.1.3 allows emergency changes to be implemented before
#   the usual approval, provided they are authorised and reviewed afterwards.
#   An emergency change that is implemented, reviewed, closed or failed must
#   carry a retrospective approval (decision "approved", retrospective true)
#   by a person who holds a role granting approve-emergency-change, and a
#   post-implementation review dated no later than actual.end plus
#   change_management.emergency_review_within of sms.cue (5 days when absent).
#   A review date counts as the whole day.
# custom:
#   id: change.emergency_review
#   clause: "8.5.1.3"
#   severity: error
#   remediation: |
#     Record the retrospective approval of an emergency change approver and
#     hold and record the post-implementation review within the agreed time.
package smsctl.rules.change.emergency_review

import data.smsctl.lib

done := {"implemented", "reviewed", "closed", "failed"}

default within := "5d"

within := input.sms.change_management.emergency_review_within

emergency_done[id] := c if {
	some id, c in input.records.change
	c.type == "emergency"
	c.status in done
}

retro_approved(c) if {
	some a in c.approvals
	a.decision == "approved"
	a.retrospective == true
	lib.may(a.by, "approve-emergency-change")
}

deny contains {"kind": "change", "id": id, "msg": msg, "field": "approvals"} if {
	some id, c in emergency_done
	not retro_approved(c)
	msg := sprintf(
		"emergency change %s is %s but has no retrospective approval by a person holding a role that grants approve-emergency-change",
		[id, c.status],
	)
}

deny contains {"kind": "change", "id": id, "msg": msg, "field": "pir"} if {
	some id, c in emergency_done
	not c.pir
	msg := sprintf("emergency change %s is %s but has no post-implementation review", [id, c.status])
}

deny contains {"kind": "change", "id": id, "msg": msg, "field": "pir.date"} if {
	some id, c in emergency_done
	deadline := lib.add(lib.ns(c.actual.end), within)
	lib.ns(c.pir.date) > deadline
	msg := sprintf(
		"emergency change %s ended %s but its post-implementation review by %s is dated %s, later than the %s allowed",
		[id, c.actual.end, c.pir.by, c.pir.date, within],
	)
}
