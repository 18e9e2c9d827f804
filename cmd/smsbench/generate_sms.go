package main

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"
)

// What the generated SMS's sms.cue, agreements, suppliers, audits and
// reviews hold: enough for the built-in policies to find nothing at genNow.

const genOrganisation = "Benchmark Ltd"

// genPolicyApproved is when the service management policy was last
// approved; it is next reviewed a year later, after genNow.
var genPolicyApproved = time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)

// emergencyReviewDays is change_management.emergency_review_within in days.
const emergencyReviewDays = 5

// genCustomers are the customers of sms.cue, each with an SLA per year
// (2025, expired at genNow, and 2026, in force) covering services by index
// into genServices. Every live service is covered.
var genCustomers = []struct {
	id, name, contact, calendar string
	services                    []int
}{
	{"retail", "Retail division", "retail-ops@benchmark.example", "24x7", []int{0, 3, 7}},
	{"finance", "Finance department", "finance-systems@benchmark.example", "business-hours", []int{2, 5, 7}},
	{"staff", "All staff", "it-liaison@benchmark.example", "business-hours", []int{1, 4, 5, 6, 8}},
}

// genSLAYears are the years of the SLAs: each runs for the calendar year.
var genSLAYears = []int{2025, 2026}

// customersOf lists the customers whose SLAs cover service i.
func customersOf(i int) []string {
	var out []string
	for _, c := range genCustomers {
		if slices.Contains(c.services, i) {
			out = append(out, c.id)
		}
	}
	return out
}

// genSuppliers are the external suppliers the services depend on.
var genSuppliers = []struct {
	id, name, provides string
}{
	{"cloud-provider", "Nimbus Cloud plc", "Public cloud hosting, storage and the production cluster in eu-west-1."},
	{"mail-provider", "Postbox Mail Services", "The hosted mail platform and its filtering."},
	{"payroll-provider", "PayRight Ltd", "The payroll application as a service."},
	{"desk-provider", "Helpline Software", "The service desk tool as a service."},
	{"network-carrier", "Northern Fibre", "Internet connectivity and the VPN concentrators' uplinks."},
}

// genStandardChanges are the approved standard-change templates; action
// makes a change's title from its subject.
var genStandardChanges = []struct {
	id, title, action, procedure string
}{
	{"os-patch", "Monthly operating system patching", "Apply the monthly OS patches to %s", "Patch one node at a time behind the load balancer; verify health checks before the next."},
	{"certificate-renewal", "Renewal of a TLS certificate", "Renew the TLS certificate of %s", "Issue the certificate from the approved CA, deploy it and check the chain and expiry."},
	{"credential-rotation", "Scheduled rotation of service credentials", "Rotate the service credentials of %s", "Generate new credentials in the vault, roll them out, then revoke the old ones."},
	{"capacity-resize", "Resize within the approved capacity limits", "Resize %s within the approved limits", "Change the size within the limits in the capacity plan; watch utilisation for an hour."},
	{"monitoring-change", "Add or tune monitoring checks", "Tune the monitoring of %s", "Change checks and thresholds in the monitoring repository; confirm alerts route correctly."},
}

// genFreezes are the change freeze windows of sms.cue; a freeze without
// services applies to every change.
var genFreezes = []struct {
	name, reason string
	start, end   time.Time
	services     []string
}{
	{"Peak trading 2025", "Black Friday and Cyber Monday sales.", time.Date(2025, 11, 27, 0, 0, 0, 0, time.UTC), time.Date(2025, 12, 3, 0, 0, 0, 0, time.UTC), []string{"web-hosting", "crm"}},
	{"Year-end freeze 2025", "Reduced staffing over the holidays.", time.Date(2025, 12, 19, 18, 0, 0, 0, time.UTC), time.Date(2026, 1, 5, 6, 0, 0, 0, time.UTC), nil},
	{"Financial year-end 2026", "Year-end payroll and reporting runs.", time.Date(2026, 3, 27, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 8, 0, 0, 0, 0, time.UTC), []string{"payroll", "data-warehouse"}},
	{"Peak trading 2026", "Black Friday and Cyber Monday sales.", time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC), []string{"web-hosting", "crm"}},
	{"Year-end freeze 2026", "Reduced staffing over the holidays.", time.Date(2026, 12, 18, 18, 0, 0, 0, time.UTC), time.Date(2027, 1, 4, 6, 0, 0, 0, time.UTC), nil},
}

// genPriorityMatrix is sms.cue's priority_matrix: impact, then urgency.
var genPriorityMatrix = [][2]string{
	{"high", `{high: "P1", medium: "P2", low: "P3"}`},
	{"medium", `{high: "P2", medium: "P3", low: "P4"}`},
	{"low", `{high: "P3", medium: "P4", low: "P5"}`},
}

// Response and resolution targets per priority: SLAs promise slaTargets;
// the OLA and UCs that underpin them commit to the stricter supportTargets
// (UCs for the first three priorities only).
var (
	priorities     = []string{"P1", "P2", "P3", "P4", "P5"}
	slaTargets     = [][2]string{{"30min", "4h"}, {"1h", "8h"}, {"4h", "2d"}, {"1d", "5d"}, {"2d", "10d"}}
	supportTargets = [][2]string{{"15min", "2h"}, {"30min", "4h"}, {"2h", "1d"}, {"4h", "3d"}, {"1d", "5d"}}
)

func targets(t [][2]string, n int) *obj {
	o := &obj{}
	for i, p := range priorities[:n] {
		o.raw(p, (&obj{}).str("response", t[i][0]).str("resolution", t[i][1]).inlineString())
	}
	return o
}

// sms writes sms.cue in place of the scaffold's: customers, standard-change
// templates, freeze windows and change management settings besides the
// scope, policy, calendars and priority matrix.
func (g *generator) sms() error {
	var all []string
	for _, s := range genServices {
		all = append(all, s.id)
	}
	o := (&obj{}).str("organisation", genOrganisation)
	o.obj("scope", (&obj{}).
		str("statement", "The SMS of "+genOrganisation+" covers the services in its service catalogue, delivered from London, Dublin and eu-west-1.").
		strs("services", all).
		strs("locations", []string{"London DC1", "Dublin DC2", "eu-west-1"}))
	o.obj("policy", (&obj{}).
		str("statement", "We deliver services that meet agreed requirements and continually improve the SMS.").
		str("approved_by", genOwner).
		str("approved_on", date(genPolicyApproved)).
		str("review_by", date(genPolicyApproved.AddDate(1, 0, 0))).
		str("document", "https://intranet.benchmark.example/sms/policy.pdf"))
	o.objs("objectives", []*obj{
		(&obj{}).str("statement", "Resolve incidents within their SLA targets.").str("measure", "Share of incidents resolved within target per month").
			str("target", "95%").str("owner", "chm-1").str("due", "2027-03-31"),
		(&obj{}).str("statement", "Make changes without causing incidents.").str("measure", "Share of changes that fail or cause an incident").
			str("target", "below 5%").str("owner", "mgr-2").str("due", "2027-03-31"),
	})
	customers := &obj{}
	for _, c := range genCustomers {
		customers.raw(c.id, (&obj{}).str("name", c.name).str("contact", c.contact).inlineString())
	}
	o.obj("customers", customers)
	day := `{start: "09:00", end: "17:00"}`
	hours := &obj{}
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri"} {
		hours.raw(d, day)
	}
	o.obj("calendars", (&obj{}).
		obj("business-hours", (&obj{}).str("timezone", "UTC").obj("business_hours", hours).
			strs("holidays", []string{"2025-12-25", "2025-12-26", "2026-01-01", "2026-12-25", "2026-12-28", "2027-01-01"})).
		obj("24x7", (&obj{}).str("timezone", "UTC")))
	matrix := &obj{}
	for _, row := range genPriorityMatrix {
		matrix.raw(row[0], row[1])
	}
	o.obj("priority_matrix", matrix)
	std := &obj{}
	for _, s := range genStandardChanges {
		std.obj(s.id, (&obj{}).str("title", s.title).str("approved_by", "chm-1").
			str("approved_on", "2024-12-16").str("procedure", s.procedure))
	}
	o.obj("standard_changes", std)
	var freezes []*obj
	for _, f := range genFreezes {
		v := (&obj{}).str("name", f.name).str("start", stamp(f.start)).str("end", stamp(f.end))
		if len(f.services) > 0 {
			v.strs("services", f.services)
		}
		freezes = append(freezes, v.str("reason", f.reason))
	}
	o.objs("freeze_windows", freezes)
	o.obj("intervals", (&obj{}).str("internal_audit", "12mo").str("management_review", "12mo").
		str("continuity_test", "12mo").str("policy_review", "12mo").str("agreement_review", "12mo"))
	o.obj("change_management", (&obj{}).
		str("emergency_review_within", strconv.Itoa(emergencyReviewDays)+"d").
		str("cab_role", "cab-member").
		raw("require_signed_commits", "false"))
	src, err := formatRecord("// The service management system: its scope, policy, objectives and the\n// calendars, matrices and change rules the records use.\nsms: ", o)
	if err != nil {
		return fmt.Errorf("sms.cue: %w", err)
	}
	g.files["sms.cue"] = src
	return nil
}

func (g *generator) suppliers() error {
	for i, s := range genSuppliers {
		o := (&obj{}).str("name", s.name).str("type", "external").str("owner", "mgr-2").
			str("provides", s.provides).str("contact", "account-manager@"+s.id+".example").
			str("contract_end", "2027-06-30").
			str("reviewed_on", date(time.Date(2026, 5, 4+7*i, 0, 0, 0, 0, time.UTC))).
			str("review_by", date(time.Date(2027, 5, 4+7*i, 0, 0, 0, 0, time.UTC)))
		if err := g.add("supplier", s.id, o); err != nil {
			return err
		}
	}
	return nil
}

// deliverable is the availability in percent that service i can deliver:
// the product of its own target and those of every service it reaches
// through its dependencies, each counted once.
func (g *generator) deliverable(i int) float64 {
	seen := map[int]bool{}
	var visit func(int)
	visit = func(j int) {
		if seen[j] {
			return
		}
		seen[j] = true
		for _, d := range genServices[j].deps {
			visit(d)
		}
	}
	visit(i)
	p := 1.0
	for j := range seen {
		p *= g.availability[j] / 100
	}
	return 100 * p
}

// agreements writes the SLAs of each customer, the OLA with the support
// team and a UC with each supplier; the OLA and UCs underpin every SLA that
// covers a service they support, with targets at least as strict.
func (g *generator) agreements() error {
	var slas []string
	slasOf := map[int][]string{} // service index -> the SLAs that cover it
	for _, c := range genCustomers {
		// Promise no more than the weakest service can deliver, rounded
		// down to a tenth of a percent.
		avail := 100.0
		var services []string
		for _, s := range c.services {
			avail = min(avail, g.deliverable(s))
			services = append(services, genServices[s].id)
		}
		avail = math.Floor(avail*10) / 10
		for _, y := range genSLAYears {
			id := fmt.Sprintf("sla-%s-%d", c.id, y)
			slas = append(slas, id)
			for _, s := range c.services {
				slasOf[s] = append(slasOf[s], id)
			}
			o := (&obj{}).str("type", "SLA").
				str("title", fmt.Sprintf("Service level agreement with %s, %d", c.name, y)).
				str("owner", "chm-1").str("customer", c.id).strs("services", services).
				obj("period", (&obj{}).str("start", fmt.Sprintf("%d-01-01", y)).str("end", fmt.Sprintf("%d-12-31", y))).
				str("calendar", c.calendar).
				obj("targets", targets(slaTargets, len(priorities))).
				str("request_fulfilment", "3d").
				raw("availability_target", strconv.FormatFloat(avail, 'f', -1, 64)).
				strs("pause_conditions", []string{"awaiting-customer", "scheduled-maintenance"}).
				str("review_by", fmt.Sprintf("%d-12-01", y)).
				str("document", fmt.Sprintf("https://intranet.benchmark.example/agreements/%s.pdf", id))
			if err := g.add("agreement", id, o); err != nil {
				return err
			}
		}
	}

	var live []string
	for i, s := range genServices[:len(genServices)-1] {
		if len(slasOf[i]) > 0 {
			live = append(live, s.id)
		}
	}
	ola := (&obj{}).str("type", "OLA").str("title", "Operational level agreement with the operations team").
		str("owner", "chm-1").str("team", "ops-team").strs("services", live).strs("underpins", slas).
		obj("period", (&obj{}).str("start", "2025-01-01")).str("calendar", "24x7").
		obj("targets", targets(supportTargets, len(priorities))).
		raw("availability_target", "99.95").str("review_by", "2027-01-31")
	if err := g.add("agreement", "ola-ops-team", ola); err != nil {
		return err
	}

	for _, sup := range genSuppliers {
		var services, underpins []string
		for i, s := range genServices {
			if !slices.Contains(s.suppliers, sup.id) {
				continue
			}
			services = append(services, s.id)
			for _, sla := range slasOf[i] {
				if !slices.Contains(underpins, sla) {
					underpins = append(underpins, sla)
				}
			}
		}
		if len(services) == 0 {
			continue
		}
		slices.Sort(underpins)
		uc := (&obj{}).str("type", "UC").str("title", "Underpinning contract with "+sup.name).
			str("owner", "mgr-2").str("supplier", sup.id).strs("services", services).strs("underpins", underpins).
			obj("period", (&obj{}).str("start", "2024-07-01").str("end", "2027-06-30")).str("calendar", "24x7").
			obj("targets", targets(supportTargets, 3)).
			raw("availability_target", "99.99").str("review_by", "2027-05-31").
			str("document", fmt.Sprintf("https://intranet.benchmark.example/contracts/%s.pdf", sup.id))
		if err := g.add("agreement", "uc-"+sup.id, uc); err != nil {
			return err
		}
	}
	return nil
}

// assurance writes the internal audits and management reviews: the last of
// each within the 12 months before genNow, and the next audit planned.
func (g *generator) assurance() error {
	finding := func(id, typ, clause, description string) *obj {
		return (&obj{}).str("id", id).str("type", typ).str("clause", clause).str("description", description)
	}
	audits := []*obj{
		(&obj{}).str("title", "Internal audit of the service catalogue and service level management").str("type", "internal").
			str("planned", "2025-10-06").str("conducted", "2025-10-08").str("auditor", "cab-1").
			strs("scope", []string{"8.2.4", "8.3.3", "8.3.4"}).str("status", "completed").
			objs("findings", []*obj{
				finding("F1", "observation", "8.3.3", "Two SLAs were signed after their period started."),
				finding("F2", "opportunity", "8.3.4", "Supplier reviews could use the SLA reports directly."),
			}).
			str("report", "https://intranet.benchmark.example/audits/AUD-0001.pdf"),
		(&obj{}).str("title", "Internal audit of change, incident and problem management").str("type", "internal").
			str("planned", "2026-10-12").str("conducted", "2026-10-14").str("auditor", "cab-1").
			strs("scope", []string{"8.5.1", "8.6.1", "8.6.3"}).str("status", "completed").
			objs("findings", []*obj{
				finding("F1", "observation", "8.5.1.3", "Some post-implementation reviews repeat the change summary without lessons."),
			}).
			str("report", "https://intranet.benchmark.example/audits/AUD-0002.pdf"),
		(&obj{}).str("title", "Internal audit of the whole SMS").str("type", "internal").
			str("planned", "2027-04-12").str("auditor", "cab-1").
			strs("scope", []string{"4", "5", "6", "7", "8", "9", "10"}).str("status", "planned"),
	}
	for i, a := range audits {
		if err := g.add("audit", fmt.Sprintf("AUD-%04d", i+1), a); err != nil {
			return err
		}
	}
	action := func(description, owner, due, done string) *obj {
		a := (&obj{}).str("description", description).str("owner", owner).str("due", due)
		if done != "" {
			a.str("done", done)
		}
		return a
	}
	reviews := []*obj{
		(&obj{}).str("title", "Management review 2025").str("date", "2025-12-09").str("chair", genOwner).
			strs("attendees", []string{"mgr-2", "chm-1"}).
			strs("inputs", []string{"Results of internal audit AUD-0001", "Service level performance 2025", "Customer feedback"}).
			strs("decisions", []string{"Renew the customer SLAs for 2026 unchanged.", "Tighten the operations team's OLA."}).
			objs("actions", []*obj{action("Renew the 2026 SLAs with the customers.", "chm-1", "2025-12-31", "2025-12-18")}).
			str("minutes", "https://intranet.benchmark.example/reviews/MR-0001.pdf"),
		(&obj{}).str("title", "Management review 2026").str("date", "2026-06-16").str("chair", genOwner).
			strs("attendees", []string{"mgr-2", "chm-1", "cab-1"}).
			strs("inputs", []string{"Change success rate", "Supplier performance reviews", "Status of the objectives"}).
			strs("decisions", []string{"Add a peak trading freeze for the web services."}).
			objs("actions", []*obj{action("Record the 2026 peak trading freeze in sms.cue.", "chm-1", "2026-09-30", "2026-07-02")}).
			str("minutes", "https://intranet.benchmark.example/reviews/MR-0002.pdf"),
	}
	for i, r := range reviews {
		if err := g.add("review", fmt.Sprintf("MR-%04d", i+1), r); err != nil {
			return err
		}
	}
	return nil
}
