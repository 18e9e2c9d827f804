package smsctl.rules.release.changes_test

import data.smsctl.rules.release.changes

chg(status) := {"title": "t", "type": "normal", "status": status}

mk(status, ids) := {"now": "2026-11-23T10:00:00Z", "sms": {}, "records": {
	"release": {"REL-0001": {"title": "t", "status": status, "services": ["web"], "changes": ids}},
	"change": {
		"CHG-2026-0001": chg("closed"), "CHG-2026-0002": chg("rejected"),
		"CHG-2026-0003": chg("submitted"), "CHG-2026-0004": chg("failed"),
	},
}}

test_silent_on_authorised_changes_and_planned_releases if {
	count(changes.deny) == 0 with input as mk("deployed", ["CHG-2026-0001", "CHG-2026-0004"])
	count(changes.deny) == 0 with input as mk("planned", ["CHG-2026-0002"])
}

test_fires_on_rejected_and_unapproved_changes if {
	d := changes.deny with input as mk("deployed", ["CHG-2026-0001", "CHG-2026-0002", "CHG-2026-0003"])
	{f.field | some f in d} == {"changes[1]", "changes[2]"}
}
