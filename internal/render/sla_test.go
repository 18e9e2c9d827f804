package render

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/smsctl/smsctl/internal/sla"
)

func slaFixture() *sla.Report {
	f := func(v float64) *float64 { return &v }
	no := false
	return &sla.Report{
		From: "2026-10-01", To: "2026-10-31", AsOf: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC),
		Months: []string{"2026-10"},
		Agreements: []*sla.AgreementReport{{
			ID: "sla-web", Type: "SLA", Title: `Web <script>alert("x")</script> & "more"`, Party: "shop", Calendar: "24x7",
			AttainmentTarget: f(95), AvailabilityTarget: f(99.5),
			Total: sla.Tally{Tickets: 4, Met: 3, Breached: 1, ResolutionBreached: 1, Attainment: f(75)},
			Priorities: []sla.PriorityReport{{Priority: "P2", Response: "30min", Resolution: "8h",
				Tally: sla.Tally{Tickets: 4, Met: 3, Breached: 1, ResolutionBreached: 1, Attainment: f(75)}}},
			Months: []sla.MonthReport{{Month: "2026-10", Tally: sla.Tally{Tickets: 4, Met: 3, Breached: 1, Attainment: f(75)},
				Availability: &sla.Availability{Percent: 99.2, Target: f(99.5), Met: &no, ServiceTime: 744 * 3600, Downtime: 21420},
				BelowTarget:  []string{"attainment", "availability"}}},
			Availability: &sla.Availability{Percent: 99.2, Target: f(99.5), Met: &no, ServiceTime: 744 * 3600, Downtime: 21420},
			Worst:        []sla.Case{{Kind: "incident", ID: "INC-2026-0001", Priority: "P2", Metric: "resolution", Status: "breached", Elapsed: 9 * 3600, Target: 8 * 3600, Percent: 112.5}},
			BelowTarget:  []string{"attainment", "availability"},
		}},
		Services: []*sla.ServiceReport{{ID: "web", Total: &sla.Availability{Percent: 99.2, Target: f(99.9), Met: &no, ServiceTime: 744 * 3600, Downtime: 21420}}},
	}
}

func TestSLAText(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSLAReport(&b, "text", slaFixture()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"  P2             4     3        1     0     0      75.0%  30min / 8h\n",
		"  attainment 75.0% against 95%: below target\n",
		"  availability 99.20% against 99.5%, downtime 5h57m of 744h00m: below target\n",
		"    INC-2026-0001 P2 resolution 9h00m of 8h00m (113%) breached\n",
		"1 agreement, 1 agreement below target\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, b.String())
		}
	}
}

// The page is one file: the title is escaped, nothing is fetched, and the
// charts are there.
func TestSLAHTML(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSLAReport(&b, "html", slaFixture()); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if strings.Contains(page, "<script") || strings.Contains(page, `alert("x")`) {
		t.Error("the agreement's title reached the page unescaped")
	}
	if !strings.Contains(page, "Web &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;more&#34;") {
		t.Error("the agreement's title is missing, escaped")
	}
	for _, bad := range []string{"http:", "https:", "<link", "src=", "@import", "url("} {
		if strings.Contains(page, bad) {
			t.Errorf("the page refers to something outside it: %q", bad)
		}
	}
	if n := strings.Count(page, "<svg "); n != 3 {
		t.Errorf("%d charts, want 3", n)
	}
	if !strings.Contains(page, `<title>sla-web 2026-10: 75.0% of 4</title>`) || !strings.Contains(page, `<title>P2: 1 resolution</title>`) {
		t.Error("the charts lack their data points")
	}
}

func TestSLACSVAndJSON(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSLAReport(&b, "csv", slaFixture()); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// header, P2, total, one month, one service
	if len(rows) != 5 || rows[2][7] != "all" || rows[2][15] != "75" || rows[2][20] != "attainment availability" || rows[4][2] != "service" {
		t.Errorf("csv rows: %q", rows)
	}
	b.Reset()
	if err := WriteSLAReport(&b, "json", slaFixture()); err != nil {
		t.Fatal(err)
	}
	checkSchema(t, "../../schema/json/report-sla-1.json", b.Bytes())
	var back sla.Report
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || back.Agreements[0].Worst[0].Elapsed != 9*3600 {
		t.Errorf("json does not read back: %v", err)
	}
	if err := WriteSLAReport(&b, "pdf", slaFixture()); err == nil {
		t.Error("an unknown format gave no error")
	}
}

func TestDur(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0m", 27 * time.Minute: "27m", 4*time.Hour + 5*time.Minute: "4h05m", 50 * time.Hour: "50h00m", 89 * time.Second: "1m",
	} {
		if got := Dur(d); got != want {
			t.Errorf("Dur(%v) = %s, want %s", d, got, want)
		}
	}
}
