# METADATA
# title: Agreements in force are reviewed at planned intervals
# description: |
#   ISO/IEC 20000-1 8.3.3 requires the organisation to review service
#   level agreements at planned intervals, and 8.3.4 the UCs and OLAs
#   that support them. An agreement in force (its period has started and
#   not ended) must not be past its review date (review_by before today),
#   nor plan its next review more than one interval ahead
#   (intervals.agreement_review of sms.cue, 12 months when absent).
# custom:
#   id: agreement.review
#   clause: "8.3.3"
#   severity: error
#   remediation: Review the agreement with its party, record the outcome (a new version or a confirmation) and set review_by to the next review within the planned interval.
package smsctl.rules.agreement.review

import data.smsctl.lib

interval := lib.interval("agreement_review")

in_force[id] := a if {
	some id, a in input.records.agreement
	lib.ns(a.period.start) <= lib.today_ns
	not ended(a)
}

ended(a) if lib.ns(a.period.end) < lib.today_ns

deny contains {"kind": "agreement", "id": id, "msg": msg, "field": "review_by"} if {
	some id, a in in_force
	lib.ns(a.review_by) < lib.today_ns
	msg := sprintf("%s %s is in force but its review was due by %s", [a.type, id, a.review_by])
}

deny contains {"kind": "agreement", "id": id, "msg": msg, "field": "review_by"} if {
	some id, a in in_force
	lib.ns(a.review_by) > lib.add(lib.today_ns, interval)
	msg := sprintf("%s %s plans its next review for %s, more than the %s interval ahead", [a.type, id, a.review_by, interval])
}
