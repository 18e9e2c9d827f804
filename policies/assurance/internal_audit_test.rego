package smsctl.rules.assurance.internal_audit_test

import data.smsctl.rules.assurance.internal_audit

doc(sms, audits) := {
	"now": "2026-11-23T10:00:00Z",
	"today": "2026-11-23",
	"sms": sms,
	"records": {"audit": audits},
}

audit(type, status, conducted) := {
	"title": "Internal audit",
	"type": type,
	"planned": "2025-01-01",
	"conducted": conducted,
	"auditor": "ruth-coleman",
	"scope": ["9.2"],
	"status": status,
}

test_silent_when_audited_within_interval if {
	d := doc({}, {
		"AUD-0001": audit("internal", "completed", "2024-09-09"),
		"AUD-0002": audit("internal", "completed", "2026-09-09"),
		"AUD-0003": audit("internal", "planned", "2027-09-09"),
	})
	count(internal_audit.deny) == 0 with input as d
}

test_fires_on_last_audit_when_overdue if {
	d := doc({}, {
		"AUD-0001": audit("internal", "completed", "2025-11-01"),
		"AUD-0002": audit("internal", "completed", "2024-11-01"),
		"AUD-0003": audit("external", "completed", "2026-06-01"),
		"AUD-0004": audit("internal", "in-progress", "2026-06-01"),
	})
	ds := internal_audit.deny with input as d
	count(ds) == 1
	some f in ds
	f.kind == "audit"
	f.id == "AUD-0001"
	f.field == "conducted"
	contains(f.msg, "due by 2026-11-01")
}

test_fires_with_explicit_interval if {
	d := doc({"intervals": {"internal_audit": "6mo"}}, {"AUD-0001": audit("internal", "completed", "2026-05-01")})
	ds := internal_audit.deny with input as d
	{f.id | some f in ds} == {"AUD-0001"}
}

test_fires_on_sms_without_completed_internal_audit if {
	a := object.remove(audit("internal", "completed", ""), ["conducted"])
	d := doc({}, {
		"AUD-0001": audit("internal", "planned", "2026-01-01"),
		"AUD-0002": audit("external", "completed", "2026-06-01"),
		"AUD-0003": a,
		"AUD-0004": audit("internal", "completed", "2026-12-01"),
	})
	ds := internal_audit.deny with input as d
	count(ds) == 1
	some f in ds
	f.kind == "sms"
	f.id == "sms"
}

test_fires_on_sms_without_audits if {
	d := doc({}, {})
	ds := internal_audit.deny with input as d
	{[f.kind, f.id] | some f in ds} == {["sms", "sms"]}
}

test_silent_without_any_while_the_first_is_not_due if {
	d := doc({"policy": {"approved_on": "2026-06-01"}}, {})
	count(internal_audit.deny) == 0 with input as d
}

test_fires_without_any_once_the_first_is_due if {
	d := doc({"policy": {"approved_on": "2025-06-01"}}, {})
	{[f.kind, f.id] | some f in internal_audit.deny with input as d} == {["sms", "sms"]}
}
