# METADATA
# title: Every live service is covered by an SLA in force
# description: |
#   ISO/IEC 20000-1 8.3.3 requires the organization to agree service levels with
#   the customer for the services delivered. Every live service must be listed in
#   the services of at least one agreement of type SLA whose period has started
#   (period.start on or before today) and has not ended (period.end, the last day
#   in force, absent or not yet past).
# custom:
#   id: catalogue.service_sla
#   clause: "8.3.3"
#   severity: error
#   remediation: Add the service to an SLA that is in force, or agree a new SLA or renew the expired one.
package smsctl.rules.catalogue.service_sla

import data.smsctl.lib

# in_force is true when an agreement's period covers input.now. period.end is
# the last day in force, so the agreement runs until the end of that day.
in_force(a) if {
	lib.ns(a.period.start) <= lib.now_ns
	not a.period.end
}

in_force(a) if {
	lib.ns(a.period.start) <= lib.now_ns
	lib.now_ns < lib.ns(a.period.end) + lib.day_ns
}

# today is the date of input.now.
today := input.today

today := substring(input.now, 0, 10) if not input.today

# covered is the set of services listed by an SLA in force.
covered contains s if {
	some a in input.records.agreement
	a.type == "SLA"
	in_force(a)
	some s in a.services
}

# listed maps each service to the SLAs that list it, in force or not.
listed[s] contains id if {
	some id, a in input.records.agreement
	a.type == "SLA"
	some s in a.services
}

deny contains {"kind": "service", "id": id, "msg": msg} if {
	some id, s in input.records.service
	s.status == "live"
	not covered[id]
	not listed[id]
	msg := sprintf("live service %s is not covered by any SLA", [id])
}

deny contains {"kind": "service", "id": id, "msg": msg} if {
	some id, s in input.records.service
	s.status == "live"
	not covered[id]
	slas := listed[id]
	msg := sprintf("live service %s is not covered by an SLA in force on %s (%s not in force)", [id, today, concat(", ", sort(slas))])
}
