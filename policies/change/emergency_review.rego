# METADATA
# title: Emergency changes are authorised and reviewed by the time their review is due
# description: |
#   ISO/IEC 20000-1 8.5.1.3 allows emergency changes to be implemented before
#   the usual approval, provided they are authorised and reviewed afterwards.
#   An emergency change that is implemented, reviewed, closed or failed must
#   be authorised by a person who holds a role granting
#   approve-emergency-change, either retrospectively (decision "approved",
#   retrospective true) or before its implementation started (an approval,
#   not retrospective, dated no later than actual.start), and must have a
#   post-implementation review. Both are due by actual.end plus
#   change_management.emergency_review_within of sms.cue (5 days when
#   absent); until then a missing approval or review is a warning
#   (change.emergency_review_due), after it an error. A review dated later
#   than that is an error. A review date counts as the whole day.
# custom:
#   id: change.emergency_review
#   clause: "8.5.1.3"
#   severity: error
#   remediation: |
#     Record the approval of an emergency change approver (retrospective, or
#     given before the implementation) and hold and record the
#     post-implementation review within the agreed time.
package smsctl.rules.change.emergency_review

import data.smsctl.lib

deny contains {"kind": "change", "id": id, "msg": msg, "field": "approvals"} if {
	some id, c in lib.emergency_done
	not lib.emergency_authorised(c)
	not lib.emergency_in_grace(c)
	msg := sprintf(
		"emergency change %s is %s but has no approval, retrospective or given before it started, by a person holding a role that grants approve-emergency-change (due by %s)",
		[id, c.status, due(c)],
	)
}

deny contains {"kind": "change", "id": id, "msg": msg, "field": "pir"} if {
	some id, c in lib.emergency_done
	not c.pir
	not lib.emergency_in_grace(c)
	msg := sprintf("emergency change %s is %s but has no post-implementation review (due by %s)", [id, c.status, due(c)])
}

deny contains {"kind": "change", "id": id, "msg": msg, "field": "pir.date"} if {
	some id, c in lib.emergency_done
	lib.ns(c.pir.date) > lib.emergency_review_due(c)
	msg := sprintf(
		"emergency change %s ended %s but its post-implementation review by %s is dated %s, later than the %s allowed",
		[id, lib.change_ended(c), c.pir.by, c.pir.date, lib.emergency_review_within],
	)
}

due(c) := time.format(lib.emergency_review_due(c))
