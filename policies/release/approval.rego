# METADATA
# title: Releases are approved for deployment by an authorised person
# description: |
#   ISO/IEC 20000-1 8.5.3 requires releases to be approved before they are
#   deployed. A release that is deployed or rolled back must carry an
#   approval with decision "approved", given in a role the approver holds
#   that grants approve-release, no later than deployed_at, by someone
#   other than the person who deployed it (deployed_by).
# custom:
#   id: release.approval
#   clause: "8.5.3"
#   severity: error
#   remediation: Record in approvals the approval of a person holding a role with approve-release, given before the deployment, who did not deploy it.
package smsctl.rules.release.approval

import data.smsctl.lib

approved(r) if {
	some a in r.approvals
	a.decision == "approved"
	lib.holds(a.by, a.role)
	lib.role_grants(a.role, "approve-release")
	a.by != r.deployed_by
	in_time(r, a)
}

in_time(r, _) if not r.deployed_at

in_time(r, a) if lib.ns(a.at) <= lib.ns(r.deployed_at)

deny contains {"kind": "release", "id": id, "msg": msg, "field": "approvals"} if {
	some id, r in input.records.release
	r.status in {"deployed", "rolled-back"}
	not approved(r)
	msg := sprintf(
		"release %s is %s but has no approval, given before its deployment by someone other than its deployer, by a person holding, and approving in, a role that grants approve-release",
		[id, r.status],
	)
}
