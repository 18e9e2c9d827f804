package smsctl.rules.supplier.contract_test

import data.smsctl.rules.supplier.contract

mk(end, records) := {"now": "2026-11-23T10:00:00Z", "today": "2026-11-23", "sms": {}, "records": object.union(
	{
		"supplier": {"stratus": {"name": "S", "type": "external", "owner": "h", "contract_end": end}},
		"service": {}, "ci": {}, "agreement": {},
	},
	records,
)}

svc(status) := {"status": status, "depends_on": {"suppliers": ["stratus"]}}

test_silent_when_in_force_or_unused if {
	count(contract.deny) == 0 with input as mk("2026-11-23", {"service": {"web": svc("live")}})
	count(contract.deny) == 0 with input as mk("2026-10-31", {
		"service": {"web": svc("retired")},
		"ci": {"vm": {"status": "retired", "supplier": "stratus"}},
		"agreement": {"uc-stratus": {"type": "UC", "supplier": "stratus", "period": {"start": "2025-01-01", "end": "2026-10-31"}}},
	})
}

test_fires_when_still_used if {
	d := mk("2026-10-31", {
		"service": {"web": svc("live")},
		"ci": {"vm": {"status": "active", "supplier": "stratus"}},
		"agreement": {"uc-stratus": {"type": "UC", "supplier": "stratus", "period": {"start": "2025-01-01"}}},
	})
	ds := contract.deny with input as d
	count(ds) == 1
	some f in ds
	f.msg == "supplier stratus's contract ended on 2026-10-31 but CI vm, UC uc-stratus, live service web still depend on it"
}
