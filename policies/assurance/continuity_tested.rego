# METADATA
# title: Continuity plans are tested at planned intervals
# description: |
#   ISO/IEC 20000-1 8.7.2 requires service continuity plans to be tested
#   against the continuity requirements at planned intervals. Every continuity
#   plan must have a test (tests[].date) no longer ago than the interval
#   sms.cue gives in intervals.continuity_test (12 months when absent). Tests
#   dated after now do not count.
# custom:
#   id: assurance.continuity_tested
#   clause: "8.7.2"
#   severity: error
#   remediation: Test the plan and record the test (date, type, result, notes, actions) in tests.
package smsctl.rules.assurance.continuity_tested

import data.smsctl.lib

interval := lib.interval("continuity_test")

# tested is the set of dates (YYYY-MM-DD) on which a plan was tested, up to now.
tested(plan) := {t.date | some t in plan.tests; lib.ns(t.date) <= lib.now_ns}

deny contains {"kind": "continuity", "id": id, "msg": msg, "field": "tests"} if {
	some id, plan in input.records.continuity
	count(tested(plan)) == 0
	msg := sprintf("continuity plan %s has never been tested; it must be tested every %s", [id, interval])
}

deny contains {"kind": "continuity", "id": id, "msg": msg, "field": "tests"} if {
	some id, plan in input.records.continuity
	last := max(tested(plan))
	due := lib.add(lib.ns(last), interval)
	due < lib.now_ns
	msg := sprintf(
		"continuity plan %s was last tested on %s; with tests every %s the next test was due by %s",
		[id, last, interval, substring(time.format(due), 0, 10)],
	)
}
