# METADATA
# title: Waivers about to expire
# description: |
#   A waiver is a documented, approved exception to a policy rule (ISO/IEC
#   20000-1 7.5, 6.1). A waiver that expires within the next 30 days (and has
#   not yet expired) is reported so that it can be renewed or the waived
#   records fixed in time.
# custom:
#   id: waiver.expiring
#   clause: "7.5"
#   severity: warning
#   remediation: Fix the waived records before the waiver expires, or have the exception re-approved with a later expires.
package smsctl.rules.waiver.expiring

import data.smsctl.lib

# today_ns is midnight UTC of input.today (of input.now's date without it).
today_ns := lib.ns(input.today) if input.today

today_ns := lib.now_ns - (lib.now_ns % lib.day_ns) if not input.today

deny contains {"kind": "waiver", "id": id, "msg": msg, "field": "expires"} if {
	some id, w in input.records.waiver
	expires := lib.ns(w.expires)
	expires >= today_ns
	expires <= today_ns + (30 * lib.day_ns)
	days := (expires - today_ns) / lib.day_ns
	msg := sprintf("waiver %s of rule %s expires on %s, in %d days", [id, w.rule, w.expires, days])
}
