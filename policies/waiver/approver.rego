# METADATA
# title: Waivers are approved by someone with the authority to approve them
# description: |
#   ISO/IEC 20000-1 5.3 requires responsibilities and authorities to be
#   assigned. A waiver's approved_by must hold a role that grants the
#   authority approve-waiver.
# custom:
#   id: waiver.approver
#   clause: "5.3"
#   severity: error
#   remediation: Have the waiver approved by a person whose role grants approve-waiver, or grant that authority to the approver's role.
package smsctl.rules.waiver.approver

import data.smsctl.lib

deny contains {"kind": "waiver", "id": id, "msg": msg, "field": "approved_by"} if {
	some id, w in input.records.waiver
	not lib.may(w.approved_by, "approve-waiver")
	msg := sprintf("waiver %s was approved by %s, who holds no role with the authority approve-waiver", [id, w.approved_by])
}
