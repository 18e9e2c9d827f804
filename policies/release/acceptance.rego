# METADATA
# title: Deployed releases passed their acceptance criteria
# description: |
#   ISO/IEC 20000-1 8.5.3 requires releases to be verified against agreed
#   acceptance criteria and approved before deployment. A release in status
#   deployed must record acceptance criteria that it passed
#   (acceptance.passed true): one that failed them, or whose result is not
#   recorded, was deployed without acceptance. A release that failed is
#   rolled back or cancelled, not left deployed.
# custom:
#   id: release.acceptance
#   clause: "8.5.3"
#   severity: error
#   remediation: Record the acceptance criteria and their result; roll back a release that failed them (status rolled-back) and deploy a new one that passes.
package smsctl.rules.release.acceptance

deny contains {"kind": "release", "id": id, "msg": msg, "field": "acceptance.passed"} if {
	some id, r in input.records.release
	r.status == "deployed"
	r.acceptance.passed == false
	msg := sprintf("release %s is deployed but failed its acceptance criteria", [id])
}

deny contains {"kind": "release", "id": id, "msg": msg, "field": "acceptance"} if {
	some id, r in input.records.release
	r.status == "deployed"
	not has_result(r)
	msg := sprintf("release %s is deployed but records no acceptance result against its criteria", [id])
}

has_result(r) if is_boolean(r.acceptance.passed)
