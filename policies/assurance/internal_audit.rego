# METADATA
# title: Internal audits are conducted at planned intervals
# description: |
#   ISO/IEC 20000-1 9.2 requires internal audits at planned intervals. The
#   last completed internal audit (type internal, status completed, with its
#   conducted date, not after now) must be no longer ago than the interval
#   sms.cue gives in intervals.internal_audit (12 months when absent). An SMS
#   with no completed internal audit at all is reported on sms once the
#   first is due: one interval after the policy was approved.
# custom:
#   id: assurance.internal_audit
#   clause: "9.2"
#   severity: error
#   remediation: Conduct the internal audit and record it with type internal, status completed and its conducted date.
package smsctl.rules.assurance.internal_audit

import data.smsctl.lib

interval := lib.interval("internal_audit")

# done maps each completed internal audit to the date it was conducted.
done[id] := a.conducted if {
	some id, a in input.records.audit
	a.type == "internal"
	a.status == "completed"
	lib.ns(a.conducted) <= lib.now_ns
}

last_date := max({d | some d in done})

# last_id is the latest completed internal audit (the greatest ID on a tie).
last_id := max({id | some id, d in done; d == last_date})

deny contains {"kind": "audit", "id": last_id, "msg": msg, "field": "conducted"} if {
	due := lib.add(lib.ns(last_date), interval)
	due < lib.now_ns
	msg := sprintf(
		"the last internal audit, %s, was conducted on %s; with audits every %s the next was due by %s",
		[last_id, last_date, interval, substring(time.format(due), 0, 10)],
	)
}

# first_due is when the first one falls due: one interval after the SMS was
# established (its policy approved); a new SMS is not in breach on day one.
first_due := lib.add(lib.ns(input.sms.policy.approved_on), interval)

first_not_due if first_due >= lib.now_ns

deny contains {"kind": "sms", "id": "sms", "msg": msg} if {
	count(done) == 0
	not first_not_due
	msg := sprintf("no completed internal audit is recorded; internal audits must be conducted every %s", [interval])
}
