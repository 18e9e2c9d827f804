# METADATA
# title: Resolved and closed incidents record when they were resolved and closed
# description: |
#   ISO/IEC 20000-1 8.6.1 requires incidents to be recorded, resolved and
#   closed, and 8.3.3 measures resolution against the agreed targets. An
#   incident in status resolved or closed must record when service was
#   restored (resolved); a closed incident must also record when it was
#   closed. The order of the times is judged by ticket.timeline.
# custom:
#   id: incident.resolved_time
#   clause: "8.6.1"
#   severity: error
#   remediation: Record resolved (and closed for a closed incident) as RFC 3339 times.
package smsctl.rules.incident.resolved_time

deny contains {"kind": "incident", "id": id, "msg": msg, "field": "resolved"} if {
	some id, inc in input.records.incident
	inc.status in {"resolved", "closed"}
	not inc.resolved
	msg := sprintf("incident %s is %s but does not record when it was resolved", [id, inc.status])
}

deny contains {"kind": "incident", "id": id, "msg": msg, "field": "closed"} if {
	some id, inc in input.records.incident
	inc.status == "closed"
	not inc.closed
	msg := sprintf("incident %s is closed but does not record when it was closed", [id])
}
