# METADATA
# title: Deployed releases contain only authorised changes
# description: |
#   ISO/IEC 20000-1 8.5.3 deploys releases of approved changes (8.5.1.3). A
#   release that is deployed or rolled back may not contain a change that
#   was rejected, cancelled or withdrawn, or that never reached approval
#   (draft or submitted): it put unauthorised work into the live
#   environment.
# custom:
#   id: release.changes
#   clause: "8.5.3"
#   severity: error
#   remediation: Take the change out of the release and roll it back, or have it authorised and record its approval.
package smsctl.rules.release.changes

unauthorised := {"draft", "submitted", "rejected", "cancelled", "withdrawn"}

deny contains {"kind": "release", "id": id, "msg": msg, "field": sprintf("changes[%d]", [i])} if {
	some id, r in input.records.release
	r.status in {"deployed", "rolled-back"}
	some i, cid in r.changes
	c := input.records.change[cid]
	c.status in unauthorised
	msg := sprintf("release %s is %s but contains change %s, which is %s", [id, r.status, cid, c.status])
}
