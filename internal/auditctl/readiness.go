package auditctl

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/smsctl/smsctl/internal/records"
)

// Readiness statuses.
const (
	Met     = "met"
	Partial = "partial"
	Missing = "missing"
)

// Clause is one row of the readiness matrix.
type Clause struct {
	Clause string `json:"clause"`
	Title  string `json:"title"`
	// Kinds are the record kinds that evidence the clause.
	Kinds []string `json:"kinds"`
	// Records is how many records of those kinds were found; IDs names
	// them (kind/ID), at most 20.
	Records int      `json:"records"`
	IDs     []string `json:"ids"`
	// Evidence says what was found, in a few words each.
	Evidence []string `json:"evidence"`
	// Latest is the most recent date the evidence carries, and AgeDays
	// its age at the readiness date.
	Latest  string `json:"latest,omitempty"`
	AgeDays *int   `json:"age_days,omitempty"`
	Status  string `json:"status"`
	Reason  string `json:"reason"`
}

// ReadinessReport is the clause matrix.
type ReadinessReport struct {
	Now     time.Time `json:"now"`
	Clauses []Clause  `json:"clauses"`
	Met     int       `json:"met"`
	Partial int       `json:"partial"`
	Missing int       `json:"missing"`
}

// Ready is true when every clause is met.
func (r *ReadinessReport) Ready() bool { return r.Partial == 0 && r.Missing == 0 }

type recSet struct {
	byKind map[string][]*records.Record
	data   map[*records.Record]map[string]any
	sms    map[string]any
}

func (s *recSet) of(kind string) []*records.Record { return s.byKind[kind] }

func (s *recSet) str(r *records.Record, path ...string) string {
	return stringAt(s.data[r], path...)
}

// stringAt is the string at path in a decoded JSON value, "" when there is
// none.
func stringAt(v any, path ...string) string {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = m[p]
	}
	str, _ := v.(string)
	return str
}

// day reads a date or time as a date (YYYY-MM-DD), "" when not one.
func day(s string) string {
	if t, ok := parseDate(s); ok {
		return t.UTC().Format(time.DateOnly)
	}
	return ""
}

var intervalRE = regexp.MustCompile(`^([0-9]+)(mo|y|w|d)$`)

// interval reads sms.cue's intervals ("12mo", "1y", "26w", "90d"); the
// standard's common default, 12 months, when absent.
func interval(s string) (years, months, days int) {
	m := intervalRE.FindStringSubmatch(s)
	if m == nil {
		return 0, 12, 0
	}
	n, _ := strconv.Atoi(m[1])
	switch m[2] {
	case "y":
		return n, 0, 0
	case "mo":
		return 0, n, 0
	case "w":
		return 0, 0, 7 * n
	}
	return 0, 0, n
}

// Readiness builds the clause matrix of DESIGN.md's record kinds against
// the standard's clauses 4 to 10, from the records at now. history, when
// given, is the verify report whose controls evidence clause 7.5.
func Readiness(repo *records.Repository, now time.Time, history *VerifyReport) *ReadinessReport {
	s := &recSet{byKind: map[string][]*records.Record{}, data: map[*records.Record]map[string]any{}}
	for _, r := range repo.Records {
		if !r.Valid || r.Data == nil {
			continue
		}
		var m map[string]any
		if json.Unmarshal(r.Data, &m) != nil {
			continue
		}
		s.data[r] = m
		if r.Kind == records.SMSKind.Name {
			s.sms = m
			continue
		}
		s.byKind[r.Kind] = append(s.byKind[r.Kind], r)
	}
	for _, rs := range s.byKind {
		sort.Slice(rs, func(i, j int) bool { return rs[i].ID < rs[j].ID })
	}
	today := now.UTC().Format(time.DateOnly)
	smsStr := func(path ...string) string { return stringAt(s.sms, path...) }
	smsList := func(key string) []any {
		if s.sms == nil {
			return nil
		}
		l, _ := s.sms[key].([]any)
		return l
	}
	due := func(last, every string) string {
		t, ok := parseDate(last)
		if !ok {
			return ""
		}
		y, m, d := interval(every)
		return t.AddDate(y, m, d).UTC().Format(time.DateOnly)
	}
	rep := &ReadinessReport{Now: now.UTC()}
	add := func(c Clause, recs ...[]*records.Record) {
		if c.Evidence == nil {
			c.Evidence = []string{}
		}
		c.IDs = []string{}
		for _, rs := range recs {
			for _, r := range rs {
				c.Records++
				if len(c.IDs) < 20 {
					c.IDs = append(c.IDs, r.Key())
				}
			}
		}
		if c.Latest != "" {
			if t, err := time.Parse(time.DateOnly, c.Latest); err == nil {
				age := int(now.UTC().Sub(t).Hours() / 24)
				if age < 0 {
					age = 0
				}
				c.AgeDays = &age
			}
		}
		switch c.Status {
		case Met:
			rep.Met++
		case Partial:
			rep.Partial++
		default:
			c.Status = Missing
			rep.Missing++
		}
		rep.Clauses = append(rep.Clauses, c)
	}
	latest := func(kind string, fields ...string) string {
		l := ""
		for _, r := range s.of(kind) {
			for _, f := range fields {
				if d := day(s.str(r, strings.Split(f, ".")...)); d > l && d <= today {
					l = d
				}
			}
		}
		return l
	}
	count := func(kind string, pred func(*records.Record) bool) []*records.Record {
		var out []*records.Record
		for _, r := range s.of(kind) {
			if pred(r) {
				out = append(out, r)
			}
		}
		return out
	}

	// 4.3, 4.4 scope
	{
		c := Clause{Clause: "4.3, 4.4", Title: "Scope of the SMS", Kinds: []string{"sms"}}
		services, _ := func() ([]any, bool) {
			sc, _ := s.sms["scope"].(map[string]any)
			l, ok := sc["services"].([]any)
			return l, ok
		}()
		switch {
		case s.sms == nil || smsStr("scope", "statement") == "":
			c.Reason = "sms.cue has no scope statement"
		case len(services) == 0:
			c.Status, c.Reason = Partial, "the scope statement names no services in scope"
			c.Evidence = []string{"scope statement"}
		default:
			c.Status, c.Reason = Met, fmt.Sprintf("scope statement with %d services in scope", len(services))
			c.Evidence = []string{"scope statement", fmt.Sprintf("%d services in scope", len(services))}
		}
		add(c)
	}
	// 5.2 policy
	{
		c := Clause{Clause: "5.2", Title: "Service management policy", Kinds: []string{"sms"}}
		approved, review := day(smsStr("policy", "approved_on")), day(smsStr("policy", "review_by"))
		c.Latest = approved
		switch {
		case smsStr("policy", "statement") == "":
			c.Reason = "sms.cue has no policy statement"
		case review != "" && review < today:
			c.Status, c.Reason = Partial, fmt.Sprintf("policy approved %s by %s, but its review was due %s", approved, smsStr("policy", "approved_by"), review)
			c.Evidence = []string{"policy statement", "approved " + approved}
		default:
			c.Status, c.Reason = Met, fmt.Sprintf("policy approved %s by %s, next review %s", approved, smsStr("policy", "approved_by"), review)
			c.Evidence = []string{"policy statement", "approved " + approved, "review by " + review}
		}
		add(c)
	}
	// 5.3 roles
	{
		c := Clause{Clause: "5.3", Title: "Roles, responsibilities and authorities", Kinds: []string{"role", "person"}}
		held := map[string]bool{}
		people := 0
		for _, p := range s.of("person") {
			if active, ok := s.data[p]["active"].(bool); ok && !active {
				continue
			}
			people++
			roles, _ := s.data[p]["roles"].([]any)
			for _, r := range roles {
				if id, ok := r.(string); ok {
					held[id] = true
				}
			}
		}
		var empty []string
		for _, r := range s.of("role") {
			if !held[r.ID] {
				empty = append(empty, r.ID)
			}
		}
		c.Evidence = []string{fmt.Sprintf("%d roles", len(s.of("role"))), fmt.Sprintf("%d active people and teams", people)}
		switch {
		case len(s.of("role")) == 0 || people == 0:
			c.Reason = "no roles, or no people to hold them"
		case len(empty) > 0:
			c.Status, c.Reason = Partial, "roles nobody active holds: "+strings.Join(empty, ", ")
		default:
			c.Status, c.Reason = Met, "every role is held by an active person"
		}
		add(c, s.of("role"), s.of("person"))
	}
	// 6.1, 6.2 risks and objectives
	{
		c := Clause{Clause: "6.1, 6.2", Title: "Risks and opportunities; objectives", Kinds: []string{"risk", "sms"}}
		objectives := len(smsList("objectives"))
		risks := len(s.of("risk"))
		c.Latest = latest("risk", "reviewed_on")
		c.Evidence = []string{fmt.Sprintf("%d risks and opportunities", risks), fmt.Sprintf("%d objectives", objectives)}
		y, m, d := interval("")
		stale := c.Latest != "" && due(c.Latest, "") < today
		switch {
		case risks == 0 && objectives == 0:
			c.Reason = "no risk records and no objectives in sms.cue"
		case risks == 0:
			c.Status, c.Reason = Partial, "objectives but no risk records"
		case objectives == 0:
			c.Status, c.Reason = Partial, "risks but no objectives in sms.cue"
		case stale:
			c.Status, c.Reason = Partial, fmt.Sprintf("no risk reviewed in the last %d months", y*12+m+d/30)
		default:
			c.Status, c.Reason = Met, fmt.Sprintf("risks reviewed up to %s; %d objectives", c.Latest, objectives)
		}
		add(c, s.of("risk"))
	}
	// 7.5 documented information
	{
		c := Clause{Clause: "7.5", Title: "Documented information under control", Kinds: []string{"every record"}}
		switch {
		case history == nil:
			c.Reason = "no Git history was read"
		default:
			attested := 0
			for _, cc := range history.Commits {
				if cc.Evidence != "" {
					attested++
				}
				if d := cc.When.UTC().Format(time.DateOnly); d > c.Latest {
					c.Latest = d
				}
			}
			c.Evidence = []string{fmt.Sprintf("%d commits changed records", len(history.Commits)), fmt.Sprintf("%d with approval evidence", attested)}
			if len(history.Checkpoints) > 0 {
				c.Evidence = append(c.Evidence, fmt.Sprintf("%d checkpoints", len(history.Checkpoints)))
			}
			if n := len(history.Findings); n > 0 {
				c.Status, c.Reason = Partial, fmt.Sprintf("audit verify has %d findings on the history's controls", n)
			} else {
				c.Status, c.Reason = Met, "every record change came through an approved pull request (audit verify)"
			}
		}
		add(c)
	}
	// 8.2.4 service catalogue
	{
		c := Clause{Clause: "8.2.4", Title: "Service catalogue", Kinds: []string{"service"}}
		live := count("service", func(r *records.Record) bool { return s.str(r, "status") == "live" })
		c.Evidence = []string{fmt.Sprintf("%d services, %d live", len(s.of("service")), len(live))}
		if len(live) > 0 {
			c.Status, c.Reason = Met, fmt.Sprintf("%d live services described with owners", len(live))
		} else {
			c.Reason = "no live service in the catalogue"
		}
		add(c, s.of("service"))
	}
	// 8.2.5, 8.2.6 CIs
	{
		c := Clause{Clause: "8.2.5, 8.2.6", Title: "Assets and configuration items", Kinds: []string{"ci"}}
		c.Evidence = []string{fmt.Sprintf("%d configuration items", len(s.of("ci")))}
		if len(s.of("ci")) > 0 {
			c.Status, c.Reason = Met, fmt.Sprintf("%d configuration items recorded", len(s.of("ci")))
		} else {
			c.Reason = "no configuration item recorded"
		}
		add(c, s.of("ci"))
	}
	agreements := func(t string) []*records.Record {
		return count("agreement", func(r *records.Record) bool { return s.str(r, "type") == t })
	}
	tickets := len(s.of("incident")) + len(s.of("request"))
	ticketLatest := max(latest("incident", "resolved", "closed", "opened"), latest("request", "fulfilled", "closed", "opened"))
	// 8.3.3 SLAs
	{
		c := Clause{Clause: "8.3.3", Title: "Service level management", Kinds: []string{"agreement (SLA)", "incident", "request"}}
		slas := agreements("SLA")
		c.Latest = ticketLatest
		c.Evidence = []string{fmt.Sprintf("%d SLAs", len(slas)), fmt.Sprintf("%d incidents and requests measured against them", tickets)}
		switch {
		case len(slas) == 0:
			c.Reason = "no SLA recorded"
		case tickets == 0:
			c.Status, c.Reason = Partial, "SLAs, but no incident or request to measure them by"
		default:
			c.Status, c.Reason = Met, fmt.Sprintf("%d SLAs with targets, measured on %d tickets", len(slas), tickets)
		}
		add(c, slas)
	}
	// 8.3.4 suppliers
	{
		c := Clause{Clause: "8.3.4", Title: "Supplier management; UCs and OLAs", Kinds: []string{"supplier", "agreement (UC, OLA)"}}
		support := append(agreements("UC"), agreements("OLA")...)
		c.Evidence = []string{fmt.Sprintf("%d suppliers", len(s.of("supplier"))), fmt.Sprintf("%d UCs and OLAs", len(support))}
		switch {
		case len(s.of("supplier")) == 0 && len(support) == 0:
			c.Reason = "no supplier and no UC or OLA recorded"
		case len(s.of("supplier")) == 0 || len(support) == 0:
			c.Status, c.Reason = Partial, "suppliers without UCs or OLAs, or the reverse"
		default:
			c.Status, c.Reason = Met, fmt.Sprintf("%d suppliers; %d UCs and OLAs underpin the SLAs", len(s.of("supplier")), len(support))
		}
		add(c, s.of("supplier"), support)
	}
	// 8.5.1, 8.5.3, 8.6.1, 8.6.2, 8.6.3: records of the process, fresh
	// within a year.
	process := func(clause, title, kind, plural string, dates ...string) {
		c := Clause{Clause: clause, Title: title, Kinds: []string{kind}}
		c.Latest = latest(kind, dates...)
		n := len(s.of(kind))
		c.Evidence = []string{fmt.Sprintf("%d %s", n, plural)}
		switch {
		case n == 0:
			c.Reason = "no " + kind + " recorded: the process has no evidence"
		case c.Latest == "" || due(c.Latest, "") < today:
			c.Status, c.Reason = Partial, fmt.Sprintf("%d %s, none in the last 12 months", n, plural)
		default:
			c.Status, c.Reason = Met, fmt.Sprintf("%d %s, the latest %s", n, plural, c.Latest)
		}
		add(c, s.of(kind))
	}
	process("8.5.1", "Change management", "change", "changes", "raised", "actual.end", "pir.date")
	process("8.5.3", "Release and deployment management", "release", "releases", "deployed_at", "planned_date")
	process("8.6.1", "Incident management", "incident", "incidents", "opened", "resolved", "closed")
	process("8.6.2", "Service request management", "request", "requests", "opened", "fulfilled", "closed")
	process("8.6.3", "Problem management", "problem", "problems", "opened", "resolved")
	// 8.7.1, 8.7.2 continuity
	{
		c := Clause{Clause: "8.7.1, 8.7.2", Title: "Service availability and continuity", Kinds: []string{"continuity", "service"}}
		every := smsStr("intervals", "continuity_test")
		var untested []string
		for _, r := range s.of("continuity") {
			last := ""
			tests, _ := s.data[r]["tests"].([]any)
			for _, t := range tests {
				if tm, ok := t.(map[string]any); ok {
					if d, _ := tm["date"].(string); day(d) > last && day(d) <= today {
						last = day(d)
					}
				}
			}
			if last > c.Latest {
				c.Latest = last
			}
			if last == "" || due(last, every) < today {
				untested = append(untested, r.ID)
			}
		}
		withTarget := count("service", func(r *records.Record) bool { _, ok := s.data[r]["availability_target"]; return ok })
		c.Evidence = []string{fmt.Sprintf("%d continuity plans", len(s.of("continuity"))), fmt.Sprintf("%d services with availability targets", len(withTarget))}
		switch {
		case len(s.of("continuity")) == 0:
			c.Reason = "no continuity plan recorded"
		case len(untested) > 0:
			c.Status, c.Reason = Partial, "plans not tested within the interval: "+strings.Join(untested, ", ")
		default:
			c.Status, c.Reason = Met, fmt.Sprintf("every plan tested within the interval, the latest test %s", c.Latest)
		}
		add(c, s.of("continuity"))
	}
	// 8.7.3 information security
	{
		c := Clause{Clause: "8.7.3", Title: "Information security management", Kinds: []string{"risk (security)", "incident (security)"}}
		secRisks := count("risk", func(r *records.Record) bool { b, _ := s.data[r]["security"].(bool); return b })
		secIncidents := count("incident", func(r *records.Record) bool { b, _ := s.data[r]["security"].(bool); return b })
		c.Latest = latest("risk", "reviewed_on")
		c.Evidence = []string{fmt.Sprintf("%d security risks", len(secRisks)), fmt.Sprintf("%d security incidents", len(secIncidents))}
		switch {
		case len(secRisks) == 0 && len(secIncidents) == 0:
			c.Reason = "no information security risk or incident recorded"
		case len(secRisks) == 0:
			c.Status, c.Reason = Partial, "security incidents, but no information security risk assessed"
		default:
			c.Status, c.Reason = Met, fmt.Sprintf("%d information security risks assessed", len(secRisks))
		}
		add(c, secRisks, secIncidents)
	}
	// 9.1, 9.4 monitoring and reporting
	{
		c := Clause{Clause: "9.1, 9.4", Title: "Monitoring, measurement and service reporting", Kinds: []string{"agreement", "incident", "request"}}
		c.Latest = ticketLatest
		c.Evidence = []string{fmt.Sprintf("%d tickets measured by smsctl report sla", tickets)}
		switch {
		case len(agreements("SLA")) == 0 || tickets == 0:
			c.Reason = "nothing to measure: no SLA or no ticket"
		case ticketLatest < now.UTC().AddDate(0, -3, 0).Format(time.DateOnly):
			c.Status, c.Reason = Partial, "no ticket in the last three months: the latest reports measure nothing"
		default:
			c.Status, c.Reason = Met, "SLA attainment is measured from the tickets (smsctl report sla)"
		}
		add(c)
	}
	// 9.2, 9.3 at planned intervals
	periodic := func(clause, title, kind, field, intervalKey, what string) {
		c := Clause{Clause: clause, Title: title, Kinds: []string{kind}}
		every := smsStr("intervals", intervalKey)
		c.Latest = latest(kind, field)
		c.Evidence = []string{fmt.Sprintf("%d %s", len(s.of(kind)), what)}
		switch {
		case c.Latest == "" && len(s.of(kind)) == 0:
			c.Reason = fmt.Sprintf("no %s recorded", strings.TrimSuffix(what, "s"))
		case c.Latest == "":
			c.Status, c.Reason = Partial, fmt.Sprintf("%s planned, none held yet", what)
		case due(c.Latest, every) < today:
			c.Status, c.Reason = Partial, fmt.Sprintf("the last was %s: overdue since %s", c.Latest, due(c.Latest, every))
		default:
			c.Status, c.Reason = Met, fmt.Sprintf("the last was %s, the next due by %s", c.Latest, due(c.Latest, every))
		}
		add(c, s.of(kind))
	}
	periodic("9.2", "Internal audit", "audit", "conducted", "internal_audit", "internal audits")
	periodic("9.3", "Management review", "review", "date", "management_review", "management reviews")
	// 10.1 nonconformity
	{
		c := Clause{Clause: "10.1", Title: "Nonconformity and corrective action", Kinds: []string{"nonconformity"}}
		c.Latest = latest("nonconformity", "raised", "effectiveness.checked")
		var noAction []string
		for _, r := range s.of("nonconformity") {
			if a, _ := s.data[r]["corrective_actions"].([]any); len(a) == 0 && s.str(r, "status") != "open" {
				noAction = append(noAction, r.ID)
			}
		}
		c.Evidence = []string{fmt.Sprintf("%d nonconformities", len(s.of("nonconformity")))}
		switch {
		case len(s.of("nonconformity")) == 0:
			c.Reason = "no nonconformity recorded: the process has no evidence"
		case len(noAction) > 0:
			c.Status, c.Reason = Partial, "past open, without corrective actions: "+strings.Join(noAction, ", ")
		default:
			c.Status, c.Reason = Met, "nonconformities have corrective actions"
		}
		add(c, s.of("nonconformity"))
	}
	// 10.2 improvement
	{
		c := Clause{Clause: "10.2", Title: "Continual improvement", Kinds: []string{"improvement"}}
		c.Latest = latest("improvement", "raised", "completed")
		n := len(s.of("improvement"))
		c.Evidence = []string{fmt.Sprintf("%d improvements", n)}
		switch {
		case n == 0:
			c.Reason = "no improvement recorded"
		case due(c.Latest, "") < today:
			c.Status, c.Reason = Partial, "no improvement in the last 12 months"
		default:
			c.Status, c.Reason = Met, fmt.Sprintf("%d improvements, the latest %s", n, c.Latest)
		}
		add(c, s.of("improvement"))
	}
	return rep
}
