# METADATA
# title: Business calendars have a real time zone, and business hours that end after they start
# description: |
#   SLA clocks count in the business calendars of sms.cue (8.3.3). A
#   calendar whose timezone is not an IANA time zone name, or whose
#   business hours on a day end no later than they start, cannot be counted
#   in: smsctl report sla leaves out the agreements that use it, and so the
#   rule sla.attainment cannot judge them.
# custom:
#   id: sla.calendar
#   clause: "8.3.3"
#   severity: error
#   remediation: Give timezone as an IANA time zone name such as Europe/London or UTC, and business hours whose end is after their start (24:00 for midnight).
package smsctl.rules.sla.calendar

deny contains {"kind": "sms", "id": "sms", "msg": msg, "field": field} if {
	some id, cal in input.sms.calendars
	not valid_zone(cal.timezone)
	field := sprintf("calendars.%s.timezone", [id])
	msg := sprintf("calendar %s: timezone %q is not an IANA time zone", [id, cal.timezone])
}

deny contains {"kind": "sms", "id": "sms", "msg": msg, "field": field} if {
	some id, cal in input.sms.calendars
	some day, hours in cal.business_hours
	hours.end <= hours.start
	field := sprintf("calendars.%s.business_hours.%s", [id, day])
	msg := sprintf("calendar %s: business hours on %s end at %s, not after they start at %s", [id, day, hours.end, hours.start])
}

# valid_zone: a zone the time functions know; not empty and not "Local",
# which would mean the zone of whatever machine runs the check.
valid_zone(tz) if {
	not tz in {"", "Local"}
	time.date([0, tz])
}
