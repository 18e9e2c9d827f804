package render

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/smsctl/smsctl/internal/auditctl"
)

// Record text is escaped in the page, and the CSV files quote it.
func TestPackHTMLEscapes(t *testing.T) {
	d := &PackData{
		Organisation: "Acme <Ltd>", Now: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), Head: strings.Repeat("a", 40),
		Readiness: &auditctl.ReadinessReport{Clauses: []auditctl.Clause{{Clause: "8.5.1", Title: "Change management", Status: auditctl.Met, Reason: "ok", Evidence: []string{"1 change"}}}, Met: 1},
		Verify:    &auditctl.VerifyReport{Commits: []auditctl.CommitCheck{}, Findings: []auditctl.Finding{}},
		Changes: []PackChange{{ID: "CHG-2026-0001", Title: `<script>alert("x")</script>, "quoted"`, Approvals: []PackApproval{{By: "ann", Role: "change-manager", At: "2026-01-02", Decision: "approved"}},
			Trail: []PackTrailEntry{{Commit: strings.Repeat("b", 40), PR: 7, Fields: []string{"status"}, Approvals: []string{"approved in #7 by ann"}}}}},
		SLAFile: "sla.html",
	}
	page, err := PackHTML(d)
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	if strings.Contains(html, "<script>") || !strings.Contains(html, "&lt;script&gt;") || !strings.Contains(html, "Acme &lt;Ltd&gt;") {
		t.Error("record text is not escaped in the page")
	}
	for _, want := range []string{`<tr id="clause-8.5.1"><td><a href="#changes">8.5.1</a></td>`, `<section id="change-CHG-2026-0001" class="change">`, "<td>ann</td><td>change-manager</td>", "approved in #7 by ann", "No findings: every control held."} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	csvs, err := PackCSV(d)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(csvs["changes.csv"]); !strings.Contains(got, `CHG-2026-0001,"<script>alert(""x"")</script>, ""quoted""",`) || !strings.Contains(got, "approved ann as change-manager at 2026-01-02,#7") {
		t.Errorf("changes.csv:\n%s", got)
	}
	if !strings.HasPrefix(string(csvs["change-trails.csv"]), "change,commit,when,pr,status,author,subject,fields,approvals\nCHG-2026-0001,bbbb") {
		t.Errorf("change-trails.csv:\n%s", csvs["change-trails.csv"])
	}
}

// No cell of any CSV in the pack starts a formula, whatever the records
// say; numbers stay numbers.
func TestPackCSVGuardsFormulas(t *testing.T) {
	d := &PackData{
		Now: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), Head: strings.Repeat("a", 40),
		Readiness: &auditctl.ReadinessReport{},
		Verify: &auditctl.VerifyReport{Commits: []auditctl.CommitCheck{}, Findings: []auditctl.Finding{
			{Rule: "r", Severity: "error", Commit: "c", Message: "@SUM(1+1)"},
		}},
		Records: []PackRecord{
			{Kind: "change", ID: "CHG-2026-0001", Title: `=HYPERLINK("https://evil.example","x")`, Status: "-1+1", File: "+f"},
			{Kind: "incident", ID: "INC-2026-0001", Title: "\t=1+1", Status: "\r=1", File: "-5"},
		},
		Changes: []PackChange{{ID: "CHG-2026-0001", Title: "@cmd|' /C calc'!A0"}},
	}
	csvs, err := PackCSV(d)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range csvs {
		rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, row := range rows {
			for _, cell := range row {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) && cell != "-5" {
					t.Errorf("%s: cell %q starts a formula", name, cell)
				}
			}
		}
	}
	if got := string(csvs["records.csv"]); !strings.Contains(got, `'=HYPERLINK(""https://evil.example"",""x"")`) || !strings.Contains(got, ",-5\n") {
		t.Errorf("records.csv:\n%s", got)
	}
}

func TestGuardCSVCell(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "plain": "plain", "=1+1": "'=1+1", "+1+1": "'+1+1", "-1+1": "'-1+1", "@x": "'@x",
		"\t=x": "'\t=x", "\r=x": "'\r=x", "-5": "-5", "+1.5": "+1.5", "12": "12", "a=b": "a=b", "'=x": "'=x",
	} {
		if got := guardCSVCell(in); got != want {
			t.Errorf("guardCSVCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// Every id in the pack's page is a valid HTML id (no whitespace, unique),
// and every fragment link finds one.
func TestPackHTMLIDs(t *testing.T) {
	d := &PackData{
		Now: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), Head: strings.Repeat("a", 40),
		Readiness: &auditctl.ReadinessReport{Clauses: []auditctl.Clause{
			{Clause: "9.1, 9.4", Title: "Monitoring", Status: auditctl.Met},
			{Clause: "4.1 – 4.2", Title: "Context", Status: auditctl.Missing},
			{Clause: "8.5.1", Title: "Change management", Status: auditctl.Met},
		}},
		Verify:  &auditctl.VerifyReport{Commits: []auditctl.CommitCheck{}, Findings: []auditctl.Finding{}},
		Records: []PackRecord{{Kind: "change", ID: "CHG 2026/1", Title: "t"}},
		Changes: []PackChange{{ID: "CHG 2026/1", Title: "t"}},
		Samples: []*auditctl.SampleReport{{Kind: "change", Records: []auditctl.Sampled{{Kind: "change", ID: "CHG 2026/1"}}}},
	}
	page, err := PackHTML(d)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	ids, links := map[string]bool{}, []string{}
	for n := range doc.Descendants() {
		for _, a := range n.Attr {
			switch {
			case a.Key == "id":
				if a.Val == "" || strings.ContainsAny(a.Val, " \t\n\f\r") {
					t.Errorf("invalid id %q", a.Val)
				}
				if ids[a.Val] {
					t.Errorf("id %q twice", a.Val)
				}
				ids[a.Val] = true
			case a.Key == "href" && strings.HasPrefix(a.Val, "#"):
				links = append(links, a.Val[1:])
			}
		}
	}
	for _, l := range links {
		if !ids[l] {
			t.Errorf("link #%s finds no id", l)
		}
	}
	if !ids["clause-9.1-9.4"] || !ids["change-CHG-2026-1"] {
		t.Errorf("ids %v", ids)
	}
}
