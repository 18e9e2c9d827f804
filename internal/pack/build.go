package pack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/smsctl/smsctl/internal/attest"
	"github.com/smsctl/smsctl/internal/audit"
	"github.com/smsctl/smsctl/internal/auditctl"
	"github.com/smsctl/smsctl/internal/gitrepo"
	"github.com/smsctl/smsctl/internal/records"
	"github.com/smsctl/smsctl/internal/render"
	"github.com/smsctl/smsctl/internal/sla"
	"github.com/smsctl/smsctl/internal/sms"
)

// Input is what a pack is built from: the repository opened once, the
// records at the head, the evidence notes and audit verify's report, all
// read by the caller once and shared.
type Input struct {
	Repo    *sms.Repo
	Head    *gitrepo.Commit
	Records *records.Repository
	Notes   map[string]*attest.Attestation
	Verify  *auditctl.VerifyReport
	// Now is the pack's moment; Since and Until bound the period (zero:
	// open).
	Now, Since, Until time.Time
	Seed              string
	SampleSize        int
	// Params is written as data/params.json, for --verify to rebuild.
	Params any
}

// Build builds every file of the pack but the manifest.
func Build(in Input) (map[string][]byte, error) {
	since, until, now, c := in.Since, in.Until, in.Now, in.Head
	repo, sub, notes, verify := in.Repo.Git, in.Repo.Sub, in.Notes, in.Verify
	recs := in.Records
	inPeriod := func(date string) bool {
		t, err := time.Parse(time.RFC3339, date)
		if err != nil {
			if t, err = time.Parse(time.DateOnly, date); err != nil {
				return false
			}
		}
		return (since.IsZero() || !t.Before(since)) && (until.IsZero() || !t.After(until))
	}
	d := &render.PackData{Now: now.UTC(), Since: since, Until: until, Head: c.Hash, Records: []render.PackRecord{},
		Changes: []render.PackChange{}, Incidents: []render.PackTicket{}, Samples: []*auditctl.SampleReport{}, Verify: verify}
	d.Readiness = auditctl.Readiness(recs, now, verify)
	byID, err := auditctl.Trails(repo, sub, c.Hash, "change", "incident", "request")
	if err != nil {
		return nil, err
	}
	sorted := append([]*records.Record{}, recs.Records...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Key() < sorted[j].Key() })
	for _, r := range sorted {
		var m map[string]any
		if r.Data == nil || json.Unmarshal(r.Data, &m) != nil {
			continue
		}
		if r.Kind == records.SMSKind.Name {
			d.Organisation = str(m, "organisation")
			continue
		}
		title := str(m, "title")
		if title == "" {
			title = str(m, "name")
		}
		d.Records = append(d.Records, render.PackRecord{Kind: r.Kind, ID: r.ID, File: r.File, Title: title, Status: str(m, "status")})
		switch {
		case r.Kind == "change" && inPeriod(str(m, "raised")):
			pc := render.PackChange{ID: r.ID, Title: title, Type: str(m, "type"), Risk: str(m, "risk"), Status: str(m, "status"), Raised: str(m, "raised"),
				Requester: str(m, "requester"), Implementer: str(m, "implementer"), Approvals: []render.PackApproval{}, Trail: []render.PackTrailEntry{}}
			approvals, _ := m["approvals"].([]any)
			for _, a := range approvals {
				am, _ := a.(map[string]any)
				pc.Approvals = append(pc.Approvals, render.PackApproval{By: str(am, "by"), Role: str(am, "role"), At: str(am, "at"), Decision: str(am, "decision")})
			}
			for _, e := range byID[r.ID] {
				pc.Trail = append(pc.Trail, trailEntry(e, notes[e.Commit]))
			}
			d.Changes = append(d.Changes, pc)
		case r.Kind == "incident" && inPeriod(str(m, "opened")):
			var services []string
			if s := str(m, "service"); s != "" {
				services = append(services, s)
			}
			if l, ok := m["services"].([]any); ok {
				for _, s := range l {
					if s, ok := s.(string); ok {
						services = append(services, s)
					}
				}
			}
			major, _ := m["major"].(bool)
			security, _ := m["security"].(bool)
			d.Incidents = append(d.Incidents, render.PackTicket{ID: r.ID, Title: title, Priority: str(m, "priority"), Status: str(m, "status"),
				Opened: str(m, "opened"), Resolved: str(m, "resolved"), Services: strings.Join(services, ", "), Major: major, Security: security})
		}
	}
	if in.SampleSize > 0 {
		for _, kind := range []string{"change", "incident", "request"} {
			s, err := auditctl.Sample(recs, auditctl.SampleOptions{Kind: kind, Size: in.SampleSize, Seed: in.Seed, Since: since, Until: until})
			if err != nil {
				return nil, err
			}
			s.AddTrails(byID, notes)
			d.Samples = append(d.Samples, s)
		}
	}
	// The SLA report: the period, or the twelve months before now.
	from, to := since, until
	if from.IsZero() {
		from = time.Date(now.UTC().Year()-1, now.UTC().Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	if to.IsZero() {
		to = time.Date(now.UTC().Year(), now.UTC().Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	}
	if to.Before(from) {
		to = now.UTC()
	}
	d.SLAFile = "sla.html"
	d.SLAPeriod = from.Format(time.DateOnly) + " to " + to.Format(time.DateOnly)
	slaReport, err := sla.Measure(sla.Load(recs), sla.Options{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly), AsOf: now})
	if err != nil {
		return nil, err
	}
	d.SLA = slaReport
	files := map[string][]byte{}
	for _, format := range []string{"html", "json", "csv"} {
		var b bytes.Buffer
		if err := render.WriteSLAReport(&b, format, slaReport); err != nil {
			return nil, err
		}
		name := "data/sla." + format
		if format == "html" {
			name = "sla.html"
		}
		files[name] = b.Bytes()
	}
	index, err := render.PackHTML(d)
	if err != nil {
		return nil, err
	}
	files["index.html"] = index
	csvs, err := render.PackCSV(d)
	if err != nil {
		return nil, err
	}
	for name, data := range csvs {
		files["data/"+name] = data
	}
	js := func(v any) []byte {
		b, _ := json.MarshalIndent(v, "", "  ") // plain data
		return append(b, '\n')
	}
	files["data/pack.json"] = js(d)
	files["data/readiness.json"] = js(d.Readiness)
	files["data/verify.json"] = js(d.Verify)
	files["data/changes.json"] = js(d.Changes)
	files["data/incidents.json"] = js(d.Incidents)
	files["data/records.json"] = js(d.Records)
	files["data/samples.json"] = js(d.Samples)
	files["data/params.json"] = js(in.Params)
	return files, nil
}

// trailEntry is a trail entry as the pack shows it.
func trailEntry(e audit.Entry, a *attest.Attestation) render.PackTrailEntry {
	t := render.PackTrailEntry{Commit: e.Commit, When: e.CommitTime.UTC(), Status: e.Status, Author: e.AuthorName, Subject: e.Subject, Fields: []string{}, Approvals: []string{}}
	if e.PR != nil {
		t.PR = *e.PR
	}
	for _, fc := range e.Changes {
		t.Fields = append(t.Fields, fc.Path)
	}
	if a != nil {
		for _, r := range a.Approvals() {
			who := r.Login
			if r.Person != "" {
				who = fmt.Sprintf("%s (GitHub %s", r.Person, r.Login)
				if len(r.Roles) > 0 {
					who += "; " + strings.Join(r.Roles, ", ")
				}
				who += ")"
			}
			t.Approvals = append(t.Approvals, fmt.Sprintf("approved in #%d by %s at %s", a.PullRequest.Number, who, r.SubmittedAt.UTC().Format(time.RFC3339)))
		}
	}
	return t
}

func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}
