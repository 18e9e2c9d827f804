# METADATA
# title: Standard changes are low risk
# description: |
#   ISO/IEC 20000-1 8.5.1.3 allows standard changes, pre-approved and
#   carried out by a documented procedure, only for changes of low risk
#   whose outcome is known: a change assessed as medium or high risk needs
#   the authorisation of a normal change. A standard change that is not
#   rejected or cancelled must have risk low.
# custom:
#   id: change.standard_risk
#   clause: "8.5.1.3"
#   severity: error
#   remediation: Raise the change as a normal change, to be assessed and approved, or correct the risk assessment if it is in truth low.
package smsctl.rules.change.standard_risk

import data.smsctl.lib

deny contains {"kind": "change", "id": id, "msg": msg, "field": "risk"} if {
	some id in lib.change_ids("standard")
	c := input.records.change[id]
	not c.status in {"rejected", "cancelled", "withdrawn"}
	c.risk != "low"
	msg := sprintf("standard change %s is assessed as %s risk; only low-risk changes may be standard changes", [id, c.risk])
}
