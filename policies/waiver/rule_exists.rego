# METADATA
# title: Waivers name a known rule
# description: |
#   A waiver is a documented, approved exception to a policy rule (ISO/IEC
#   20000-1 7.5). Its rule must be the ID of a rule the engine knows (built-in
#   or the repository's own); a waiver of an unknown rule, for example one
#   misspelt or since removed, excuses nothing.
# custom:
#   id: waiver.rule_exists
#   clause: "7.5"
#   severity: error
#   remediation: Correct the rule ID (smsctl lists the rules), or delete the waiver if the rule no longer exists.
package smsctl.rules.waiver.rule_exists

deny contains {"kind": "waiver", "id": id, "msg": msg, "field": "rule"} if {
	some id, w in input.records.waiver
	not input.rules[w.rule]
	msg := sprintf("waiver %s waives rule %s, which is not a known rule", [id, w.rule])
}
