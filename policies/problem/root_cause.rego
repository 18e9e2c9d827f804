# METADATA
# title: Resolved problems record their root cause, or an accepted risk
# description: |
#   ISO/IEC 20000-1 8.6.3 requires problems to be analysed to find their
#   root causes, so that recurring incidents are prevented. A problem that
#   is resolved or closed must record its root cause (root_cause), or the
#   decision to close it without one (risk_accepted) by a person who holds
#   a role granting accept-risk.
# custom:
#   id: problem.root_cause
#   clause: "8.6.3"
#   severity: error
#   remediation: Record the root cause the investigation found, or have a person with the authority accept-risk record in risk_accepted why the problem is closed without one.
package smsctl.rules.problem.root_cause

import data.smsctl.lib

deny contains {"kind": "problem", "id": id, "msg": msg, "field": "root_cause"} if {
	some id, p in input.records.problem
	p.status in {"resolved", "closed"}
	not explained(p)
	msg := sprintf("problem %s is %s but records no root cause and no risk acceptance%s", [id, p.status, note(p)])
}

explained(p) if trim_space(p.root_cause) != ""

explained(p) if lib.may(p.risk_accepted.by, "accept-risk")

default note(_) := ""

note(p) := sprintf(" (%s, who accepted the risk, holds no role that grants accept-risk)", [p.risk_accepted.by]) if {
	p.risk_accepted
}
