package render

import (
	"bytes"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/smsctl/smsctl/internal/auditctl"
	"github.com/smsctl/smsctl/internal/sla"
)

// PackData is what an audit pack holds; index.html shows it and the JSON
// and CSV files carry the same.
type PackData struct {
	Organisation string                    `json:"organisation"`
	Now          time.Time                 `json:"now"`
	Since        time.Time                 `json:"since,omitzero"`
	Until        time.Time                 `json:"until,omitzero"`
	Head         string                    `json:"head"`
	Readiness    *auditctl.ReadinessReport `json:"readiness"`
	Verify       *auditctl.VerifyReport    `json:"verify"`
	Records      []PackRecord              `json:"records"`
	Changes      []PackChange              `json:"changes"`
	Incidents    []PackTicket              `json:"incidents"`
	Samples      []*auditctl.SampleReport  `json:"samples"`
	// SLAFile is the SLA report's page in the pack, SLAPeriod its period.
	SLAFile   string `json:"sla_file"`
	SLAPeriod string `json:"sla_period"`
	// SLA is the report itself (in data/sla.json; index.html shows its
	// summary).
	SLA *sla.Report `json:"-"`
}

// PackRecord is one record, briefly.
type PackRecord struct {
	Kind   string `json:"kind"`
	ID     string `json:"id"`
	File   string `json:"file"`
	Title  string `json:"title"`
	Status string `json:"status"`
}

// PackApproval is an approval a change record holds.
type PackApproval struct {
	By       string `json:"by"`
	Role     string `json:"role"`
	At       string `json:"at"`
	Decision string `json:"decision"`
}

// PackTrailEntry is one commit of a record's trail.
type PackTrailEntry struct {
	Commit  string    `json:"commit"`
	When    time.Time `json:"when"`
	PR      int       `json:"pr,omitempty"`
	Status  string    `json:"status"`
	Author  string    `json:"author"`
	Subject string    `json:"subject"`
	Fields  []string  `json:"fields"`
	// Approvals are the approvals attested for the pull request.
	Approvals []string `json:"approvals"`
}

// PackChange is a change of the period with its approvals and trail.
type PackChange struct {
	ID          string           `json:"id"`
	Title       string           `json:"title"`
	Type        string           `json:"type"`
	Risk        string           `json:"risk"`
	Status      string           `json:"status"`
	Raised      string           `json:"raised"`
	Requester   string           `json:"requester"`
	Implementer string           `json:"implementer"`
	Approvals   []PackApproval   `json:"approvals"`
	Trail       []PackTrailEntry `json:"trail"`
}

// PackTicket is an incident of the period.
type PackTicket struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Priority string `json:"priority"`
	Status   string `json:"status"`
	Opened   string `json:"opened"`
	Resolved string `json:"resolved"`
	Services string `json:"services"`
	Major    bool   `json:"major"`
	Security bool   `json:"security"`
}

// clauseSection is where index.html shows a clause's evidence.
// htmlID makes s an HTML id (and a fragment that finds it): no
// whitespace, which HTML forbids in an id, and only letters, digits, ".",
// "_" and "-", each run of anything else one "-" ("9.1, 9.4" is
// "9.1-9.4").
func htmlID(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		ok := r == '.' || r == '_' || r == '-' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		switch {
		case ok:
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimRight(b.String(), "-")
	if out == "" {
		return "x"
	}
	return out
}

func clauseSection(clause string) string {
	switch clause {
	case "7.5":
		return "verify"
	case "8.5.1":
		return "changes"
	case "8.6.1":
		return "incidents"
	case "8.3.3", "9.1, 9.4":
		return "sla"
	}
	return "records"
}

var packPage = template.Must(template.New("pack").Funcs(template.FuncMap{
	"section": clauseSection,
	"htmlID":  htmlID,
	"short":   shortHash,
	"join":    strings.Join,
	"period":  VerifyPeriod,
	"date":    func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"trail":   TrailLine,
	"pct":     pct,
	"target":  target,
	"avail":   availPct,
	"readySummary": func(r *auditctl.ReadinessReport) string {
		return ReadinessSummary(r)
	},
	"verifySummary": func(r *auditctl.VerifyReport) string { return VerifySummary(r) },
	"sampleHeading": func(r *auditctl.SampleReport) string { return SampleHeading(r) },
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Audit evidence pack: {{.Organisation}}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2430;display:flex}
nav{position:sticky;top:0;height:100vh;overflow:auto;min-width:14rem;background:#f3f5f8;padding:1rem;border-right:1px solid #d0d7de;font-size:.9rem}
nav a{display:block;color:#0b4f9c;text-decoration:none;padding:.1rem 0}
main{padding:1rem 2rem;max-width:75rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2.2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}h3{font-size:1rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.85rem}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f5f8}
.met{color:#116329;font-weight:600}.partial{color:#9a6700;font-weight:600}.missing,.bad{color:#b42318;font-weight:600}
.muted{color:#59636e}code{font-size:.85em}
</style>
</head>
<body>
<nav aria-label="Contents">
<strong>Clauses</strong>
{{range .Readiness.Clauses}}<a href="#clause-{{htmlID .Clause}}">{{.Clause}} {{.Title}}</a>
{{end}}<strong>Evidence</strong>
<a href="#readiness">Readiness</a>
<a href="#verify">Controls (verify)</a>
<a href="#changes">Changes</a>
<a href="#incidents">Incidents</a>
<a href="#sla">Service levels</a>
<a href="#samples">Samples</a>
<a href="#records">Records</a>
<a href="#files">Files</a>
</nav>
<main>
<h1>Audit evidence pack: {{.Organisation}}</h1>
<p>Period: {{period .Since .Until}}. Repository at commit <code>{{.Head}}</code>, as of {{date .Now}}. Every file of this pack is listed with its SHA-256 in <code>MANIFEST.sha256</code>; <code>smsctl audit pack --verify</code> checks it and rebuilds the pack from the repository.</p>

<h2 id="readiness">Readiness: clauses 4 to 10</h2>
<p>{{readySummary .Readiness}}</p>
<table id="clauses">
<tr><th>Clause</th><th>Title</th><th>Status</th><th>Reason</th><th>Evidence</th><th>Records</th><th>Latest</th></tr>
{{range .Readiness.Clauses}}<tr id="clause-{{htmlID .Clause}}"><td><a href="#{{section .Clause}}">{{.Clause}}</a></td><td>{{.Title}}</td><td class="{{.Status}}">{{.Status}}</td><td>{{.Reason}}</td><td>{{join .Evidence ", "}}</td><td>{{.Records}}</td><td>{{.Latest}}</td></tr>
{{end}}</table>

<h2 id="verify">Controls over the period (audit verify)</h2>
<p>{{verifySummary .Verify}}</p>
{{if .Verify.Checkpoints}}<table><tr><th>Checkpoint</th><th>Head</th><th>Commits</th><th>Chain (SHA-256)</th><th>Held</th></tr>
{{range .Verify.Checkpoints}}<tr><td>{{date .At}}</td><td><code>{{short .Head}}</code></td><td>{{.Count}}</td><td><code>{{.Chain}}</code></td><td{{if not .Held}} class="bad"{{end}}>{{.Held}}</td></tr>
{{end}}</table>{{end}}
{{if .Verify.Findings}}<table id="findings"><tr><th>Rule</th><th>Commit</th><th>PR</th><th>Finding</th></tr>
{{range .Verify.Findings}}<tr><td class="bad">{{.Rule}}</td><td><code>{{short .Commit}}</code></td><td>{{if .PR}}#{{.PR}}{{end}}</td><td>{{.Message}}</td></tr>
{{end}}</table>{{else}}<p class="met">No findings: every control held.</p>{{end}}
<details><summary>Commits that changed records ({{len .Verify.Commits}})</summary>
<table><tr><th>When</th><th>Commit</th><th>Form</th><th>PR</th><th>Records</th><th>Approvals</th><th>Signed</th><th>OK</th></tr>
{{range .Verify.Commits}}<tr><td>{{date .When}}</td><td><code>{{short .Commit}}</code></td><td>{{.Form}}</td><td>{{if .PR}}#{{.PR}}{{end}}</td><td>{{join .Records ", "}}</td><td>{{join .Approvals "; "}}</td><td>{{.Signature}}</td><td{{if not .OK}} class="bad"{{end}}>{{.OK}}</td></tr>
{{end}}</table></details>

<h2 id="changes">Changes ({{len .Changes}})</h2>
{{range .Changes}}<section id="change-{{htmlID .ID}}" class="change">
<h3>{{.ID}}: {{.Title}}</h3>
<p>{{.Type}} change, risk {{.Risk}}, {{.Status}}; raised {{.Raised}} by {{.Requester}}{{if .Implementer}}, implemented by {{.Implementer}}{{end}}.</p>
{{if .Approvals}}<table class="approvals"><tr><th>Approved by</th><th>Role</th><th>At</th><th>Decision</th></tr>
{{range .Approvals}}<tr><td>{{.By}}</td><td>{{.Role}}</td><td>{{.At}}</td><td>{{.Decision}}</td></tr>
{{end}}</table>{{else}}<p class="muted">No approval recorded.</p>{{end}}
<table class="trail"><tr><th>When</th><th>Commit</th><th>PR</th><th>Change</th><th>Author</th><th>Fields</th><th>Approvals attested</th></tr>
{{range .Trail}}<tr><td>{{date .When}}</td><td><code>{{short .Commit}}</code></td><td>{{if .PR}}#{{.PR}}{{end}}</td><td>{{.Status}}</td><td>{{.Author}}</td><td>{{join .Fields ", "}}</td><td>{{join .Approvals "; "}}</td></tr>
{{end}}</table>
</section>
{{end}}

<h2 id="incidents">Incidents ({{len .Incidents}})</h2>
<table><tr><th>ID</th><th>Title</th><th>Priority</th><th>Status</th><th>Opened</th><th>Resolved</th><th>Services</th><th>Major</th><th>Security</th></tr>
{{range .Incidents}}<tr><td>{{.ID}}</td><td>{{.Title}}</td><td>{{.Priority}}</td><td>{{.Status}}</td><td>{{.Opened}}</td><td>{{.Resolved}}</td><td>{{.Services}}</td><td>{{if .Major}}yes{{end}}</td><td>{{if .Security}}yes{{end}}</td></tr>
{{end}}</table>

<h2 id="sla">Service levels</h2>
<p>The service level report for {{.SLAPeriod}}: <a href="{{.SLAFile}}">{{.SLAFile}}</a> (in this pack, with charts, priorities, months and worst cases; its data in <code>data/sla.json</code> and <code>data/sla.csv</code>).</p>
{{if .SLA}}<table id="sla-summary">
<tr><th>Agreement</th><th>Type</th><th>Party</th><th>Tickets</th><th>Met</th><th>Breached</th><th>Attainment</th><th>Target</th><th>Availability</th><th>Target</th></tr>
{{range .SLA.Agreements}}<tr><td{{if .BelowTarget}} class="bad"{{end}}>{{.ID}}</td><td>{{.Type}}</td><td>{{.Party}}</td><td>{{.Total.Tickets}}</td><td>{{.Total.Met}}</td><td>{{.Total.Breached}}</td><td>{{pct .Total.Attainment 1}}</td><td>{{target .AttainmentTarget}}</td><td>{{pct (avail .Availability) 2}}</td><td>{{target .AvailabilityTarget}}</td></tr>
{{end}}</table>{{end}}

<h2 id="samples">Samples</h2>
{{range .Samples}}<h3>{{sampleHeading .}}</h3>
<p class="muted">{{.Algorithm}}</p>
<table><tr><th>ID</th><th>Stratum</th><th>Status</th><th>Date</th><th>Title</th><th>Trail</th></tr>
{{range .Records}}<tr><td>{{if eq .Kind "change"}}<a href="#change-{{htmlID .ID}}">{{.ID}}</a>{{else}}{{.ID}}{{end}}</td><td>{{.Stratum}}</td><td>{{.Status}}</td><td>{{.Date}}</td><td>{{.Title}}</td><td>{{trail .Trail}}</td></tr>
{{end}}</table>
{{end}}

<h2 id="records">Records ({{len .Records}})</h2>
<table><tr><th>Kind</th><th>ID</th><th>Title</th><th>Status</th><th>File</th></tr>
{{range .Records}}<tr><td>{{.Kind}}</td><td>{{.ID}}</td><td>{{.Title}}</td><td>{{.Status}}</td><td><code>{{.File}}</code></td></tr>
{{end}}</table>

<h2 id="files">Files</h2>
<p>The same data as JSON in <code>data/pack.json</code> and per part in <code>data/*.json</code>, and as CSV in <code>data/*.csv</code>. <code>MANIFEST.sha256</code> holds the SHA-256 of every file; check it with <code>sha256sum -c MANIFEST.sha256</code> or <code>smsctl audit pack --verify</code>.</p>
</main>
</body>
</html>
`))

// PackHTML renders index.html.
func PackHTML(d *PackData) ([]byte, error) {
	var b bytes.Buffer
	if err := packPage.Execute(&b, d); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func csvBytes(header []string, rows [][]string) []byte {
	var b bytes.Buffer
	w := newCSVWriter(&b)
	_ = w.Write(header)
	_ = w.WriteAll(rows)
	return b.Bytes()
}

// PackCSV returns the pack's CSV files by name.
func PackCSV(d *PackData) (map[string][]byte, error) {
	out := map[string][]byte{}
	var rows [][]string
	for _, r := range d.Records {
		rows = append(rows, []string{r.Kind, r.ID, r.Title, r.Status, r.File})
	}
	out["records.csv"] = csvBytes([]string{"kind", "id", "title", "status", "file"}, rows)
	rows = nil
	for _, c := range d.Changes {
		var approvals, prs []string
		for _, a := range c.Approvals {
			approvals = append(approvals, fmt.Sprintf("%s %s as %s at %s", a.Decision, a.By, a.Role, a.At))
		}
		for _, t := range c.Trail {
			if t.PR > 0 {
				prs = append(prs, "#"+strconv.Itoa(t.PR))
			}
		}
		rows = append(rows, []string{c.ID, c.Title, c.Type, c.Risk, c.Status, c.Raised, c.Requester, c.Implementer, strings.Join(approvals, "; "), strings.Join(prs, " ")})
	}
	out["changes.csv"] = csvBytes([]string{"id", "title", "type", "risk", "status", "raised", "requester", "implementer", "approvals", "pull_requests"}, rows)
	rows = nil
	for _, c := range d.Changes {
		for _, t := range c.Trail {
			pr := ""
			if t.PR > 0 {
				pr = strconv.Itoa(t.PR)
			}
			rows = append(rows, []string{c.ID, t.Commit, t.When.UTC().Format(time.RFC3339), pr, t.Status, t.Author, t.Subject, strings.Join(t.Fields, " "), strings.Join(t.Approvals, "; ")})
		}
	}
	out["change-trails.csv"] = csvBytes([]string{"change", "commit", "when", "pr", "status", "author", "subject", "fields", "approvals"}, rows)
	rows = nil
	for _, t := range d.Incidents {
		rows = append(rows, []string{t.ID, t.Title, t.Priority, t.Status, t.Opened, t.Resolved, t.Services, strconv.FormatBool(t.Major), strconv.FormatBool(t.Security)})
	}
	out["incidents.csv"] = csvBytes([]string{"id", "title", "priority", "status", "opened", "resolved", "services", "major", "security"}, rows)
	rows = nil
	for _, f := range d.Verify.Findings {
		pr := ""
		if f.PR > 0 {
			pr = strconv.Itoa(f.PR)
		}
		rows = append(rows, []string{f.Rule, f.Severity, f.Commit, pr, f.Record, f.Message})
	}
	out["verify-findings.csv"] = csvBytes([]string{"rule", "severity", "commit", "pr", "record", "message"}, rows)
	rows = nil
	for _, c := range d.Verify.Commits {
		rows = append(rows, []string{c.Commit, c.When.UTC().Format(time.RFC3339), c.Form, strconv.Itoa(c.PR), strings.Join(c.Records, " "), c.Evidence, strings.Join(c.Approvals, "; "), c.Signature, strconv.FormatBool(c.OK)})
	}
	out["verify-commits.csv"] = csvBytes([]string{"commit", "when", "form", "pr", "records", "evidence", "approvals", "signature", "ok"}, rows)
	var b bytes.Buffer
	if err := ReadinessCSV(&b, d.Readiness); err != nil {
		return nil, err
	}
	out["readiness.csv"] = b.Bytes()
	for _, s := range d.Samples {
		var b bytes.Buffer
		if err := SampleCSV(&b, s); err != nil {
			return nil, err
		}
		out["sample-"+s.Kind+".csv"] = b.Bytes()
	}
	return out, nil
}
