package smsctl.rules.waiver.approver_test

import data.smsctl.rules.waiver.approver

doc(waivers) := {
	"now": "2026-11-23T10:00:00Z",
	"today": "2026-11-23",
	"sms": {},
	"records": {
		"waiver": waivers,
		"role": {
			"top-management": {"name": "Top management", "description": "Board", "authorities": ["approve-policy", "approve-waiver"]},
			"engineer": {"name": "Engineer", "description": "Builds"},
			"change-manager": {"name": "Change manager", "description": "Changes", "authorities": ["approve-normal-change"]},
		},
		"person": {
			"olivia-hart": {"name": "Olivia Hart", "type": "person", "roles": ["engineer", "top-management"]},
			"priya-shah": {"name": "Priya Shah", "type": "person", "roles": ["change-manager"]},
			"liam-walsh": {"name": "Liam Walsh", "type": "person", "roles": ["engineer"]},
			"new-starter": {"name": "New Starter", "type": "person"},
		},
	},
}

wvr(by) := {
	"rule": "change.backout_tested",
	"records": ["CHG-2026-0004"],
	"justification": "Cannot be rehearsed",
	"approved_by": by,
	"approved_on": "2026-02-10",
	"expires": "2027-02-10",
}

test_silent_when_approver_may_approve_waivers if {
	d := doc({"WVR-0001": wvr("olivia-hart")})
	count(approver.deny) == 0 with input as d
}

test_fires_when_approver_lacks_authority if {
	d := doc({"WVR-0001": wvr("priya-shah"), "WVR-0002": wvr("olivia-hart")})
	ds := approver.deny with input as d
	count(ds) == 1
	some f in ds
	f.kind == "waiver"
	f.id == "WVR-0001"
	f.field == "approved_by"
}

test_fires_when_approver_holds_no_roles_or_role_has_no_authorities if {
	d := doc({"WVR-0001": wvr("new-starter"), "WVR-0002": wvr("liam-walsh"), "WVR-0003": wvr("nobody")})
	ds := approver.deny with input as d
	{f.id | some f in ds} == {"WVR-0001", "WVR-0002", "WVR-0003"}
}
