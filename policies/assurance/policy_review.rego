# METADATA
# title: The service management policy is reviewed by its review date
# description: |
#   ISO/IEC 20000-1 5.2 requires top management to establish a service
#   management policy that is maintained as documented information and kept
#   suitable. The policy's review date (sms.cue policy.review_by) must not be
#   before today.
# custom:
#   id: assurance.policy_review
#   clause: "5.2"
#   severity: error
#   remediation: Review the policy with top management and record the new approved_on and review_by in sms.cue.
package smsctl.rules.assurance.policy_review

import data.smsctl.lib

# today_ns is midnight UTC of input.today (of input.now's date without it).
today_ns := lib.ns(input.today) if input.today

today_ns := lib.now_ns - (lib.now_ns % lib.day_ns) if not input.today

deny contains {"kind": "sms", "id": "sms", "msg": msg, "field": "policy.review_by"} if {
	review_by := input.sms.policy.review_by
	lib.ns(review_by) < today_ns
	msg := sprintf("the service management policy was due for review by %s", [review_by])
}
