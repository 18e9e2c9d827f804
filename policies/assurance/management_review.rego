# METADATA
# title: Management reviews are held at planned intervals
# description: |
#   ISO/IEC 20000-1 9.3 requires top management to review the SMS at planned
#   intervals. The last management review (reviews[].date, not after now) must
#   be no longer ago than the interval sms.cue gives in
#   intervals.management_review (12 months when absent). An SMS with no
#   management review at all is reported on sms.
# custom:
#   id: assurance.management_review
#   clause: "9.3"
#   severity: error
#   remediation: Hold the management review and record it (date, chair, attendees, inputs, decisions, actions).
package smsctl.rules.assurance.management_review

import data.smsctl.lib

interval := lib.interval("management_review")

# held maps each management review to its date.
held[id] := r.date if {
	some id, r in input.records.review
	lib.ns(r.date) <= lib.now_ns
}

last_date := max({d | some d in held})

# last_id is the latest management review (the greatest ID on a tie).
last_id := max({id | some id, d in held; d == last_date})

deny contains {"kind": "review", "id": last_id, "msg": msg, "field": "date"} if {
	due := lib.add(lib.ns(last_date), interval)
	due < lib.now_ns
	msg := sprintf(
		"the last management review, %s, was held on %s; with reviews every %s the next was due by %s",
		[last_id, last_date, interval, substring(time.format(due), 0, 10)],
	)
}

# first_due is when the first one falls due: one interval after the SMS was
# established (its policy approved); a new SMS is not in breach on day one.
first_due := lib.add(lib.ns(input.sms.policy.approved_on), interval)

first_not_due if first_due >= lib.now_ns

deny contains {"kind": "sms", "id": "sms", "msg": msg} if {
	count(held) == 0
	not first_not_due
	msg := sprintf("no management review is recorded; management reviews must be held every %s", [interval])
}
