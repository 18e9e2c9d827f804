# METADATA
# title: Standard changes follow an approved template
# description: |
#   ISO/IEC 20000-1 8.5.1.3 allows pre-approved standard changes only within
#   what was approved. A standard change must name, in template, one of the
#   approved standard-change templates of sms.cue (standard_changes).
# custom:
#   id: change.standard_template
#   clause: "8.5.1.3"
#   severity: error
#   remediation: |
#     Name the approved template the change follows, have a new template
#     approved in sms.cue standard_changes, or raise the change as a normal
#     change.
package smsctl.rules.change.standard_template

import data.smsctl.lib

deny contains {"kind": "change", "id": id, "msg": msg, "field": "template"} if {
	some id in lib.change_ids("standard")
	c := input.records.change[id]
	not c.template
	msg := sprintf("standard change %s names no standard-change template", [id])
}

deny contains {"kind": "change", "id": id, "msg": msg, "field": "template"} if {
	some id in lib.change_ids("standard")
	c := input.records.change[id]
	not input.sms.standard_changes[c.template]
	msg := sprintf(
		"standard change %s names template %s, which is not an approved standard change in sms.cue",
		[id, c.template],
	)
}
