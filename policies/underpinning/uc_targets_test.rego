package smsctl.rules.underpinning.uc_targets_test

import data.smsctl.rules.underpinning.uc_targets

mk(agreements) := {"now": "2026-11-23T10:00:00Z", "sms": {}, "records": {"agreement": agreements}}

test_silent_with_any_target_or_nothing_underpinned if {
	d := mk({
		"uc-a": {"type": "UC", "underpins": ["sla-a"], "targets": {"P1": {"resolution": "4h"}}},
		"uc-b": {"type": "UC", "underpins": ["sla-a"], "availability_target": 99.9},
		"ola-c": {"type": "OLA", "underpins": ["sla-a"], "request_fulfilment": "2d"},
		"uc-d": {"type": "UC"},
		"sla-a": {"type": "SLA"},
	})
	count(uc_targets.deny) == 0 with input as d
}

test_fires_on_underpinning_agreement_without_targets if {
	d := mk({
		"uc-a": {"type": "UC", "underpins": ["sla-a"]},
		"ola-b": {"type": "OLA", "underpins": ["sla-a"], "targets": {"P1": {}}},
	})
	{f.id | some f in uc_targets.deny with input as d} == {"uc-a", "ola-b"}
}
