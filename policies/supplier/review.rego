# METADATA
# title: Suppliers' performance is reviewed at planned intervals
# description: |
#   ISO/IEC 20000-1 8.3.4.1 requires the organisation to monitor and review
#   each external supplier's performance at planned intervals. Every
#   supplier must have a next review planned (review_by) or a last review
#   recorded (reviewed_on). The next review is due on review_by, or, without
#   it, one interval after reviewed_on (intervals.supplier_review of
#   sms.cue, 12 months when absent); a supplier whose review is past due is
#   a finding, and so is a next review planned more than one interval after
#   the last.
# custom:
#   id: supplier.review
#   clause: "8.3.4.1"
#   severity: error
#   remediation: Hold the supplier performance review, record reviewed_on and plan the next one in review_by, within the planned interval.
package smsctl.rules.supplier.review

import data.smsctl.lib

interval := lib.interval("supplier_review")

deny contains {"kind": "supplier", "id": id, "msg": msg, "field": "review_by"} if {
	some id, s in input.records.supplier
	not s.review_by
	not s.reviewed_on
	msg := sprintf("supplier %s has no performance review recorded (reviewed_on) or planned (review_by)", [id])
}

deny contains {"kind": "supplier", "id": id, "msg": msg, "field": "review_by"} if {
	some id, s in input.records.supplier
	lib.ns(s.review_by) < lib.today_ns
	msg := sprintf("supplier %s's performance review was due by %s", [id, s.review_by])
}

deny contains {"kind": "supplier", "id": id, "msg": msg, "field": "reviewed_on"} if {
	some id, s in input.records.supplier
	not s.review_by
	due := lib.add(lib.ns(s.reviewed_on), interval)
	due < lib.today_ns
	msg := sprintf(
		"supplier %s was last reviewed on %s; its next performance review was due %s later, by %s",
		[id, s.reviewed_on, interval, substring(time.format(due), 0, 10)],
	)
}

deny contains {"kind": "supplier", "id": id, "msg": msg, "field": "review_by"} if {
	some id, s in input.records.supplier
	lib.ns(s.review_by) > lib.add(lib.ns(s.reviewed_on), interval)
	msg := sprintf(
		"supplier %s was last reviewed on %s and its next review is planned for %s, more than the %s interval later",
		[id, s.reviewed_on, s.review_by, interval],
	)
}
