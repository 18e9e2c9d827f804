package render

import (
	"fmt"
	"strings"
	"testing"

	"github.com/smsctl/smsctl/internal/finding"
)

func TestGitHub(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    *Validation
		want string
	}{
		{
			name: "clean",
			v:    &Validation{Root: "sms", Files: 4, Records: 3},
			want: "3 records in 4 files: no findings\n",
		},
		{
			name: "findings",
			v:    sample(),
			want: `::error file=sms/roles/binary.cue,title=file::not UTF-8 text
::error file=sms/services/web.cue,line=6,col=2,title=reference::owner: person "bob" does not exist (service/web)
::error file=sms/services/web.cue,line=7,col=15,title=schema::status: invalid value "alive" (service/web)
::warning file=sms/changes/2026/CHG-2026-0002.cue,line=3,title=change.segregation::requester approved own change (change/CHG-2026-0002)
::notice file=sms/changes/2026/CHG-2026-0001.cue,line=3,col=10,title=change.backout_tested::backout_plan.tested: backout plan not tested (waived by WVR-0001 until 2027-02-10) (change/CHG-2026-0001)
4 records in 5 files: 3 errors, 1 warning, 1 waived
`,
		},
		{
			name: "a subfolder: paths from the repository root",
			v: &Validation{Root: ".", RepoPrefix: "examples/acme", Errors: 1, Findings: []finding.Finding{
				{Rule: "schema", Severity: finding.Error, File: "changes/2026/CHG-2026-0001.cue", Line: 2, Message: "x"},
			}},
			want: "::error file=examples/acme/changes/2026/CHG-2026-0001.cue,line=2,title=schema::x\n" +
				"0 records in 0 files: 1 error, 0 warnings\n",
		},
		{
			name: "escaping",
			v: &Validation{Root: ".", Errors: 1, Findings: []finding.Finding{
				{Rule: "a:b,c", Severity: finding.Error, File: "x,y:z%.cue", Line: 2, Message: "100% bad\r\nnext: line, ::error::x"},
				{Rule: "layout", Severity: finding.Error, Message: "no file"},
			}},
			want: "::error title=layout::no file\n" +
				"::error file=x%2Cy%3Az%25.cue,line=2,title=a%3Ab%2Cc::100%25 bad%0D%0Anext: line, ::error::x\n" +
				"0 records in 0 files: 1 error, 0 warnings\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := write(t, "github", tc.v); got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// At most ten annotations of each severity, errors first, then one notice
// with what was left out.
func TestGitHubVolume(t *testing.T) {
	v := &Validation{Root: "."}
	for i := range 25 {
		v.Findings = append(v.Findings, finding.Finding{Rule: "w", Severity: finding.Warning, File: fmt.Sprintf("a/%02d.cue", i), Line: 1, Message: "w"})
		v.Findings = append(v.Findings, finding.Finding{Rule: "e", Severity: finding.Error, File: fmt.Sprintf("z/%02d.cue", i), Line: 1, Message: "e"})
	}
	v.Waived = []finding.Waived{{Finding: finding.Finding{Rule: "x", Severity: finding.Error, File: "b.cue", Message: "x"}, Waiver: "WVR-0001", Expires: "2027-01-01"}}
	v.Errors, v.Warnings = 25, 25
	lines := strings.Split(strings.TrimSuffix(write(t, "github", v), "\n"), "\n")
	count := map[string]int{}
	for i, l := range lines[:len(lines)-2] {
		cmd, _, _ := strings.Cut(l, " ")
		count[cmd]++
		if i < 10 && cmd != "::error" {
			t.Errorf("line %d is %s: errors come first", i, cmd)
		}
	}
	if count["::error"] != 10 || count["::warning"] != 10 || count["::notice"] != 1 {
		t.Errorf("annotations %v, want 10 errors, 10 warnings, the waived notice", count)
	}
	want := "::notice title=smsctl::15 errors, 15 warnings more not annotated (GitHub shows about 10 of each kind): the job's summary and smsctl validate list them all"
	if got := lines[len(lines)-2]; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
