package render

import (
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
			want: `::notice file=sms/changes/2026/CHG-2026-0001.cue,line=3,col=10,title=change.backout_tested::backout_plan.tested: backout plan not tested (waived by WVR-0001 until 2027-02-10) (change/CHG-2026-0001)
::warning file=sms/changes/2026/CHG-2026-0002.cue,line=3,title=change.segregation::requester approved own change (change/CHG-2026-0002)
::error file=sms/roles/binary.cue,title=file::not UTF-8 text
::error file=sms/services/web.cue,line=6,col=2,title=reference::owner: person "bob" does not exist (service/web)
::error file=sms/services/web.cue,line=7,col=15,title=schema::status: invalid value "alive" (service/web)
4 records in 5 files: 3 errors, 1 warning, 1 waived
`,
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
