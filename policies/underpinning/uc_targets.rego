# METADATA
# title: UCs and OLAs that underpin SLAs commit to targets
# description: |
#   ISO/IEC 20000-1 8.3.4 requires UCs and OLAs to specify the service
#   levels that support the SLAs' targets. A UC or OLA that underpins an
#   SLA must set at least one target: response or resolution targets per
#   priority (targets), a request fulfilment target or an availability
#   target. One that sets none supports nothing measurable.
# custom:
#   id: underpinning.uc_targets
#   clause: "8.3.4"
#   severity: error
#   remediation: Agree with the supplier or team the targets that support the SLAs (targets, request_fulfilment or availability_target) and record them.
package smsctl.rules.underpinning.uc_targets

deny contains {"kind": "agreement", "id": id, "msg": msg, "field": "targets"} if {
	some id, a in input.records.agreement
	a.type in {"UC", "OLA"}
	count(object.get(a, "underpins", [])) > 0
	not has_target(a)
	msg := sprintf("%s %s underpins %s but sets no target", [a.type, id, concat(", ", a.underpins)])
}

has_target(a) if {
	some t in a.targets
	count(t) > 0
}

has_target(a) if a.request_fulfilment

has_target(a) if a.availability_target
