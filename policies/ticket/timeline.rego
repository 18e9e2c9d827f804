# METADATA
# title: Tickets' times follow their lifecycle
# description: |
#   ISO/IEC 20000-1 8.6.1, 8.6.2 and 8.6.3 require incidents, service
#   requests and problems to be recorded, and 8.3.3 and 9.1 measure them
#   against the agreed targets: a record whose times contradict each other
#   cannot show that a target was met (smsctl report sla counts such a
#   ticket as breached). Of an incident's opened, acknowledged, resolved
#   and closed, a request's opened, acknowledged, fulfilled and closed,
#   and a problem's opened and resolved, those present must come in that
#   order. Each pause of an SLA clock must start no earlier than the
#   ticket was opened, end no earlier than it started, and, once the
#   ticket is resolved (fulfilled), or else closed, have ended by then. A
#   request that is fulfilled or closed must record when it was fulfilled,
#   a closed request when it was closed, and a resolved or closed problem
#   when it was resolved (incident.resolved_time judges incidents').
# custom:
#   id: ticket.timeline
#   clause: "8.6.1"
#   severity: error
#   remediation: Correct the times from the service desk's history (RFC 3339, with the offset); record the missing resolution, fulfilment or closure time.
package smsctl.rules.ticket.timeline

import data.smsctl.lib

# stages are each kind's times in the order they must come.
stages := {
	"incident": ["opened", "acknowledged", "resolved", "closed"],
	"request": ["opened", "acknowledged", "fulfilled", "closed"],
	"problem": ["opened", "resolved"],
}

# resolution names the time that ends an SLA clock.
resolution := {"incident": "resolved", "request": "fulfilled"}

deny contains {"kind": kind, "id": id, "msg": msg, "field": f} if {
	some kind, fields in stages
	some id, t in input.records[kind]
	some i, f in fields
	i > 0
	t[f]
	earlier := [p | some j, p in fields; j < i; t[p]]
	p := earlier[count(earlier) - 1]
	lib.ns(t[f]) < lib.ns(t[p])
	msg := sprintf("%s %s was %s at %s, before it was %s at %s", [kind, id, f, t[f], p, t[p]])
}

deny contains {"kind": kind, "id": id, "msg": msg, "field": sprintf("pauses[%d]", [i])} if {
	some kind, res in resolution
	some id, t in input.records[kind]
	some i, p in t.pauses
	why := pause_problem(t, res, p)
	msg := sprintf("%s %s: pauses[%d] (%s) %s", [kind, id, i, p.reason, why])
}

# life_end is when a ticket's clock stops for good: its resolution, else
# its closure.
life_end(t, res) := t[res]

life_end(t, res) := t.closed if not t[res]

pause_problem(t, res, p) := sprintf("starts at %s, before the ticket was opened at %s", [p.start, t.opened]) if {
	lib.ns(p.start) < lib.ns(t.opened)
} else := sprintf("ends at %s, before it starts at %s", [p.end, p.start]) if {
	lib.ns(p.end) < lib.ns(p.start)
} else := sprintf("has no end, but the ticket's clock stopped at %s", [life_end(t, res)]) if {
	life_end(t, res)
	not p.end
} else := sprintf("ends at %s, after the ticket's clock stopped at %s", [p.end, life_end(t, res)]) if {
	lib.ns(p.end) > lib.ns(life_end(t, res))
}

deny contains {"kind": "request", "id": id, "msg": msg, "field": "fulfilled"} if {
	some id, r in input.records.request
	r.status in {"fulfilled", "closed"}
	not r.fulfilled
	msg := sprintf("request %s is %s but does not record when it was fulfilled", [id, r.status])
}

deny contains {"kind": "request", "id": id, "msg": msg, "field": "closed"} if {
	some id, r in input.records.request
	r.status == "closed"
	not r.closed
	msg := sprintf("request %s is closed but does not record when it was closed", [id])
}

deny contains {"kind": "problem", "id": id, "msg": msg, "field": "resolved"} if {
	some id, p in input.records.problem
	p.status in {"resolved", "closed"}
	not p.resolved
	msg := sprintf("problem %s is %s but does not record when it was resolved", [id, p.status])
}
