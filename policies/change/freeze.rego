# METADATA
# title: Changes are not planned in a change freeze
# description: |
#   ISO/IEC 20000-1 8.5.1.3 requires changes to be scheduled with their
#   impact on the services in mind; sms.cue records freeze windows in which
#   changes are not made. A standard or normal change that has a planned window
#   and is not rejected or cancelled must not be planned to overlap a freeze
#   window that applies to it: a freeze without services applies to every
#   change, otherwise to changes that affect one of its services. Emergency
#   changes are exempt.
# custom:
#   id: change.freeze
#   clause: "8.5.1.3"
#   severity: error
#   remediation: Reschedule the change outside the freeze window, or raise it as an emergency change if it cannot wait.
package smsctl.rules.change.freeze

import data.smsctl.lib

inactive := {"rejected", "cancelled"}

# freezes are the freeze windows in nanoseconds, parsed once.
freezes[i] := {"name": f.name, "start": lib.ns(f.start), "end": lib.ns(f.end), "services": object.get(f, "services", null)} if {
	some i, f in input.sms.freeze_windows
}

applies(f, _) if f.services == null

applies(f, c) if {
	some s in f.services
	s in c.services
}

deny contains {"kind": "change", "id": id, "msg": msg, "field": "planned"} if {
	some id, c in input.records.change
	c.type != "emergency"
	not c.status in inactive
	start := time.parse_rfc3339_ns(c.planned.start)
	end := time.parse_rfc3339_ns(c.planned.end)
	some f in freezes
	start < f.end
	f.start < end
	applies(f, c)
	msg := sprintf(
		"%s change %s is planned from %s to %s, inside the freeze %q",
		[c.type, id, c.planned.start, c.planned.end, f.name],
	)
}
