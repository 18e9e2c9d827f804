package render

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"

	"github.com/smsctl/smsctl/internal/sla"
)

// The HTML report is one file: styles inline, charts as inline SVG, no
// script and no external resource, so it can be archived as evidence and
// opened offline.

var slaPage = template.Must(template.New("sla").Funcs(template.FuncMap{
	"htmlID": htmlID,
	"pct":    pct,
	"target": target,
	"avail":  availPct,
	"dur":    func(s sla.Seconds) string { return Dur(s.Duration()) },
	"case":   caseLine,
	"ticket": ticketLine,
	"join":   strings.Join,
	"heading": func(a *sla.AgreementReport) string {
		return agreementHeading(a)
	},
	"targets": targetsOf,
	"support": func(byID map[string]*sla.AgreementReport, id string) string {
		return supportLine(byID[id])
	},
	"direct": func(a *sla.Availability) string {
		if a == nil || a.Direct == nil {
			return ""
		}
		return Dur(a.Direct.Duration())
	},
	"below": func(a *sla.Availability) bool { return a != nil && a.Met != nil && !*a.Met },
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1d2430}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2.2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}
th,td{border:1px solid #d0d7de;padding:.25rem .6rem;text-align:right}
th:first-child,td:first-child,td.l{text-align:left}
th{background:#f3f5f8}
.below{color:#b42318;font-weight:600}
.muted{color:#59636e}
figure{margin:1rem 0}figcaption{font-weight:600;margin-bottom:.3rem}
svg text{font-family:inherit;font-size:11px;fill:#1d2430}
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p class="muted">Measured from the incident and request records, in each agreement's business calendar; availability from the outages incidents record, with the outages of the services each service depends on.</p>

<h2>Summary</h2>
<table>
<tr><th>Agreement</th><th>Type</th><th>Party</th><th>Tickets</th><th>Met</th><th>Breached</th><th>Attainment</th><th>Target</th><th>Availability</th><th>Target</th></tr>
{{range .R.Agreements}}<tr><td{{if .BelowTarget}} class="below"{{end}}>{{.ID}}</td><td class="l">{{.Type}}</td><td class="l">{{.Party}}</td><td>{{.Total.Tickets}}</td><td>{{.Total.Met}}</td><td>{{.Total.Breached}}</td><td>{{pct .Total.Attainment 1}}</td><td>{{target .AttainmentTarget}}</td><td>{{pct (avail .Availability) 2}}</td><td>{{target .AvailabilityTarget}}</td></tr>
{{end}}</table>

<figure><figcaption>Attainment per month (SLAs)</figcaption>{{.Attainment}}</figure>
<figure><figcaption>Breaches per priority (SLAs)</figcaption>{{.Breaches}}</figure>
<figure><figcaption>Availability per service</figcaption>{{.Availability}}</figure>

{{range .R.Agreements}}
<h2 id="{{htmlID .ID}}">{{heading .}}</h2>
<table>
<tr><th>Priority</th><th>Tickets</th><th>Met</th><th>Breached</th><th>Near</th><th>Open</th><th>Attainment</th><th>Response / resolution target</th></tr>
{{range .Priorities}}<tr><td>{{.Priority}}</td><td>{{.Tickets}}</td><td>{{.Met}}</td><td>{{.Breached}}</td><td>{{.Near}}</td><td>{{.Open}}</td><td>{{pct .Attainment 1}}</td><td class="l">{{targets .}}</td></tr>
{{end}}<tr><th>all</th><th>{{.Total.Tickets}}</th><th>{{.Total.Met}}</th><th>{{.Total.Breached}}</th><th>{{.Total.Near}}</th><th>{{.Total.Open}}</th><th>{{pct .Total.Attainment 1}}</th><th></th></tr>
</table>
{{if gt (len .Months) 1}}<table>
<tr><th>Month</th><th>Tickets</th><th>Breached</th><th>Attainment</th><th>Availability</th><th>Below target</th></tr>
{{range .Months}}<tr><td>{{.Month}}</td><td>{{.Tickets}}</td><td>{{.Breached}}</td><td>{{pct .Attainment 1}}</td><td>{{pct (avail .Availability) 2}}</td><td class="l below">{{join .BelowTarget ", "}}</td></tr>
{{end}}</table>{{end}}
{{if .Worst}}<p>Worst cases:</p><ul>{{range .Worst}}<li>{{case .}}</li>{{end}}</ul>{{end}}
{{if .UnderpinnedBy}}<p>Underpinned by:</p><ul>{{range .UnderpinnedBy}}<li>{{support $.ByID .}}</li>{{end}}</ul>{{end}}
{{if .Tickets}}<details><summary>Tickets ({{len .Tickets}})</summary><ul>{{range .Tickets}}<li{{if eq .Status "breached"}} class="below"{{end}}>{{ticket .}}</li>{{end}}</ul></details>{{end}}
{{end}}

{{if .R.Services}}<h2>Availability per service</h2>
<table>
<tr><th>Service</th><th>Availability</th><th>Target</th><th>Downtime</th><th>Own outages</th></tr>
{{range .R.Services}}<tr><td{{if below .Total}} class="below"{{end}}>{{.ID}}</td><td>{{pct (avail .Total) 3}}</td><td>{{if .Total}}{{target .Total.Target}}{{end}}</td><td>{{if .Total}}{{dur .Total.Downtime}}{{end}}</td><td>{{direct .Total}}</td></tr>
{{end}}</table>{{end}}
{{range .R.Problems}}<p class="below">Not measured: {{.}}</p>{{end}}
</body>
</html>
`))

func slaHTML(w io.Writer, r *sla.Report) error {
	byID := map[string]*sla.AgreementReport{}
	for _, a := range r.Agreements {
		byID[a.ID] = a
	}
	return slaPage.Execute(w, map[string]any{
		"Title":        periodLine(r),
		"R":            r,
		"ByID":         byID,
		"Attainment":   attainmentChart(r),
		"Breaches":     breachChart(r),
		"Availability": availabilityChart(r),
	})
}

// palette colours the series of a chart.
var palette = []string{"#2563eb", "#d97706", "#059669", "#9333ea", "#dc2626", "#0891b2", "#4d7c0f", "#be185d"}

func esc(s string) string { return template.HTMLEscapeString(s) }

// attainmentChart draws each SLA's monthly attainment as a line over the
// report's months, y from 0 to 100%.
func attainmentChart(r *sla.Report) template.HTML {
	var slas []*sla.AgreementReport
	for _, a := range r.Agreements {
		if a.Type == "SLA" {
			slas = append(slas, a)
		}
	}
	if len(slas) == 0 || len(r.Months) == 0 {
		return `<p class="muted">No SLA in the report.</p>`
	}
	const W, H, left, top, bottom = 720, 260, 48, 12, 40
	plotW, plotH := float64(W-left-150), float64(H-top-bottom)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="Attainment per month">`, W, H, W, H)
	for _, v := range []int{0, 25, 50, 75, 100} {
		y := float64(top) + plotH*(1-float64(v)/100)
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e5e7eb"/><text x="%d" y="%.1f" text-anchor="end">%d%%</text>`, left, y, float64(left)+plotW, y, left-6, y+4, v)
	}
	step := plotW / float64(max(1, len(r.Months)))
	x := func(i int) float64 { return float64(left) + step*(float64(i)+0.5) }
	for i, m := range r.Months {
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`, x(i), H-bottom+16, esc(m))
	}
	for si, a := range slas {
		colour := palette[si%len(palette)]
		var pts []string
		index := map[string]int{}
		for i, m := range r.Months {
			index[m] = i
		}
		for _, m := range a.Months {
			i, ok := index[m.Month]
			if !ok || m.Attainment == nil {
				continue
			}
			y := float64(top) + plotH*(1-*m.Attainment/100)
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y))
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"><title>%s %s: %s of %d</title></circle>`, x(i), y, colour, esc(a.ID), esc(m.Month), esc(pct(m.Attainment, 1)), m.Tickets)
		}
		if len(pts) > 1 {
			fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`, colour, strings.Join(pts, " "))
		}
		if a.AttainmentTarget != nil {
			y := float64(top) + plotH*(1-*a.AttainmentTarget/100)
			fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-dasharray="4 3"><title>%s target %s</title></line>`, left, y, float64(left)+plotW, y, colour, esc(a.ID), esc(target(a.AttainmentTarget)))
		}
		ly := top + 14 + si*18
		fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="12" height="12" fill="%s"/><text x="%.1f" y="%d">%s</text>`, float64(left)+plotW+12, ly-10, colour, float64(left)+plotW+30, ly, esc(a.ID))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// breachChart draws the SLAs' response and resolution breaches per
// priority as stacked bars.
func breachChart(r *sla.Report) template.HTML {
	var resp, res [5]int
	for _, a := range r.Agreements {
		if a.Type != "SLA" {
			continue
		}
		for _, p := range a.Priorities {
			i := int(p.Priority[1] - '1')
			resp[i] += p.ResponseBreached
			res[i] += p.ResolutionBreached
		}
	}
	top := 1
	for i := range 5 {
		top = max(top, resp[i]+res[i])
	}
	const W, H, left, topPad, bottom = 420, 220, 40, 12, 40
	plotW, plotH := float64(W-left-120), float64(H-topPad-bottom)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="Breaches per priority">`, W, H, W, H)
	ticks := []int{0, top}
	if top >= 2 {
		ticks = []int{0, top / 2, top}
	}
	for _, v := range ticks {
		y := float64(topPad) + plotH*(1-float64(v)/float64(top))
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e5e7eb"/><text x="%d" y="%.1f" text-anchor="end">%d</text>`, left, y, float64(left)+plotW, y, left-6, y+4, v)
	}
	step := plotW / 5
	for i, p := range sla.Priorities {
		x := float64(left) + step*float64(i) + step*0.2
		bw := step * 0.6
		base := float64(topPad) + plotH
		for _, part := range []struct {
			n      int
			colour string
			what   string
		}{{resp[i], "#d97706", "response"}, {res[i], "#b42318", "resolution"}} {
			if part.n == 0 {
				continue
			}
			h := plotH * float64(part.n) / float64(top)
			base -= h
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s: %d %s</title></rect>`, x, base, bw, h, part.colour, p, part.n, part.what)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`, x+bw/2, H-bottom+16, p)
	}
	lx := float64(left) + plotW + 14
	fmt.Fprintf(&b, `<rect x="%.1f" y="14" width="12" height="12" fill="#d97706"/><text x="%.1f" y="24">response</text>`, lx, lx+18)
	fmt.Fprintf(&b, `<rect x="%.1f" y="32" width="12" height="12" fill="#b42318"/><text x="%.1f" y="42">resolution</text>`, lx, lx+18)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// availabilityChart draws each service's availability as a horizontal bar
// on a scale that starts just below the lowest value or target, with the
// target marked.
func availabilityChart(r *sla.Report) template.HTML {
	if len(r.Services) == 0 {
		return `<p class="muted">No service in the report.</p>`
	}
	lo := 99.0
	for _, s := range r.Services {
		if s.Total != nil {
			lo = math.Min(lo, s.Total.Percent)
			if s.Total.Target != nil {
				lo = math.Min(lo, *s.Total.Target)
			}
		}
	}
	lo = math.Floor(lo*2)/2 - 0.5
	if lo < 0 {
		lo = 0
	}
	const W, left, row = 720, 190, 22
	H := 30 + row*len(r.Services)
	plotW := float64(W - left - 70)
	xOf := func(v float64) float64 { return float64(left) + plotW*(v-lo)/(100-lo) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="Availability per service">`, W, H, W, H)
	for _, v := range []float64{lo, lo + (100-lo)/2, 100} {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="4" x2="%.1f" y2="%d" stroke="#e5e7eb"/><text x="%.1f" y="%d" text-anchor="middle">%s%%</text>`, xOf(v), xOf(v), H-20, xOf(v), H-6, esc(fmt.Sprintf("%g", math.Round(v*100)/100)))
	}
	for i, s := range r.Services {
		y := 6 + i*row
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`, left-8, y+13, esc(s.ID))
		if s.Total == nil {
			continue
		}
		colour := "#059669"
		if s.Total.Met != nil && !*s.Total.Met {
			colour = "#b42318"
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="16" fill="%s"><title>%s: %s</title></rect>`, left, y, math.Max(0, xOf(s.Total.Percent)-float64(left)), colour, esc(s.ID), esc(pct(&s.Total.Percent, 3)))
		fmt.Fprintf(&b, `<text x="%.1f" y="%d">%s</text>`, xOf(100)+6, y+13, esc(pct(&s.Total.Percent, 3)))
		if t := s.Total.Target; t != nil {
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#1d2430" stroke-width="2"><title>target %s</title></line>`, xOf(*t), y-2, xOf(*t), y+18, esc(target(t)))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
