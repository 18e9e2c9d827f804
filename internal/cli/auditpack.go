package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/smsctl/smsctl/internal/attest"
	"github.com/smsctl/smsctl/internal/audit"
	"github.com/smsctl/smsctl/internal/auditctl"
	"github.com/smsctl/smsctl/internal/pack"
	"github.com/smsctl/smsctl/internal/records"
	"github.com/smsctl/smsctl/internal/render"
	"github.com/smsctl/smsctl/internal/sla"
)

// packParams are what a pack was built from; data/params.json keeps them
// so that --verify rebuilds the same pack.
type packParams struct {
	Head       string `json:"head"`
	Now        string `json:"now"`
	Since      string `json:"since,omitempty"`
	Until      string `json:"until,omitempty"`
	Seed       string `json:"seed"`
	SampleSize int    `json:"sample_size"`
}

func newAuditPackCmd(env *Env, g *globals) *cobra.Command {
	var p packParams
	var rev, now, output string
	var check bool
	var gh githubFlags
	cmd := &cobra.Command{
		Use:   "pack [--since DATE] [--until DATE] DIR | --verify DIR",
		Short: "A self-contained evidence pack for an audit period: HTML, JSON, CSV and a SHA-256 manifest",
		Long: `Pack writes an evidence pack for the period into DIR (a new or empty folder):

  index.html        one page that opens offline, with nothing fetched from
                    elsewhere: navigation by clause; the readiness matrix;
                    audit verify's controls and findings; every change of
                    the period with its approvals and its trail (commits,
                    pull requests, approvals attested); the incidents; the
                    samples; the records
  sla.html          the service level report for the period
  data/*.json, *.csv  the same data (data/pack.json holds all of it)
  data/params.json  what the pack was built from: head commit, now,
                    period, seed
  MANIFEST.sha256   the SHA-256 of every other file (sha256sum -c reads it)

Records are read from --rev (default HEAD) in Git, not the work tree. The
pack holds no wall-clock time but --now (default SMSCTL_NOW, else the
clock), so the same repository and parameters give the same bytes.

pack --verify DIR checks every file against the manifest, then rebuilds
the pack from the repository with the parameters in data/params.json and
compares them file by file: it shows nothing was altered since the pack
was made. (New attestation notes or checkpoints since then change the
verify section and show as differences.)

Samples: --sample-size records per kind (change, incident, request) with
--seed, drawn as audit sample draws.

Exit codes: 0 written (or verified), 1 --verify found differences, 2 usage,
3 could not run (nothing written).`,
		Example: `  smsctl audit pack --since 2026-01-01 --until 2026-10-31 --seed stage2-2026 audit-2026
  sha256sum -c audit-2026/MANIFEST.sha256 --quiet --strict
  smsctl audit pack --verify audit-2026`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			if check {
				return packVerify(cmd.Context(), env, g, dir, &gh, output)
			}
			at, err := parseNow(env, now)
			if err != nil {
				return err
			}
			p.Now = at.UTC().Format(time.RFC3339)
			for _, w := range []struct{ flag, v string }{{"since", p.Since}, {"until", p.Until}} {
				if _, err := parseWhen(w.flag, w.v, false); err != nil {
					return err
				}
			}
			if p.SampleSize < 0 {
				return usageErrorf("--sample-size %d: give 0 or more", p.SampleSize)
			}
			repo, _, err := openHistory(env, g)
			if err != nil {
				return err
			}
			c, err := repo.Resolve(rev)
			if err != nil {
				return err
			}
			p.Head = c.Hash
			files, err := buildPack(cmd.Context(), env, g, p, &gh)
			if err != nil {
				return err
			}
			if err := pack.Write(dir, files); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "evidence pack for %s written to %s: %d files, index.html and MANIFEST.sha256\n", packPeriod(p), dir, len(files)+1)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&p.Since, "since", "", "the period's first `DATE` (RFC 3339 or YYYY-MM-DD)")
	f.StringVar(&p.Until, "until", "", "the period's last `DATE`")
	f.StringVar(&p.Seed, "seed", "smsctl", "the samples' seed `S`")
	f.IntVar(&p.SampleSize, "sample-size", 5, "`N` sampled changes, incidents and requests each")
	f.StringVar(&rev, "rev", "HEAD", "build from Git revision `REV`")
	f.StringVar(&now, "now", "", "the pack's moment (RFC 3339 or YYYY-MM-DD; default SMSCTL_NOW, else the clock)")
	f.BoolVar(&check, "verify", false, "check the pack in DIR against its manifest and a rebuild from the repository")
	gh.add(cmd)
	outputFlag(cmd, &output, "text", "json")
	return cmd
}

func packPeriod(p packParams) string {
	since, _ := parseWhen("since", p.Since, false)
	until, _ := parseWhen("until", p.Until, true)
	return render.VerifyPeriod(since, until)
}

func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// buildPack builds every file of the pack but the manifest.
func buildPack(ctx context.Context, env *Env, g *globals, p packParams, gh *githubFlags) (map[string][]byte, error) {
	now, err := time.Parse(time.RFC3339, p.Now)
	if err != nil {
		return nil, fmt.Errorf("params: now %q: %w", p.Now, err)
	}
	repo, sub, err := openHistory(env, g)
	if err != nil {
		return nil, err
	}
	if sub == "." {
		sub = ""
	}
	recs, c, err := loadAt(repo, sub, p.Head)
	if err != nil {
		return nil, err
	}
	v, err := verifyOptions(env, g, p.Since, p.Until, c.Hash, gh)
	if err != nil {
		return nil, err
	}
	verify, err := runVerify(ctx, env, g, v)
	if err != nil {
		return nil, err
	}
	notes, err := attestations(env, repo)
	if err != nil {
		return nil, err
	}
	since, until := v.opts.Since, v.opts.Until
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
	byID := map[string][]audit.Entry{}
	err = audit.Each(repo, audit.Options{Rev: c.Hash, Kind: "change", Sub: sub, Cache: true}, func(e audit.Entry) error {
		byID[e.ID] = append(byID[e.ID], e)
		return nil
	})
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
				pc.Trail = append(pc.Trail, packTrailEntry(e, notes[e.Commit]))
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
	if p.SampleSize > 0 {
		for _, kind := range []string{"change", "incident", "request"} {
			s, err := drawSample(repo, sub, c.Hash, auditctl.SampleOptions{Kind: kind, Size: p.SampleSize, Seed: p.Seed, Since: since, Until: until}, notes)
			if err != nil {
				return nil, err
			}
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
	files["data/params.json"] = js(p)
	return files, nil
}

// packTrailEntry is a trail entry as the pack shows it.
func packTrailEntry(e audit.Entry, a *attest.Attestation) render.PackTrailEntry {
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

// packVerify checks a pack against its manifest and a rebuild.
func packVerify(ctx context.Context, env *Env, g *globals, dir string, gh *githubFlags, output string) error {
	files, err := pack.Read(dir)
	if err != nil {
		return err
	}
	problems := append([]pack.Problem{}, pack.CheckManifest(files)...)
	var p packParams
	rebuilt := false
	if err := json.Unmarshal(files["data/params.json"], &p); err != nil || p.Head == "" {
		problems = append(problems, pack.Problem{Path: "data/params.json", Message: "missing or unreadable: the pack cannot be rebuilt"})
	} else {
		again, err := buildPack(ctx, env, g, p, gh)
		if err != nil {
			return err
		}
		rebuilt = true
		problems = append(problems, pack.Compare(files, again)...)
	}
	if output == "json" {
		if err := writeJSON(env, map[string]any{"dir": dir, "files": len(files), "head": p.Head, "rebuilt": rebuilt, "problems": problems}); err != nil {
			return err
		}
	} else {
		for _, pr := range problems {
			fmt.Fprintf(env.Stdout, "%s: %s\n", pr.Path, pr.Message)
		}
		if len(problems) == 0 {
			fmt.Fprintf(env.Stdout, "pack %s: %d files match MANIFEST.sha256 and a rebuild from commit %s\n", dir, len(files), p.Head[:12])
		} else {
			fmt.Fprintf(env.Stdout, "pack %s: %s\n", dir, plural(len(problems), "problem"))
		}
	}
	if len(problems) > 0 {
		return errFindings
	}
	return nil
}
