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

# Who holds which authority comes from the trusted revision (a pull
# request's base with --policies-from): input.trusted holds its people and
# roles, so a pull request that edits people/ or roles/ is judged by the
# people and roles it edits, never with them. input.records.person and
# input.records.role are the judged revision's, data like any record.
# A hand-made input without input.trusted (a rule's unit test) falls back
# to input.records; smsctl always fills input.trusted.
people := input.trusted.person

people := input.records.person if not input.trusted

roles := input.trusted.role

roles := input.records.role if not input.trusted

# roles_of is the set of roles a person holds.
roles_of(person) := {r | some r in people[person].roles}

# holds is true when a person holds the named role.
holds(person, role) if role in people[person].roles

# may is true when a person holds a role that grants an authority.
may(person, authority) if {
	some r in people[person].roles
	authority in roles[r].authorities
}

# role_grants is true when a role grants an authority.
role_grants(role, authority) if authority in roles[role].authorities

# Pull requests. With `smsctl validate --pr N`, input.pull_request holds the
# pull request under judgement: its author, last pusher, head commit, the
# change records it adds or edits (changes) and its reviews, each with the
# reviewer's GitHub login, the person whose github field names it (absent
# for an unknown login), state, the commit reviewed and whether it was
# dismissed.

# pr_touches is true when the pull request under judgement adds or edits
# change id.
pr_touches(id) if id in input.pull_request.changes

# review_problem says why a review is not an approval that counts, or ""
# when it counts. The author and the last pusher of a pull request cannot
# approve their own work; an approval of an older head commit does not
# cover commits pushed after it; a reviewer's later request for changes
# withdraws their approval; only an active person's review counts.
review_problem(r) := "it was dismissed" if {
	r.dismissed
} else := "it is not an approval" if {
	r.state != "APPROVED"
} else := "it is by the pull request's author" if {
	r.login == input.pull_request.author
} else := "it is by the last pusher" if {
	r.login == input.pull_request.last_pusher
} else := sprintf("it was given on an older commit (%s)", [substring(r.commit_id, 0, 12)]) if {
	r.commit_id != input.pull_request.head_sha
} else := "no person record has this GitHub login" if {
	not r.person
} else := sprintf("%s is a team, not a person", [r.person]) if {
	people[r.person].type == "team"
} else := sprintf("%s is no longer active", [r.person]) if {
	people[r.person].active == false
} else := "a later review by the same reviewer requests changes" if {
	some later in input.pull_request.reviews
	later.login == r.login
	later.state == "CHANGES_REQUESTED"
	later.submitted_at > r.submitted_at
} else := ""

# pr_approvals are the reviews of the pull request that count as approvals.
pr_approvals contains r if {
	some r in input.pull_request.reviews
	review_problem(r) == ""
}

# pr_uncounted_note lists the approvals that do not count and why, for
# messages ("" when there are none).
default pr_uncounted_note := ""

pr_uncounted_note := sprintf("; not counted: %s", [concat("; ", notes)]) if {
	notes := [sprintf("%s's review (%s)", [r.login, p]) |
		some r in input.pull_request.reviews
		r.state in {"APPROVED", "DISMISSED"}
		p := review_problem(r)
		p != ""
	]
	count(notes) > 0
}

# today_ns is midnight UTC of input.today (of input.now's date without it).
today_ns := ns(input.today) if input.today

today_ns := now_ns - (now_ns % day_ns) if not input.today

# Emergency changes (8.5.1.3). An emergency change may be implemented before
# it is approved; its retrospective approval and its post-implementation
# review are due within change_management.emergency_review_within of
# sms.cue (5 days when absent) after it ended.
default emergency_review_within := "5d"

emergency_review_within := input.sms.change_management.emergency_review_within

# change_ids are the IDs of the changes of a type: from smsctl's index
# (input.change_types), so a rule about one type reads only those; by a
# scan in a hand-made input without it.
change_ids(t) := input.change_types[t] if input.change_types

change_ids(t) := [id | some id, c in input.records.change; c.type == t] if not input.change_types

# emergency_done are the emergency changes that were carried out.
emergency_done[id] := c if {
	some id in change_ids("emergency")
	c := input.records.change[id]
	c.status in {"implemented", "reviewed", "closed", "failed"}
}

# change_ended is when a change ended: actual.end, else actual.start, else
# when it was raised (the earliest deadline when the record says less).
change_ended(c) := c.actual.end

change_ended(c) := c.actual.start if not c.actual.end

change_ended(c) := c.raised if {
	not c.actual.end
	not c.actual.start
}

# emergency_review_due is the time by which an emergency change's approval
# and review are due, in nanoseconds.
emergency_review_due(c) := add(ns(change_ended(c)), emergency_review_within)

# emergency_in_grace is true while an emergency change's review is not yet
# due: today (a review date counts as the whole day) is not after the due time.
emergency_in_grace(c) if today_ns <= emergency_review_due(c)

# emergency_authorised is true when a person who may approve emergency
# changes approved the change, either retrospectively or before its
# implementation started.
emergency_authorised(c) if {
	some a in c.approvals
	a.decision == "approved"
	a.retrospective == true
	may(a.by, "approve-emergency-change")
}

emergency_authorised(c) if {
	some a in c.approvals
	a.decision == "approved"
	not a.retrospective == true
	ns(a.at) <= ns(c.actual.start)
	may(a.by, "approve-emergency-change")
}

# Major incidents (8.6.1): their review is due within
# incident_management.major_review_within of sms.cue (5 days when absent)
# after they were resolved.
default major_review_within := "5d"

major_review_within := input.sms.incident_management.major_review_within

# incident_resolved is when an incident was resolved: resolved, else closed,
# else opened (the earliest deadline when the record says less).
incident_resolved(inc) := inc.resolved

incident_resolved(inc) := inc.closed if not inc.resolved

incident_resolved(inc) := inc.opened if {
	not inc.resolved
	not inc.closed
}

major_review_due(inc) := add(ns(incident_resolved(inc)), major_review_within)

major_in_grace(inc) if today_ns <= major_review_due(inc)

# Change approvals (8.5.1.3). An approval authorises a change only when it
# was given before the change's implementation started: one dated after
# actual.start approves work already done.
approved_in_time(c, _) if not c.actual.start

approved_in_time(c, a) if ns(a.at) <= ns(c.actual.start)

# change_approvers are the people whose approval authorises change c as
# change.approval requires: decision approved, in time, in a role the
# approver holds that grants approve-normal-change.
change_approvers(c) := {a.by |
	some a in c.approvals
	a.decision == "approved"
	holds(a.by, a.role)
	role_grants(a.role, "approve-normal-change")
	approved_in_time(c, a)
}

# change_approved is true when change c has an approval that change.approval
# counts (see change_approvers); cheaper than counting them.
change_approved(c) if {
	some a in c.approvals
	a.decision == "approved"
	role_grants(a.role, "approve-normal-change")
	holds(a.by, a.role)
	approved_in_time(c, a)
}

# cab_role is true for the CAB role of sms.cue (change_management.cab_role)
# and for any role that grants cab-member.
cab_role(role) if role == input.sms.change_management.cab_role

cab_role(role) if role_grants(role, "cab-member")

# cab_approvers are the people whose approval of change c is the CAB's:
# decision approved, in time, in a CAB role the approver holds.
cab_approvers(c) := {a.by |
	some a in c.approvals
	a.decision == "approved"
	cab_role(a.role)
	holds(a.by, a.role)
	approved_in_time(c, a)
}
