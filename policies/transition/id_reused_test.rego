package smsctl.rules.transition.id_reused_test

import data.smsctl.rules.transition.id_reused

doc(retired) := {
	"transitions": [{"kind": "change", "id": "CHG-2026-0002", "old": null, "new": {"status": "draft"}}],
	"retired": retired,
}

test_silent_on_a_fresh_id if {
	count(id_reused.deny) == 0 with input as doc({"change": {"CHG-2026-0001": true}})
}

test_silent_when_retired_in_another_kind if {
	count(id_reused.deny) == 0 with input as doc({"incident": {"CHG-2026-0002": true}})
}

test_fires_on_reuse if {
	ds := id_reused.deny with input as doc({"change": {"CHG-2026-0002": true}})
	{f.id | some f in ds} == {"CHG-2026-0002"}
}
