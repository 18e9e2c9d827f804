# METADATA
# title: Helpers shared by the built-in rules
# description: Time, duration and lookup helpers. Not a rule; it produces no findings.
package smsctl.lib

# ns parses an RFC 3339 time or a YYYY-MM-DD date (midnight UTC) to nanoseconds.
ns(t) := time.parse_rfc3339_ns(t) if contains(t, "T")

ns(t) := time.parse_ns("2006-01-02", t) if not contains(t, "T")

# now_ns is "today" as the policy input gives it (--now), in nanoseconds.
now_ns := time.parse_rfc3339_ns(input.now)

day_ns := ((24 * 60) * 60) * 1000000000

# add adds an explicit duration ("30min", "4h", "2d", "1w", "3mo", "1y") to
# a time in nanoseconds; months and years follow the calendar.
add(t, d) := t + (n * 60000000000) if {
	endswith(d, "min")
	n := to_number(trim_suffix(d, "min"))
}

add(t, d) := t + (n * 3600000000000) if {
	regex.match(`^[0-9]+h$`, d)
	n := to_number(trim_suffix(d, "h"))
}

add(t, d) := t + (n * day_ns) if {
	regex.match(`^[0-9]+d$`, d)
	n := to_number(trim_suffix(d, "d"))
}

add(t, d) := t + ((n * 7) * day_ns) if {
	regex.match(`^[0-9]+w$`, d)
	n := to_number(trim_suffix(d, "w"))
}

add(t, d) := time.add_date(t, 0, n, 0) if {
	endswith(d, "mo")
	n := to_number(trim_suffix(d, "mo"))
}

add(t, d) := time.add_date(t, n, 0, 0) if {
	regex.match(`^[0-9]+y$`, d)
	n := to_number(trim_suffix(d, "y"))
}

# duration_ns is a fixed duration in nanoseconds (min, h, d, w only).
duration_ns(d) := add(0, d) if {
	not endswith(d, "mo")
	not regex.match(`^[0-9]+y$`, d)
}

# interval is the planned interval of a recurring activity from sms.cue's
# intervals, 12 months when absent.
interval(name) := input.sms.intervals[name]

interval(name) := "12mo" if not input.sms.intervals[name]

# roles_of is the set of roles a person holds.
roles_of(person) := {r | some r in input.records.person[person].roles}

# may is true when a person holds a role that grants an authority.
may(person, authority) if {
	some r in input.records.person[person].roles
	authority in input.records.role[r].authorities
}

# role_grants is true when a role grants an authority.
role_grants(role, authority) if authority in input.records.role[role].authorities
