# METADATA
# title: Expired UCs and OLAs no longer underpin SLAs
# description: |
#   ISO/IEC 20000-1 8.3.4 requires the contracts and agreements that
#   support the SLAs to be in place. A UC or OLA whose period ended (end
#   before today) that still lists, in underpins, an SLA in force gives
#   that SLA a support that no longer exists.
# custom:
#   id: underpinning.expired
#   clause: "8.3.4"
#   severity: error
#   remediation: Renew the UC or OLA and record its new period, or agree another one that underpins the SLA and take the SLA out of the expired one's underpins.
package smsctl.rules.underpinning.expired

import data.smsctl.lib

ended(a) if lib.ns(a.period.end) < lib.today_ns

deny contains {"kind": "agreement", "id": id, "msg": msg, "field": "period.end"} if {
	some id, a in input.records.agreement
	a.type in {"UC", "OLA"}
	ended(a)
	some sla in a.underpins
	s := input.records.agreement[sla]
	lib.ns(s.period.start) <= lib.today_ns
	not ended(s)
	msg := sprintf("%s %s ended on %s but still underpins %s, which is in force", [a.type, id, a.period.end, sla])
}
