package smsctl.rules.sla.calendar_test

import data.smsctl.rules.sla.calendar

doc(calendars) := {"sms": {"calendars": calendars}, "records": {}}

day(start, end) := {"start": start, "end": end}

test_silent_on_good_calendars if {
	d := doc({
		"uk": {"timezone": "Europe/London", "business_hours": {"mon": day("08:00", "18:00"), "sat": day("00:00", "24:00")}},
		"utc": {"timezone": "UTC"},
	})
	count(calendar.deny) == 0 with input as d
}

test_fires_on_unknown_zone if {
	ds := calendar.deny with input as doc({"mars": {"timezone": "Mars/Olympus"}})
	count(ds) == 1
	some f in ds
	f.kind == "sms"
	f.field == "calendars.mars.timezone"
	f.msg == `calendar mars: timezone "Mars/Olympus" is not an IANA time zone`
}

test_fires_on_empty_and_local_zones if {
	ds := calendar.deny with input as doc({"a": {"timezone": ""}, "b": {"timezone": "Local"}})
	{f.field | some f in ds} == {"calendars.a.timezone", "calendars.b.timezone"}
}

test_fires_on_hours_ending_before_they_start if {
	d := doc({"uk": {"timezone": "Europe/London", "business_hours": {"mon": day("18:00", "08:00"), "tue": day("09:00", "09:00")}}})
	ds := calendar.deny with input as d
	{f.field | some f in ds} == {"calendars.uk.business_hours.mon", "calendars.uk.business_hours.tue"}
	some f in ds
	f.field == "calendars.uk.business_hours.mon"
	f.msg == "calendar uk: business hours on mon end at 08:00, not after they start at 18:00"
}
