package smsctl.rules.transition.sla_loosened_test

import data.smsctl.rules.transition.sla_loosened

sla := {
	"type": "SLA", "customer": "globex",
	"targets": {"P1": {"response": "15min", "resolution": "4h"}, "P2": {"resolution": "8h"}},
	"request_fulfilment": "2d", "attainment_target": 95, "availability_target": 99.5,
	"agreed": {"on": "2026-01-10", "by": "Globex procurement"},
}

chg(status, agreements) := {"title": "t", "status": status, "raised": "2026-11-02T09:00:00Z", "agreements": agreements}

doc(new, changes) := {
	"now": "2026-11-23T10:00:00Z",
	"records": {"change": changes},
	"transitions": [{"kind": "agreement", "id": "sla-globex", "old": sla, "new": new}],
}

loosened := object.union(sla, {"targets": {"P1": {"resolution": "8h"}}, "availability_target": 99})

test_silent_when_tightened_or_unchanged if {
	tighter := object.union(sla, {"targets": {"P1": {"resolution": "2h"}, "P3": {"resolution": "3d"}}, "attainment_target": 97})
	count(sla_loosened.deny) == 0 with input as doc(tighter, {})
	count(sla_loosened.deny) == 0 with input as doc(object.union(sla, {"title": "new title"}), {})
}

test_silent_with_approved_change_and_fresh_customer_agreement if {
	new := object.union(loosened, {"agreed": {"on": "2026-11-02", "by": "Globex procurement"}})
	count(sla_loosened.deny) == 0 with input as doc(new, {"CHG-2026-0040": chg("approved", ["sla-globex"])})
}

test_fires_without_change_or_agreement if {
	ds := sla_loosened.deny with input as doc(loosened, {"CHG-2026-0040": chg("submitted", ["sla-globex"])})
	ds == {{
		"kind": "agreement", "id": "sla-globex", "field": "targets",
		"msg": "SLA sla-globex loosens its promise to globex (P1 resolution 4h -> 8h, availability_target 99.5% -> 99%), but no approved change names it in agreements and agreed does not record the customer's agreement to this version",
	}}
}

test_fires_when_the_agreement_predates_the_change if {
	new := object.union(loosened, {"agreed": {"on": "2026-11-01", "by": "Globex procurement"}})
	ds := sla_loosened.deny with input as doc(new, {"CHG-2026-0040": chg("closed", ["sla-globex"])})
	count(ds) == 1
}

test_fires_on_lower_attainment_and_longer_month_target if {
	new := json.remove(object.union(sla, {"attainment_target": 90, "request_fulfilment": "1mo"}), ["targets/P2"])
	ds := sla_loosened.deny with input as doc(new, {})
	some f in ds
	contains(f.msg, "(P2 resolution removed, request_fulfilment 2d -> 1mo, attainment_target 95% -> 90%)")
}
