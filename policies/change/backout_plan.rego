# METADATA
# title: Normal changes have a backout plan
# description: |
#   ISO/IEC 20000-1 8.5.1.3 requires the activities to reverse or remedy an
#   unsuccessful change to be planned before it is approved, whatever its
#   risk: a low-risk change can fail too. A normal change that has reached
#   or passed approval (approved, scheduled, implemented, reviewed, closed,
#   failed) must have a backout plan (backout_plan) with a description.
#   change.backout_tested requires high-risk changes' plans to be tested.
# custom:
#   id: change.backout_plan
#   clause: "8.5.1.3"
#   severity: error
#   remediation: Describe in backout_plan how the change is reversed or remedied if it fails.
package smsctl.rules.change.backout_plan

past_approval := {"approved", "scheduled", "implemented", "reviewed", "closed", "failed"}

deny contains {"kind": "change", "id": id, "msg": msg, "field": "backout_plan"} if {
	some id, c in input.records.change
	not c.backout_plan
	c.type == "normal"
	c.status in past_approval
	msg := sprintf("normal change %s (%s risk) is %s but has no backout plan", [id, c.risk, c.status])
}

deny contains {"kind": "change", "id": id, "msg": msg, "field": "backout_plan.description"} if {
	some id, c in input.records.change
	trim_space(c.backout_plan.description) == ""
	c.type == "normal"
	c.status in past_approval
	msg := sprintf("normal change %s (%s risk) is %s but its backout plan is empty", [id, c.risk, c.status])
}
