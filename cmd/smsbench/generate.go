package main

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"cuelang.org/go/cue/format"

	"github.com/smsctl/smsctl/internal/records"
	"github.com/smsctl/smsctl/internal/scaffold"
)

// defaultSeed seeds the generator unless --seed says otherwise, so that
// every run of a scenario measures the same repository.
const defaultSeed = 20000

// genNowText is the moment the generated data is built around: its changes
// are raised before it, its audit, review, policy, SLAs and freezes are
// current at it, and the built-in policies find nothing when they take it as
// now. smsbench runs smsctl with SMSCTL_NOW set to it.
const genNowText = "2026-11-23T10:00:00Z"

// genNow is genNowText as a time.
var genNow = mustTime(genNowText)

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// The generated SMS's catalogue. Every ID a change names comes from here.
var (
	genRoles = []struct {
		id, name, description string
		authorities           []string
	}{
		{"change-manager", "Change manager", "Runs change management and approves standard and normal changes.", []string{"approve-standard-change", "approve-normal-change"}},
		{"cab-member", "CAB member", "Advises on normal changes of high risk as a member of the change advisory board.", []string{"cab-member"}},
		{"sms-manager", "SMS manager", "Operates the SMS day to day and approves releases.", []string{"approve-release", "close-problem", "declare-major-incident"}},
		{"engineer", "Engineer", "Builds, changes and operates the services and their CIs.", nil},
	}
	// genPeople are the people and teams besides the scaffold's owner
	// (genOwner, top management). Roles must exist in genRoles or be
	// top-management.
	genPeople = []struct {
		id, name, kind string
		roles          []string
	}{
		{"mgr-2", "Priya Natarajan", "person", []string{"top-management", "change-manager"}},
		{"chm-1", "Tomasz Wojcik", "person", []string{"change-manager", "cab-member", "sms-manager"}},
		{"cab-1", "Grace Okafor", "person", []string{"cab-member"}},
		{"cab-2", "Lukas Brandt", "person", []string{"cab-member", "engineer"}},
		{"eng-1", "Aisha Rahman", "person", []string{"engineer"}},
		{"eng-2", "Diego Fernandez", "person", []string{"engineer"}},
		{"eng-3", "Mei Lin", "person", []string{"engineer"}},
		{"eng-4", "Oliver Hughes", "person", []string{"engineer"}},
		{"ops-team", "Operations team", "team", []string{"engineer"}},
	}
	// genServices are the services; all are live but the last, which is in
	// the pipeline. deps index other services it depends on; suppliers are
	// IDs from genSuppliers.
	genServices = []struct {
		id, name, description string
		deps                  []int
		suppliers             []string
	}{
		{"web-hosting", "Web hosting", "Hosting of the public web sites and their content delivery.", nil, []string{"cloud-provider"}},
		{"email", "Email", "Corporate email, calendars and mail filtering.", []int{4}, []string{"mail-provider"}},
		{"payroll", "Payroll", "Monthly payroll run and payslips for all staff.", []int{4}, []string{"payroll-provider"}},
		{"crm", "Customer relationship management", "Sales pipeline, customer accounts and case history.", []int{4}, nil},
		{"identity", "Identity and access", "Single sign-on, directory and multi-factor authentication.", nil, nil},
		{"backup", "Backup and restore", "Nightly backup of production data and restore on request.", nil, []string{"cloud-provider"}},
		{"service-desk", "Service desk", "Single point of contact for incidents and service requests.", []int{1, 4}, []string{"desk-provider"}},
		{"data-warehouse", "Data warehouse", "Reporting and analytics over the operational databases.", []int{5}, []string{"cloud-provider"}},
		{"vpn", "Remote access VPN", "Secure remote access to internal services.", []int{4}, []string{"network-carrier"}},
		{"file-sharing", "File sharing", "Shared drives and document collaboration.", []int{4}, nil},
	}
	// genCIs name the services they support by index into genServices.
	genCIs = []struct {
		id, name, typ string
		services      []int
		supplier      string
	}{
		{"web-01", "Web server 1", "server", []int{0}, ""},
		{"web-02", "Web server 2", "server", []int{0}, ""},
		{"lb-01", "Load balancer", "network", []int{0, 3}, ""},
		{"db-01", "Primary database", "database", []int{2, 3, 7}, ""},
		{"db-02", "Replica database", "database", []int{3, 7}, ""},
		{"k8s-prod", "Production cluster", "cluster", []int{0, 3, 6}, "cloud-provider"},
		{"san-01", "Storage array", "storage", []int{5, 9}, ""},
		{"crm-app", "CRM application", "application", []int{3}, ""},
		{"payroll-saas", "Payroll SaaS", "saas", []int{2}, "payroll-provider"},
		{"mail-gw", "Mail gateway", "application", []int{1}, ""},
		{"mail-saas", "Mail platform", "saas", []int{1}, "mail-provider"},
		{"vpn-gw", "VPN gateway", "network", []int{8}, "network-carrier"},
		{"idp", "Identity provider", "application", []int{4, 8}, ""},
		{"backup-01", "Backup server", "server", []int{5}, ""},
		{"dwh", "Warehouse database", "database", []int{7}, "cloud-provider"},
		{"tls-wildcard", "Wildcard TLS certificate", "certificate", []int{0, 1, 8}, ""},
		{"office-licence", "Office suite licence", "licence", []int{1, 9}, ""},
		{"desk-tool", "Service desk tool", "saas", []int{6}, "desk-provider"},
		{"fw-01", "Perimeter firewall", "network", []int{0, 8}, ""},
		{"dr-runbook", "Disaster recovery runbook", "document", []int{5}, ""},
	}
)

const (
	genOwner     = "mgr-1"
	genOwnerName = "Morgan Hale"
)

// generate writes into dir (new or empty) a valid SMS repository with n
// change records raised between 2025 and a month before genNow, and the
// people, roles, services, CIs, suppliers, agreements, audits and reviews
// they need to pass the built-in policies at genNow. The same seed gives the
// same files.
func generate(dir string, n int, seed uint64) error {
	files, err := generateFiles(n, seed)
	if err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("%s is not empty (it has %s); smsbench generates only into a new or empty directory", dir, entries[0].Name())
	}
	return scaffold.WriteFiles(dir, files)
}

// generateFiles is generate without the writing: path -> content.
func generateFiles(n int, seed uint64) (map[string][]byte, error) {
	if n < 0 {
		return nil, fmt.Errorf("negative number of changes: %d", n)
	}
	files, err := scaffold.EmptyFiles(scaffold.InitOptions{
		Module:       "sms.example/benchmark",
		Organisation: genOrganisation,
		OwnerID:      genOwner,
		OwnerName:    genOwnerName,
		OwnerEmail:   genOwner + "@benchmark.example",
		Today:        genPolicyApproved,
		TimeZone:     "UTC",
	})
	if err != nil {
		return nil, err
	}
	g := &generator{
		rng:   rand.New(rand.NewPCG(seed, seed^0x5eed5eed5eed5eed)),
		files: files,
	}
	for _, step := range []func() error{g.sms, g.roles, g.people, g.suppliers, g.services, g.cis, g.agreements, g.assurance} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	if err := g.changes(n); err != nil {
		return nil, err
	}
	return g.files, nil
}

type generator struct {
	rng   *rand.Rand
	files map[string][]byte
	// availability is each service's availability target in percent, by
	// index into genServices.
	availability []float64
}

// add formats the record of a kind and ID whose fields are body, and files
// it at the path the kind and ID name.
func (g *generator) add(kindName, id string, body *obj) error {
	k, ok := records.LookupKind(kindName)
	if !ok {
		return fmt.Errorf("no record kind %q", kindName)
	}
	if !k.ValidID(id) {
		return fmt.Errorf("invalid %s ID %q", kindName, id)
	}
	p := k.PathFor(id)
	if _, dup := g.files[p]; dup {
		return fmt.Errorf("%s %s: %s generated twice", kindName, id, p)
	}
	src, err := formatRecord(fmt.Sprintf("%s: %s: ", k.Field, strconv.Quote(id)), body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", kindName, id, err)
	}
	g.files[p] = src
	return nil
}

// formatRecord lays out the file of one record: package clause, then the
// record's path (prefix) and body.
func formatRecord(prefix string, body *obj) ([]byte, error) {
	var b strings.Builder
	b.WriteString("package sms\n\n")
	b.WriteString(prefix)
	body.write(&b)
	b.WriteByte('\n')
	src, err := format.Source([]byte(b.String()))
	if err != nil {
		return nil, fmt.Errorf("generated CUE does not parse: %w\n%s", err, b.String())
	}
	return src, nil
}

func (g *generator) roles() error {
	for _, r := range genRoles {
		o := (&obj{}).str("name", r.name).str("description", r.description)
		if len(r.authorities) > 0 {
			o.strs("authorities", r.authorities)
		}
		if err := g.add("role", r.id, o); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) people() error {
	for i, p := range genPeople {
		o := (&obj{}).str("name", p.name).str("type", p.kind).strs("roles", p.roles)
		email := p.id + "@benchmark.example"
		o.str("email", email)
		if p.kind == "team" {
			var members []string
			for _, q := range genPeople {
				if strings.HasPrefix(q.id, "eng-") {
					members = append(members, q.id)
				}
			}
			o.strs("members", members)
		} else {
			o.strs("git_emails", []string{email})
			o.str("github", "bench-"+p.id)
			if i%3 == 0 {
				o.strs("competences", []string{"ITIL 4 Foundation", "ISO/IEC 20000 Foundation"}[:1+i%2])
			}
		}
		o.raw("active", "true")
		if err := g.add("person", p.id, o); err != nil {
			return err
		}
	}
	return nil
}

// managers are the people who may own services and CIs.
var managers = []string{genOwner, "mgr-2", "chm-1"}

func (g *generator) services() error {
	criticality := []string{"critical", "high", "medium", "low"}
	g.availability = make([]float64, len(genServices))
	for i, s := range genServices {
		o := (&obj{}).str("name", s.name).str("description", s.description).
			str("owner", managers[i%len(managers)])
		status := "live"
		if i == len(genServices)-1 {
			status = "pipeline"
		}
		o.str("status", status).str("criticality", criticality[g.rng.IntN(len(criticality))])
		if custs := customersOf(i); len(custs) > 0 {
			o.strs("customers", custs)
		}
		dep := &obj{}
		if len(s.deps) > 0 {
			var ids []string
			for _, d := range s.deps {
				ids = append(ids, genServices[d].id)
			}
			dep.strs("services", ids)
		}
		if cis := cisOf(i); len(cis) > 0 {
			dep.strs("cis", cis)
		}
		if len(s.suppliers) > 0 {
			dep.strs("suppliers", s.suppliers)
		}
		if len(dep.fields) > 0 {
			o.obj("depends_on", dep)
		}
		o.str("support_team", "ops-team")
		target := []string{"99.9", "99.5", "99", "99.95"}[g.rng.IntN(4)]
		g.availability[i], _ = strconv.ParseFloat(target, 64)
		o.raw("availability_target", target)
		o.str("calendar", []string{"business-hours", "24x7"}[i%2])
		if err := g.add("service", s.id, o); err != nil {
			return err
		}
	}
	return nil
}

// cisOf lists the IDs of the CIs that support service i.
func cisOf(i int) []string {
	var out []string
	for _, c := range genCIs {
		if slices.Contains(c.services, i) {
			out = append(out, c.id)
		}
	}
	return out
}

func (g *generator) cis() error {
	relTypes := []string{"depends-on", "runs-on", "connects-to", "part-of", "backs-up"}
	for i, c := range genCIs {
		o := (&obj{}).str("name", c.name).str("type", c.typ).str("owner", managers[g.rng.IntN(len(managers))])
		status := "active"
		if g.rng.IntN(10) == 0 {
			status = "maintenance"
		}
		o.str("status", status)
		var svcs []string
		for _, s := range c.services {
			svcs = append(svcs, genServices[s].id)
		}
		o.strs("services", svcs)
		if i > 0 && g.rng.IntN(2) == 0 {
			rel := (&obj{}).str("type", relTypes[g.rng.IntN(len(relTypes))]).str("target", genCIs[g.rng.IntN(i)].id)
			o.objs("relationships", []*obj{rel})
		}
		if c.supplier != "" {
			o.str("supplier", c.supplier)
		}
		o.str("location", []string{"London DC1", "Dublin DC2", "eu-west-1"}[g.rng.IntN(3)])
		o.str("version", fmt.Sprintf("%d.%d.%d", 1+g.rng.IntN(9), g.rng.IntN(20), g.rng.IntN(10)))
		if c.typ == "server" || c.typ == "storage" || c.typ == "network" {
			acquired := time.Date(2021+g.rng.IntN(4), time.Month(1+g.rng.IntN(12)), 1+g.rng.IntN(28), 0, 0, 0, 0, time.UTC)
			o.obj("asset", (&obj{}).str("tag", fmt.Sprintf("AT-%05d", 10000+g.rng.IntN(90000))).
				str("acquired", date(acquired)).str("support_end", date(acquired.AddDate(5, 0, 0))))
		}
		if err := g.add("ci", c.id, o); err != nil {
			return err
		}
	}
	return nil
}

// change statuses with their weights.
var changeStatuses = []struct {
	status string
	weight int
}{
	{"closed", 30}, {"implemented", 18}, {"reviewed", 10}, {"scheduled", 8}, {"approved", 6},
	{"submitted", 8}, {"draft", 5}, {"rejected", 5}, {"cancelled", 5}, {"failed", 5},
}

var changeActions = []string{
	"Patch %s", "Upgrade %s", "Resize %s", "Apply security fixes to %s", "Change the configuration of %s",
	"Rotate credentials on %s", "Migrate %s to new hardware", "Enable monitoring on %s", "Tune the performance of %s",
}

var changeReasons = []string{
	"Vendor security advisory rated critical.",
	"Capacity forecast shows the limit is reached within three months.",
	"Recurring incidents trace back to this component.",
	"The current version leaves vendor support at the end of the quarter.",
	"Requested by the service owner to meet a new customer requirement.",
	"Audit finding: configuration does not match the documented baseline.",
	"Reduce operating cost by consolidating underused capacity.",
}

var (
	approvers = map[string][]string{ // role -> people who hold it
		"change-manager": {"chm-1", "mgr-2"},
		"cab-member":     {"chm-1", "cab-1", "cab-2"},
		"top-management": {genOwner, "mgr-2"},
	}
	requesters   = []string{"eng-1", "eng-2", "eng-3", "eng-4", "cab-2", "chm-1", "mgr-2"}
	implementers = []string{"eng-1", "eng-2", "eng-3", "eng-4", "ops-team"}
)

// changesUntil is when the last change may be raised: a month before
// genNow, so that every window, approval and review of a change is over by
// then.
var changesUntil = genNow.AddDate(0, 0, -30)

func (g *generator) changes(n int) error {
	kind, ok := records.LookupKind("change")
	if !ok {
		return fmt.Errorf("no change kind")
	}
	// Raise n changes at random working hours from 2025 to changesUntil,
	// then number them per year in the order they were raised.
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	days := int(changesUntil.Sub(start).Hours() / 24)
	raised := make([]time.Time, n)
	for i := range raised {
		raised[i] = start.AddDate(0, 0, g.rng.IntN(days)).
			Add(time.Duration(8+g.rng.IntN(10))*time.Hour + time.Duration(g.rng.IntN(12)*5)*time.Minute)
	}
	slices.SortFunc(raised, func(a, b time.Time) int { return a.Compare(b) })
	seq := map[int]int{}
	for i, t := range raised {
		seq[t.Year()]++
		id := kind.FormatID(t.Year(), seq[t.Year()])
		if err := g.add(kind.Name, id, g.change(i, t)); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) pick(list []string) string { return list[g.rng.IntN(len(list))] }

// pickExcept picks from list someone who is none of not: an approver who
// neither requested nor implements the change.
func (g *generator) pickExcept(list []string, not ...string) string {
	return g.pick(except(list, not...))
}

func except(list []string, not ...string) []string {
	var out []string
	for _, s := range list {
		if !slices.Contains(not, s) {
			out = append(out, s)
		}
	}
	return out
}

func (g *generator) level(weights [3]int) string {
	r := g.rng.IntN(weights[0] + weights[1] + weights[2])
	switch {
	case r < weights[0]:
		return "high"
	case r < weights[0]+weights[1]:
		return "medium"
	}
	return "low"
}

// change builds the i-th change (in order raised), raised at t. It passes
// the change rules of the built-in policies: standard changes name a
// template, no approver is the requester or implementer, high-risk normal
// changes have CAB approval and a tested backout plan, emergency changes
// that were carried out have a retrospective approval and a timely review,
// and no standard or normal change is planned in a freeze.
func (g *generator) change(i int, t time.Time) *obj {
	typ := "normal"
	switch r := g.rng.IntN(10); {
	case r < 3:
		typ = "standard"
	case r == 9:
		typ = "emergency"
	}
	total := 0
	for _, s := range changeStatuses {
		total += s.weight
	}
	status := ""
	r := g.rng.IntN(total)
	for _, s := range changeStatuses {
		if r < s.weight {
			status = s.status
			break
		}
		r -= s.weight
	}
	// Where the change has got to in its lifecycle. An emergency change
	// that was carried out is reviewed whatever its status.
	decided := !slices.Contains([]string{"draft", "submitted", "cancelled"}, status)
	approved := decided && status != "rejected"
	planned := approved
	done := slices.Contains([]string{"implemented", "reviewed", "closed", "failed"}, status)
	reviewed := slices.Contains([]string{"reviewed", "closed", "failed"}, status) || (typ == "emergency" && done)

	svcIdx := []int{g.rng.IntN(len(genServices))}
	if g.rng.IntN(5) == 0 {
		if j := g.rng.IntN(len(genServices)); j != svcIdx[0] {
			svcIdx = append(svcIdx, j)
		}
	}
	var services, candidates []string
	for _, s := range svcIdx {
		services = append(services, genServices[s].id)
		for _, c := range cisOf(s) {
			if !slices.Contains(candidates, c) {
				candidates = append(candidates, c)
			}
		}
	}
	var cis []string
	for range g.rng.IntN(min(3, len(candidates)) + 1) {
		if c := g.pick(candidates); !slices.Contains(cis, c) {
			cis = append(cis, c)
		}
	}
	subject := genServices[svcIdx[0]].name
	if len(cis) > 0 {
		subject = cis[0]
	}

	risk := g.level([3]int{1, 3, 6})
	impact := g.level([3]int{2, 4, 4})
	urgency := g.level([3]int{2, 5, 3})
	switch typ {
	case "standard":
		risk = "low"
	case "emergency":
		urgency = "high"
	}

	o := &obj{}
	if typ == "standard" {
		tmpl := genStandardChanges[g.rng.IntN(len(genStandardChanges))]
		o.str("title", fmt.Sprintf(tmpl.action, subject)).str("type", typ).str("template", tmpl.id)
	} else {
		o.str("title", fmt.Sprintf(g.pick(changeActions), subject)).str("type", typ)
	}
	requester := g.pick(requesters)
	o.str("status", status).str("requester", requester)
	implementer := ""
	if done || status == "scheduled" {
		implementer = g.pick(implementers)
		o.str("implementer", implementer)
	}
	o.str("raised", stamp(t)).
		str("reason", g.pick(changeReasons))
	if g.rng.IntN(2) == 0 {
		o.str("description", fmt.Sprintf("Work on %s affecting %s; see the linked plans for the steps.", subject, strings.Join(services, " and ")))
	}
	o.str("risk", risk).str("impact", impact).str("urgency", urgency).
		strs("services", services)
	if len(cis) > 0 {
		o.strs("cis", cis)
	}

	// Decisions, then the planned and actual windows that follow them.
	decisionAt := t.Add(time.Duration(1+g.rng.IntN(72)) * time.Hour)
	if typ == "emergency" {
		decisionAt = t.Add(time.Duration(10+g.rng.IntN(50)) * time.Minute)
	}
	var plannedStart, actualEnd time.Time
	if typ != "standard" && planned {
		// A high-risk normal change has its backout rehearsed.
		mustTest := typ == "normal" && risk == "high"
		plan := func(what string, mustTest bool) *obj {
			p := (&obj{}).str("description", fmt.Sprintf(what, subject))
			if g.rng.IntN(3) > 0 || mustTest {
				p.raw("tested", "true").str("tested_on", date(t.AddDate(0, 0, g.rng.IntN(2))))
			}
			return p
		}
		o.obj("implementation_plan", plan("Follow the runbook for %s step by step, verifying health checks after each step.", false))
		o.obj("backout_plan", plan("Restore %s from the pre-change snapshot and re-run the health checks.", mustTest))
		if g.rng.IntN(2) == 0 {
			o.obj("test_plan", plan("Run the smoke tests of %s and compare monitoring against the baseline.", false))
		}
	}
	if planned {
		plannedStart = decisionAt.Add(time.Duration(2+g.rng.IntN(24*10)) * time.Hour).Truncate(time.Hour)
		if typ == "emergency" {
			plannedStart = decisionAt.Add(30 * time.Minute).Truncate(5 * time.Minute)
		}
		plannedEnd := plannedStart.Add(time.Duration(1+g.rng.IntN(4)) * time.Hour)
		if typ != "emergency" {
			plannedStart, plannedEnd = clearOfFreezes(plannedStart, plannedEnd, services)
		}
		o.obj("planned", (&obj{}).str("start", stamp(plannedStart)).str("end", stamp(plannedEnd)))
		if done {
			actualStart := plannedStart.Add(time.Duration(g.rng.IntN(4)*5) * time.Minute)
			actualEnd = actualStart.Add(time.Duration(20+g.rng.IntN(200)) * time.Minute)
			o.obj("actual", (&obj{}).str("start", stamp(actualStart)).str("end", stamp(actualEnd)))
		}
	}
	if decided {
		var approvals []*obj
		decision := "approved"
		if status == "rejected" {
			decision = "rejected"
		}
		approval := func(role string, at time.Time) *obj {
			by := g.pickExcept(approvers[role], requester, implementer)
			return (&obj{}).str("by", by).str("role", role).str("at", stamp(at)).str("decision", decision)
		}
		switch typ {
		case "emergency":
			approvals = append(approvals, approval("top-management", decisionAt))
			if done {
				// Top management grants approve-emergency-change.
				at := actualEnd.Add(time.Duration(1+g.rng.IntN(24)) * time.Hour)
				approvals = append(approvals, approval("top-management", at).raw("retrospective", "true"))
			}
		case "normal":
			if risk == "high" {
				// Two different members of the CAB advise first.
				cab := except(approvers["cab-member"], requester, implementer)
				perm := g.rng.Perm(len(cab))
				for k := range 2 {
					at := decisionAt.Add(-time.Duration(2-k) * 20 * time.Minute)
					approvals = append(approvals, (&obj{}).str("by", cab[perm[k]]).str("role", "cab-member").
						str("at", stamp(at)).str("decision", decision))
				}
			}
			approvals = append(approvals, approval("change-manager", decisionAt))
		default:
			approvals = append(approvals, approval("change-manager", decisionAt))
		}
		if status == "rejected" {
			approvals[len(approvals)-1].str("comment", "Risk outweighs the benefit; resubmit with a tested backout plan.")
		}
		o.objs("approvals", approvals)
	}
	if reviewed {
		summary := "Completed within the window with no incidents."
		if status == "failed" {
			summary = "Rolled back after health checks failed; a follow-up change is planned."
		}
		// Emergency changes are reviewed within emergencyReviewWithin.
		pirDate := actualEnd.AddDate(0, 0, 2+g.rng.IntN(6))
		if typ == "emergency" {
			pirDate = actualEnd.AddDate(0, 0, 1+g.rng.IntN(emergencyReviewDays-1))
		}
		o.obj("pir", (&obj{}).
			str("date", date(pirDate)).
			str("by", g.pick(approvers["change-manager"])).
			raw("successful", strconv.FormatBool(status != "failed")).
			str("summary", summary))
	}
	if done && g.rng.IntN(2) == 0 {
		o.raw("pull_request", strconv.Itoa(100+i))
		o.str("merge_commit", fmt.Sprintf("%016x%016x%08x", g.rng.Uint64(), g.rng.Uint64(), g.rng.Uint32()))
	}
	return o
}

// clearOfFreezes moves a planned window of a change to the services given
// past every freeze window that applies to it, keeping its length.
func clearOfFreezes(start, end time.Time, services []string) (time.Time, time.Time) {
	for moved := true; moved; {
		moved = false
		for _, f := range genFreezes {
			applies := len(f.services) == 0 || slices.ContainsFunc(f.services, func(s string) bool { return slices.Contains(services, s) })
			if applies && start.Before(f.end) && f.start.Before(end) {
				start, end = f.end, f.end.Add(end.Sub(start))
				moved = true
			}
		}
	}
	return start, end
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
func date(t time.Time) string  { return t.UTC().Format(time.DateOnly) }

// obj is a CUE struct built field by field, in order; format.Source lays it
// out.
type obj struct {
	fields []objField
}

type objField struct {
	name  string
	value string // CUE source
}

func (o *obj) raw(name, value string) *obj {
	o.fields = append(o.fields, objField{name, value})
	return o
}

func (o *obj) str(name, s string) *obj { return o.raw(name, strconv.Quote(s)) }

func (o *obj) strs(name string, list []string) *obj {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = strconv.Quote(s)
	}
	return o.raw(name, "["+strings.Join(q, ", ")+"]")
}

func (o *obj) obj(name string, v *obj) *obj {
	var b strings.Builder
	v.write(&b)
	return o.raw(name, b.String())
}

// objs writes a list of structs, each on one line.
func (o *obj) objs(name string, list []*obj) *obj {
	var b strings.Builder
	b.WriteString("[")
	for i, v := range list {
		if i > 0 {
			b.WriteString(", ")
		}
		v.inline(&b)
	}
	b.WriteString("]")
	return o.raw(name, b.String())
}

func (o *obj) write(b *strings.Builder) {
	b.WriteString("{\n")
	for _, f := range o.fields {
		fmt.Fprintf(b, "%s: %s\n", label(f.name), f.value)
	}
	b.WriteString("}")
}

func (o *obj) inline(b *strings.Builder) {
	b.WriteString("{")
	for i, f := range o.fields {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(b, "%s: %s", label(f.name), f.value)
	}
	b.WriteString("}")
}

// inlineString is the struct on one line.
func (o *obj) inlineString() string {
	var b strings.Builder
	o.inline(&b)
	return b.String()
}

var identRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// label is a field name as CUE source: quoted unless it is an identifier.
func label(name string) string {
	if identRE.MatchString(name) {
		return name
	}
	return strconv.Quote(name)
}
