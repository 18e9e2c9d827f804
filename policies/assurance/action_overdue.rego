# METADATA
# title: Follow-up actions and improvements are completed by their due date
# description: |
#   ISO/IEC 20000-1 requires the actions the SMS decides to be carried out:
#   risk treatment (6.1), continuity test follow-ups (8.7.2), major
#   incident review actions (8.6.1), management review actions (9.3) and
#   improvements (10.2). An action of a risk that is not closed, of a
#   continuity plan's test, of a major incident's review or of a management
#   review, which is not done and whose due date is before today, is
#   overdue; so is an improvement that is not done or rejected and whose
#   due date has passed. (Corrective actions of nonconformities are judged
#   by assurance.nonconformity_overdue.)
# custom:
#   id: assurance.action_overdue
#   clause: "10.2"
#   severity: warning
#   remediation: Complete the action and record done (completed and status done for an improvement), or agree and record a new due date.
package smsctl.rules.assurance.action_overdue

import data.smsctl.lib

# actions are [kind, id, field, action] for every follow-up action that
# is still to be judged.
actions contains ["risk", id, sprintf("actions[%d]", [i]), a] if {
	some id, r in input.records.risk
	r.status != "closed"
	some i, a in r.actions
}

actions contains ["continuity", id, sprintf("tests[%d].actions[%d]", [t, i]), a] if {
	some id, plan in input.records.continuity
	some t, test in plan.tests
	some i, a in test.actions
}

actions contains ["incident", id, sprintf("review.actions[%d]", [i]), a] if {
	some id, inc in input.records.incident
	some i, a in inc.review.actions
}

actions contains ["review", id, sprintf("actions[%d]", [i]), a] if {
	some id, rev in input.records.review
	some i, a in rev.actions
}

deny contains {"kind": kind, "id": id, "msg": msg, "field": field} if {
	some [kind, id, field, a] in actions
	not a.done
	lib.ns(a.due) < lib.today_ns
	msg := sprintf("action %q of %s %s, owned by %s, was due on %s and is not done", [a.description, kind, id, a.owner, a.due])
}

deny contains {"kind": "improvement", "id": id, "msg": msg, "field": "due"} if {
	some id, imp in input.records.improvement
	not imp.status in {"done", "rejected"}
	lib.ns(imp.due) < lib.today_ns
	msg := sprintf("improvement %s, owned by %s, was due on %s and is %s", [id, imp.owner, imp.due, imp.status])
}
