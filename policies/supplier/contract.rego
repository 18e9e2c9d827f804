# METADATA
# title: Suppliers in use have a contract in force
# description: |
#   ISO/IEC 20000-1 8.3.4.1 requires a documented contract with each
#   external supplier that the services depend on. A supplier whose
#   contract ended (contract_end before today) may not still be named by a
#   live service (depends_on.suppliers), a CI that is not retired
#   (supplier), or an underpinning contract in force (a UC whose period has
#   not ended).
# custom:
#   id: supplier.contract
#   clause: "8.3.4.1"
#   severity: error
#   remediation: Renew the contract and record the new contract_end, or move the services, CIs and agreements to another supplier.
package smsctl.rules.supplier.contract

import data.smsctl.lib

uses contains [sup, sprintf("live service %s", [id])] if {
	some id, s in input.records.service
	s.status == "live"
	some sup in s.depends_on.suppliers
}

uses contains [ci.supplier, sprintf("CI %s", [id])] if {
	some id, ci in input.records.ci
	ci.status != "retired"
	ci.supplier
}

uses contains [a.supplier, sprintf("UC %s", [id])] if {
	some id, a in input.records.agreement
	a.type == "UC"
	not ended(a)
}

ended(a) if lib.ns(a.period.end) < lib.today_ns

deny contains {"kind": "supplier", "id": id, "msg": msg, "field": "contract_end"} if {
	some id, s in input.records.supplier
	lib.ns(s.contract_end) < lib.today_ns
	users := sort([what | some [sup, what] in uses; sup == id])
	count(users) > 0
	msg := sprintf("supplier %s's contract ended on %s but %s still depend on it", [id, s.contract_end, concat(", ", users)])
}
