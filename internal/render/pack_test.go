package render

import (
	"strings"
	"testing"
	"time"

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
