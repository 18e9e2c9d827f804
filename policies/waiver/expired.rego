# METADATA
# title: Waivers have not expired
# description: |
#   A waiver is a documented, approved exception to a policy rule (ISO/IEC
#   20000-1 7.5, 6.1). It holds only until its expiry date; a waiver whose
#   expires date is before today no longer excuses its records and must be
#   renewed or removed.
# custom:
#   id: waiver.expired
#   clause: "7.5"
#   severity: error
#   remediation: Fix the waived records and delete the waiver, or have the exception re-approved with a new approved_on and expires.
package smsctl.rules.waiver.expired

import data.smsctl.lib

# today_ns is midnight UTC of input.today (of input.now's date without it).
today_ns := lib.ns(input.today) if input.today

today_ns := lib.now_ns - (lib.now_ns % lib.day_ns) if not input.today

deny contains {"kind": "waiver", "id": id, "msg": msg, "field": "expires"} if {
	some id, w in input.records.waiver
	lib.ns(w.expires) < today_ns
	msg := sprintf("waiver %s of rule %s expired on %s", [id, w.rule, w.expires])
}
