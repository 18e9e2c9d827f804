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
#   or a nonconformity raised for that shortfall - its agreement is the
#   SLA, and it was raised on or after the first day of that month or names
#   the month (YYYY-MM) in its title or description - that is still open,
#   or was completed after the month ended (an improvement's completed, a
#   nonconformity's effectiveness check). An older record, or one closed
#   before the shortfall, or rejected or withdrawn, does not answer it.
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
		"SLA %s fell below target in %s (%s) and no improvement or nonconformity raised for it since %s (or naming %s) is open or was completed after the month",
		[id, p.period, concat(", ", [shortfall(p, what) | some what in p.below_target]), p.start, p.period],
	)
}

shortfall(p, "attainment") := sprintf(
	"attainment %v%% of %s against %v%%",
	[p.attainment, tickets(p.tickets), p.attainment_target],
)

tickets(1) := "1 ticket"

tickets(n) := sprintf("%d tickets", [n]) if n != 1

shortfall(p, "availability") := sprintf("availability %v%% against %v%%", [p.availability, p.availability_target])

# answered is true when an improvement or a nonconformity was raised for
# the shortfall and still acts on it: it names the SLA (agreement), was
# raised on or after the first day of the month, or names the month
# (YYYY-MM) in its title or description, and it is still open, or was
# completed (an improvement's completed, a nonconformity's effectiveness
# check) after the month ended.
answered(id, p) if {
	some r in responses(id)
	for_shortfall(r, p)
	live(r, p)
}

responses(id) := array.concat(
	[{"kind": "improvement", "r": r} | some r in input.records.improvement; r.agreement == id],
	[{"kind": "nonconformity", "r": r} | some r in input.records.nonconformity; r.agreement == id],
)

for_shortfall(x, p) if x.r.raised >= p.start

for_shortfall(x, p) if contains(x.r.title, p.period)

for_shortfall(x, p) if contains(x.r.description, p.period)

open := {
	"improvement": {"proposed", "approved", "in-progress"},
	"nonconformity": {"open", "corrective-action", "verifying"},
}

live(x, _) if x.r.status in open[x.kind]

live(x, p) if {
	x.kind == "improvement"
	x.r.status == "done"
	x.r.completed > p.end
}

live(x, p) if {
	x.kind == "nonconformity"
	x.r.status == "closed"
	x.r.effectiveness.checked > p.end
}
