# METADATA
# title: SLAs promise no more availability than their services can deliver
# description: |
#   ISO/IEC 20000-1 8.7.1 requires availability requirements and targets to be
#   agreed and to be achievable. A service can deliver at most its own
#   availability_target times that of every service it depends on, directly or
#   transitively through depends_on.services (each dependency counted once, as
#   fractions; a service without a target counts as 100%). An SLA's
#   availability_target must not exceed what any service it covers can deliver.
# custom:
#   id: underpinning.availability_chain
#   clause: "8.7.1"
#   severity: error
#   remediation: Lower the SLA's availability target, or raise the availability of the service or its dependencies (resilience, stronger UCs).
package smsctl.rules.underpinning.availability_chain

# deps is the dependency graph of the services: each service and the services
# it depends on directly.
deps[id] := object.get(s, ["depends_on", "services"], []) if some id, s in input.records.service

# own is a service's own availability as a fraction; 1 without a target.
own(id) := input.records.service[id].availability_target / 100

own(id) := 1 if not input.records.service[id].availability_target

# deliverable is the availability in percent a service can deliver: the product
# of its own and that of each service it reaches in the dependency graph. The
# reachable set contains every service once, so shared dependencies and cycles
# are counted once.
deliverable[id] := 100 * product([own(d) | some d in graph.reachable(deps, {id})]) if some id, _ in deps

# pct renders a percentage rounded down to 2 decimals, so "at most" holds.
pct(x) := sprintf("%v", [floor((x * 100) + 1e-6) / 100])

deny contains {"kind": "agreement", "id": id, "msg": msg, "field": "availability_target"} if {
	some id, a in input.records.agreement
	a.type == "SLA"
	promised := a.availability_target
	some s in a.services
	can := deliverable[s]
	promised > can + 1e-9
	msg := sprintf("SLA %s promises %v%% for %s, but it and its dependencies deliver at most %s%%", [id, promised, s, pct(can)])
}
