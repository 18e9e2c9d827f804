# METADATA
# title: Records contain no placeholder text
# description: |
#   ISO/IEC 20000-1 7.5.2 requires documented information to be
#   appropriately described and reviewed for suitability before it is
#   approved. `smsctl new` fills the required texts it cannot know with
#   "TODO: ..." for the author to replace; a record that still holds the
#   word TODO in one of its own text fields (title, name, description,
#   reason, justification, rule, resolution, root_cause, correction,
#   benefit: where the templates write, and where placeholders are left)
#   was approved and merged unfinished. sms.cue is searched throughout.
#   Texts nested deeper in other records (plans, approvals' comments,
#   actions) are not searched, to keep the gate fast on large
#   repositories.
# custom:
#   id: record.placeholder
#   clause: "7.5.2"
#   severity: error
#   remediation: Replace the placeholder with what the record is to say, or remove the optional field.
package smsctl.rules.record.placeholder

# word is true when a text holds TODO as a word; contains is the cheap
# first look, the expression only confirms the few texts that pass it.
word(s) if {
	contains(s, "TODO")
	regex.match(`(^|[^A-Za-z0-9_])TODO([^A-Za-z0-9_]|$)`, s)
}

# texts are the records' own text fields: those the templates write, and
# the few others where a placeholder is typically left.
texts := ["title", "name", "description", "reason", "justification", "rule", "resolution", "root_cause", "correction", "benefit"]

# candidates are the records to look at: those smsctl found holding the
# text TODO (input.todo, a byte search over every record), or every record
# of a hand-made input without it.
candidates contains [kind, id] if {
	some kind, ids in input.todo
	some id, _ in ids
}

candidates contains [kind, id] if {
	not input.todo
	some kind, recs in input.records
	some id, _ in recs
}

deny contains {"kind": kind, "id": id, "msg": msg, "field": k} if {
	some [kind, id] in candidates
	kind != "sms"
	r := input.records[kind][id]
	some k, v in object.filter(r, texts)
	is_string(v)
	word(v)
	msg := sprintf("%s %s still holds placeholder text in %s: %q", [kind, id, k, v])
}

deny contains {"kind": "sms", "id": id, "msg": msg, "field": field} if {
	some ["sms", id] in candidates
	r := input.records.sms[id]
	walk(r, [path, v])
	is_string(v)
	word(v)
	field := concat("", [segment(i, p) | some i, p in path])
	msg := sprintf("sms %s still holds placeholder text in %s: %q", [id, field, v])
}

segment(_, p) := sprintf("[%d]", [p]) if is_number(p)

segment(0, p) := p if is_string(p)

segment(i, p) := sprintf(".%s", [p]) if {
	is_string(p)
	i > 0
}
