# METADATA
# title: An SLA that fell below target in a closed month has an improvement or a nonconformity
# description: |
#   ISO/IEC 20000-1 8.3.3 and 9.4 require service levels to be monitored and
#   reported against their targets, and clause 10 requires shortfalls to be
#   acted on. For every calendar month that has ended, smsctl measures each
#   SLA from the incident and request records (input.measurements.sla): the
#   share of tickets that met their response and resolution targets against
#   the SLA's attainment_target, and its availability against its
#   availability_target. A month below either target needs an improvement
#   or a nonconformity whose agreement is the SLA, raised on or after the
#   first day of that month or still open.
# custom:
#   id: sla.attainment
#   clause: "9.4"
#   severity: error
#   remediation: Raise an improvement (improvements/, source sla-report) or a nonconformity (nonconformities/, source sla-breach) with agreement set to the SLA, saying how the service level is to be restored.
package smsctl.rules.sla.attainment

deny contains {"kind": "agreement", "id": id, "msg": msg, "field": field} if {
	some id, periods in input.measurements.sla
	input.records.agreement[id].type == "SLA"
	some p in periods
	count(p.below_target) > 0
	not answered(id, p)
	field := sprintf("%s_target", [p.below_target[0]])
	msg := sprintf(
		"SLA %s fell below target in %s (%s) and no improvement or nonconformity names it since %s",
		[id, p.period, concat(", ", [shortfall(p, what) | some what in p.below_target]), p.start],
	)
}

shortfall(p, "attainment") := sprintf(
	"attainment %v%% of %s against %v%%",
	[p.attainment, tickets(p.tickets), p.attainment_target],
)

tickets(1) := "1 ticket"

tickets(n) := sprintf("%d tickets", [n]) if n != 1

shortfall(p, "availability") := sprintf("availability %v%% against %v%%", [p.availability, p.availability_target])

open_improvement := {"proposed", "approved", "in-progress"}

answered(id, p) if {
	some imp in input.records.improvement
	imp.agreement == id
	imp.raised >= p.start
}

answered(id, _) if {
	some imp in input.records.improvement
	imp.agreement == id
	imp.status in open_improvement
}

answered(id, p) if {
	some nc in input.records.nonconformity
	nc.agreement == id
	nc.raised >= p.start
}

answered(id, _) if {
	some nc in input.records.nonconformity
	nc.agreement == id
	nc.status != "closed"
}
