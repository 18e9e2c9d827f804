# METADATA
# title: SLAs are underpinned by UCs with suppliers and OLAs with support teams
# description: |
#   ISO/IEC 20000-1 8.3.4 requires contracts with external suppliers and agreements
#   with internal suppliers that support the service levels agreed with customers.
#   For every SLA and every service it covers: each supplier in the service's
#   depends_on.suppliers needs a UC (supplier set to it) that lists the SLA in
#   underpins, and the service's support_team, when it has one, needs an OLA
#   (team set to it) that lists the SLA in underpins.
# custom:
#   id: underpinning.supporting_agreement
#   clause: "8.3.4"
#   severity: error
#   remediation: Add the SLA to the underpins of the supplier's UC or the team's OLA, or agree a new UC or OLA.
package smsctl.rules.underpinning.supporting_agreement

# uc_for contains [supplier, sla] for every UC with that supplier that underpins that SLA.
uc_for contains [a.supplier, sla] if {
	some a in input.records.agreement
	a.type == "UC"
	some sla in a.underpins
}

# ola_for contains [team, sla] for every OLA with that team that underpins that SLA.
ola_for contains [a.team, sla] if {
	some a in input.records.agreement
	a.type == "OLA"
	some sla in a.underpins
}

deny contains {"kind": "agreement", "id": id, "msg": msg, "field": "services"} if {
	some id, a in input.records.agreement
	a.type == "SLA"
	some s in a.services
	some sup in input.records.service[s].depends_on.suppliers
	not uc_for[[sup, id]]
	msg := sprintf("SLA %s covers %s, which depends on supplier %s, but no UC with %s underpins %s", [id, s, sup, sup, id])
}

deny contains {"kind": "agreement", "id": id, "msg": msg, "field": "services"} if {
	some id, a in input.records.agreement
	a.type == "SLA"
	some s in a.services
	team := input.records.service[s].support_team
	not ola_for[[team, id]]
	msg := sprintf("SLA %s covers %s, which is supported by %s, but no OLA with %s underpins %s", [id, s, team, team, id])
}
