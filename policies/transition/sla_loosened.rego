# METADATA
# title: Loosening an SLA's targets goes through change and the customer's agreement
# description: |
#   ISO/IEC 20000-1 8.3.3 requires SLAs to be agreed with the customer, and
#   8.5.1 changes to them to be controlled. Judged against the base revision
#   (--base), an SLA whose promise to the customer becomes weaker - a
#   longer response, resolution or request fulfilment target, a target
#   removed, or a lower attainment or availability target - needs both a
#   change record that names the SLA in agreements and has been approved
#   (approved, scheduled, implemented, reviewed or closed), and the
#   customer's agreement recorded in agreed, dated no earlier than that
#   change was raised and later than the agreement the base recorded.
# custom:
#   id: transition.sla_loosened
#   clause: "8.3.3"
#   severity: error
#   remediation: Raise and approve a change that names the SLA in agreements, and record in agreed when and by whom the customer accepted the new targets.
package smsctl.rules.transition.sla_loosened

import data.smsctl.lib

approved := {"approved", "scheduled", "implemented", "reviewed", "closed"}

# weaker lists what the new version of an SLA promises less than the old.
weaker(old, new) := array.concat(
	[sprintf("%s %s %s", [p, m, how]) |
		some p, t in old.targets
		some m, d in t
		how := longer(d, object.get(new, ["targets", p, m], null))
	],
	array.concat(
		[sprintf("request_fulfilment %s", [how]) | how := longer(old.request_fulfilment, object.get(new, "request_fulfilment", null))],
		[sprintf("%s %s", [f, how]) |
			some f in ["attainment_target", "availability_target"]
			how := lower(old[f], object.get(new, f, null))
		],
	),
)

longer(_, null) := "removed"

longer(d, e) := sprintf("%s -> %s", [d, e]) if {
	e != null
	lib.add(0, e) > lib.add(0, d)
}

lower(_, null) := "removed"

lower(v, w) := sprintf("%v%% -> %v%%", [v, w]) if {
	w != null
	w < v
}

changes_naming(id) := {cid: c |
	some cid, c in input.records.change
	id in c.agreements
	c.status in approved
}

agreed_in_time(t) if {
	some c in changes_naming(t.id)
	t.new.agreed.on >= substring(c.raised, 0, 10)
	not superseded(t)
}

superseded(t) if t.new.agreed.on <= t.old.agreed.on

deny contains {"kind": "agreement", "id": t.id, "msg": msg, "field": "targets"} if {
	some t in input.transitions
	t.kind == "agreement"
	t.old.type == "SLA"
	t.new.type == "SLA"
	what := weaker(t.old, t.new)
	count(what) > 0
	why := array.concat(
		[p | count(changes_naming(t.id)) == 0; p := "no approved change names it in agreements"],
		[p | not agreed_in_time(t); p := "agreed does not record the customer's agreement to this version"],
	)
	count(why) > 0
	msg := sprintf("SLA %s loosens its promise to %s (%s), but %s", [t.id, t.new.customer, concat(", ", what), concat(" and ", why)])
}
