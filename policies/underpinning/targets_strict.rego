# METADATA
# title: UCs and OLAs are at least as strict as the SLAs they underpin
# description: |
#   ISO/IEC 20000-1 8.3.4 requires the organization to ensure that contracts with
#   suppliers and agreements with internal teams support the SLA targets. A UC or
#   OLA that underpins an SLA must, for every priority both define, have response
#   and resolution times no longer than the SLA's, and an availability target no
#   lower than the SLA's when both have one. Durations are compared as fixed
#   lengths (1d = 24h).
# custom:
#   id: underpinning.targets_strict
#   clause: "8.3.4"
#   severity: error
#   remediation: Tighten the UC or OLA targets (renegotiate with the supplier or team), or relax the SLA.
package smsctl.rules.underpinning.targets_strict

import data.smsctl.lib

# underpinned contains [id, sla_id] for every UC or OLA and each SLA it underpins.
underpinned contains [id, sla_id] if {
	some id, a in input.records.agreement
	a.type in {"UC", "OLA"}
	some sla_id in a.underpins
	input.records.agreement[sla_id].type == "SLA"
}

deny contains {"kind": "agreement", "id": id, "msg": msg, "field": sprintf("targets.%s.%s", [p, k])} if {
	some [id, sla_id] in underpinned
	a := input.records.agreement[id]
	sla := input.records.agreement[sla_id]
	some p, t in a.targets
	some k in ["response", "resolution"]
	mine := t[k]
	theirs := sla.targets[p][k]
	lib.duration_ns(mine) > lib.duration_ns(theirs)
	msg := sprintf("%s %s allows %s for %s %s, longer than the %s of SLA %s, which it underpins", [a.type, id, mine, p, k, theirs, sla_id])
}

deny contains {"kind": "agreement", "id": id, "msg": msg, "field": "availability_target"} if {
	some [id, sla_id] in underpinned
	a := input.records.agreement[id]
	sla := input.records.agreement[sla_id]
	a.availability_target < sla.availability_target
	msg := sprintf("%s %s targets %v%% availability, lower than the %v%% of SLA %s, which it underpins", [a.type, id, a.availability_target, sla.availability_target, sla_id])
}
