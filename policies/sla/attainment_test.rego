package smsctl.rules.sla.attainment_test

import data.smsctl.rules.sla.attainment

agreements := {
	"sla-acme": {"type": "SLA", "customer": "acme"},
	"ola-team": {"type": "OLA", "team": "ops"},
}

period(month, start, below) := {
	"period": month,
	"start": start,
	"end": start,
	"tickets": 4,
	"met": 3,
	"breached": 1,
	"attainment": 75,
	"attainment_target": 95,
	"availability": 99.322,
	"availability_target": 99.5,
	"below_target": below,
}

doc(measured, improvements, ncs) := {
	"now": "2026-11-23T10:00:00Z",
	"today": "2026-11-23",
	"sms": {},
	"records": {"agreement": agreements, "improvement": improvements, "nonconformity": ncs},
	"measurements": {"sla": measured},
}

shortfall := {"sla-acme": [
	period("2026-03", "2026-03-01", []),
	period("2026-04", "2026-04-01", ["availability"]),
]}

test_silent_when_every_month_met_its_targets if {
	d := doc({"sla-acme": [period("2026-04", "2026-04-01", [])]}, {}, {})
	count(attainment.deny) == 0 with input as d
}

test_fires_on_availability_below_target_without_improvement if {
	ds := attainment.deny with input as doc(shortfall, {}, {})
	count(ds) == 1
	some f in ds
	f.kind == "agreement"
	f.id == "sla-acme"
	f.field == "availability_target"
	f.msg == "SLA sla-acme fell below target in 2026-04 (availability 99.322% against 99.5%) and no improvement or nonconformity raised for it since 2026-04-01 (or naming 2026-04) is open or was completed after the month"
}

test_fires_on_attainment_and_availability_together if {
	d := doc({"sla-acme": [period("2026-06", "2026-06-01", ["attainment", "availability"])]}, {}, {})
	ds := attainment.deny with input as d
	count(ds) == 1
	some f in ds
	f.field == "attainment_target"
	contains(f.msg, "(attainment 75% of 4 tickets against 95%, availability 99.322% against 99.5%)")
}

test_counts_one_ticket_in_the_singular if {
	p := object.union(period("2026-06", "2026-06-01", ["attainment"]), {"tickets": 1, "met": 0, "breached": 1, "attainment": 0})
	ds := attainment.deny with input as doc({"sla-acme": [p]}, {}, {})
	some f in ds
	contains(f.msg, "(attainment 0% of 1 ticket against 95%)")
}

test_fires_once_per_month_below_target if {
	d := doc({"sla-acme": [period("2026-04", "2026-04-01", ["availability"]), period("2026-06", "2026-06-01", ["attainment"])]}, {}, {})
	ds := attainment.deny with input as d
	count(ds) == 2
}

test_silent_with_improvement_raised_in_or_after_the_month if {
	imp := {"IMP-0001": {"agreement": "sla-acme", "raised": "2026-04-01", "status": "done", "completed": "2026-05-01"}}
	count(attainment.deny) == 0 with input as doc(shortfall, imp, {})
}

test_fires_when_the_only_improvement_is_older_and_done if {
	imp := {"IMP-0001": {"agreement": "sla-acme", "raised": "2026-03-31", "status": "done"}}
	count(attainment.deny) == 1 with input as doc(shortfall, imp, {})
}

test_fires_with_an_older_improvement_still_open if {
	# open, but raised before the shortfall, for another one.
	imp := {"IMP-0001": {"agreement": "sla-acme", "raised": "2026-01-10", "status": "in-progress"}}
	count(attainment.deny) == 1 with input as doc(shortfall, imp, {})
}

test_silent_with_an_older_improvement_naming_the_month if {
	imp := {"IMP-0001": {"agreement": "sla-acme", "raised": "2026-01-10", "status": "in-progress", "title": "Availability after 2026-04's outage"}}
	count(attainment.deny) == 0 with input as doc(shortfall, imp, {})
}

test_fires_when_the_improvement_was_completed_within_the_month if {
	imp := {"IMP-0001": {"agreement": "sla-acme", "raised": "2026-04-02", "status": "done", "completed": "2026-04-01"}}
	count(attainment.deny) == 1 with input as doc(shortfall, imp, {})
}

test_fires_when_the_improvement_was_rejected if {
	imp := {"IMP-0001": {"agreement": "sla-acme", "raised": "2026-04-02", "status": "rejected"}}
	count(attainment.deny) == 1 with input as doc(shortfall, imp, {})
}

test_fires_when_the_improvement_names_another_agreement if {
	imp := {"IMP-0001": {"agreement": "sla-other", "raised": "2026-05-01", "status": "approved"}}
	count(attainment.deny) == 1 with input as doc(shortfall, imp, {})
}

test_silent_with_nonconformity_raised_after_the_month_started if {
	nc := {"NC-0001": {"agreement": "sla-acme", "raised": "2026-05-02", "status": "closed", "effectiveness": {"checked": "2026-07-01"}}}
	count(attainment.deny) == 0 with input as doc(shortfall, {}, nc)
	open_nc := {"NC-0001": {"agreement": "sla-acme", "raised": "2026-05-02", "status": "verifying"}}
	count(attainment.deny) == 0 with input as doc(shortfall, {}, open_nc)
}

test_fires_with_an_older_nonconformity_still_open if {
	nc := {"NC-0001": {"agreement": "sla-acme", "raised": "2026-02-02", "status": "corrective-action"}}
	count(attainment.deny) == 1 with input as doc(shortfall, {}, nc)
}

test_silent_with_an_older_nonconformity_naming_the_month if {
	nc := {"NC-0001": {"agreement": "sla-acme", "raised": "2026-02-02", "status": "corrective-action", "description": "Also covers the 2026-04 availability shortfall."}}
	count(attainment.deny) == 0 with input as doc(shortfall, {}, nc)
}

test_fires_when_the_only_nonconformity_is_older_and_closed if {
	nc := {"NC-0001": {"agreement": "sla-acme", "raised": "2026-02-02", "status": "closed"}}
	count(attainment.deny) == 1 with input as doc(shortfall, {}, nc)
}

test_ignores_olas_and_ucs if {
	d := doc({"ola-team": [period("2026-04", "2026-04-01", ["availability"])]}, {}, {})
	count(attainment.deny) == 0 with input as d
}

test_silent_without_measurements if {
	d := {"records": {"agreement": agreements}}
	count(attainment.deny) == 0 with input as d
}
