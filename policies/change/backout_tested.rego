# METADATA
# title: High-risk normal changes have a tested backout plan
# description: |
#   ISO/IEC 20000-1 8.5.1.3 requires the activities to reverse or remedy an
#   unsuccessful change to be planned and, where possible, tested. A high-risk
#   normal change that has reached or passed approval (approved, scheduled,
#   implemented, reviewed, closed, failed) must have a backout plan that was
#   tested (backout_plan.tested is true); one without a backout plan at all
#   is reported by change.backout_plan. A backout that cannot be rehearsed is
#   accepted by a waiver, not by leaving the field false.
# custom:
#   id: change.backout_tested
#   clause: "8.5.1.3"
#   severity: error
#   remediation: Test the backout plan and record backout_plan.tested and tested_on, or record an approved waiver.
package smsctl.rules.change.backout_tested

past_approval := {"approved", "scheduled", "implemented", "reviewed", "closed", "failed"}

deny contains {"kind": "change", "id": id, "msg": msg, "field": "backout_plan.tested"} if {
	some id, c in input.records.change
	c.type == "normal"
	c.risk == "high"
	c.status in past_approval
	c.backout_plan
	not c.backout_plan.tested == true
	msg := sprintf("high-risk normal change %s is %s but its backout plan is not recorded as tested", [id, c.status])
}
