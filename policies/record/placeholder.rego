# METADATA
# title: Records contain no placeholder text
# description: |
#   ISO/IEC 20000-1 7.5.2 requires documented information to be
#   appropriately described and reviewed for suitability before it is
#   approved. `smsctl new` fills the fields it cannot know with "TODO: ..."
#   for the author to replace; a record that still holds TODO, TBD or FIXME
#   in any of its texts was approved and merged unfinished.
# custom:
#   id: record.placeholder
#   clause: "7.5.2"
#   severity: error
#   remediation: Replace the placeholder with what the record is to say, or remove the optional field.
package smsctl.rules.record.placeholder

words := ["TODO", "TBD", "FIXME"]

# suspect is a cheap first look at the whole record, so that only records
# that mention a placeholder word are walked.
suspect(r) if {
	s := json.marshal(r)
	some w in words
	contains(s, w)
}

deny contains {"kind": kind, "id": id, "msg": msg, "field": field} if {
	some kind, recs in input.records
	some id, r in recs
	suspect(r)
	walk(r, [path, v])
	is_string(v)
	regex.match(`(^|[^A-Za-z0-9_])(TODO|TBD|FIXME)([^A-Za-z0-9_]|$)`, v)
	field := concat("", [segment(i, p) | some i, p in path])
	msg := sprintf("%s %s still holds placeholder text in %s: %q", [kind, id, field, v])
}

segment(_, p) := sprintf("[%d]", [p]) if is_number(p)

segment(0, p) := p if is_string(p)

segment(i, p) := sprintf(".%s", [p]) if {
	is_string(p)
	i > 0
}
