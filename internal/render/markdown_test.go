package render

import (
	"fmt"
	"strings"
	"testing"

	"github.com/smsctl/smsctl/internal/finding"
)

func TestMarkdown(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    *Validation
		want string
	}{
		{
			name: "clean",
			v:    &Validation{Root: "sms", Revision: "0123abcd", Files: 4, Records: 3, PolicyDigest: "sha256:abc"},
			want: "<!-- smsctl validate -->\n## smsctl validate\n\n" +
				"✅ **no errors**, 0 warnings, 0 waived: 3 records in 4 files of `sms` at `0123abcd`\n\n" +
				"Policies: `sha256:abc`\n",
		},
		{
			name: "findings",
			v:    sample(),
			want: "<!-- smsctl validate -->\n## smsctl validate\n\n" +
				"❌ **3 errors**, 1 warning, 1 waived: 4 records in 5 files of `sms`\n\n" +
				"| Severity | Location | Record | Rule | Message |\n" +
				"|---|---|---|---|---|\n" +
				"| ❌ error | `sms/roles/binary.cue` |  | `file` | not UTF-8 text |\n" +
				"| ❌ error | `sms/services/web.cue:6:2` | `service/web` | `reference` | `owner`: person \"bob\" does not exist |\n" +
				"| ❌ error | `sms/services/web.cue:7:15` | `service/web` | `schema` | `status`: invalid value \"alive\" |\n" +
				"| ⚠️ warning | `sms/changes/2026/CHG-2026-0002.cue:3` | `change/CHG-2026-0002` | `change.segregation` (8.5.1.3) | requester approved own change |\n" +
				"\n<details>\n<summary>1 finding waived</summary>\n\n" +
				"| Severity | Location | Record | Rule | Message | Waiver |\n" +
				"|---|---|---|---|---|---|\n" +
				"| error | `sms/changes/2026/CHG-2026-0001.cue:3:10` | `change/CHG-2026-0001` | `change.backout_tested` (8.5.1.2) | `backout_plan.tested`: backout plan not tested | `WVR-0001` until 2027-02-10 |\n" +
				"\n</details>\n\n" +
				"Policies: `sha256:abc`\n",
		},
		{
			name: "escaping",
			v: &Validation{Root: ".", Records: 1, Files: 1, Errors: 1, Findings: []finding.Finding{
				{Rule: "layout", Severity: finding.Error, File: "a|b.cue", Line: 1, Column: 1, Record: "x/a|b",
					Message: "expected `<kind>: \"a|b\"` not <script> *x* | [y](z)\nnext"},
			}},
			want: "<!-- smsctl validate -->\n## smsctl validate\n\n" +
				"❌ **1 error**, 0 warnings, 0 waived: 1 record in 1 file of `.`\n\n" +
				"| Severity | Location | Record | Rule | Message |\n" +
				"|---|---|---|---|---|\n" +
				"| ❌ error | `a\\|b.cue:1:1` | `x/a\\|b` | `layout` | expected `<kind>: \"a\\|b\"` not \\<script\\> \\*x\\* \\| \\[y\\](z) next |\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := write(t, "markdown", tc.v); got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// A long list is cut, errors kept before warnings, and says how many rows
// it left out.
func TestMarkdownLong(t *testing.T) {
	v := &Validation{Root: "."}
	for i := range markdownMaxRows + 5 {
		sev := finding.Error
		if i%2 == 0 {
			sev = finding.Warning
		}
		v.Findings = append(v.Findings, finding.Finding{Rule: "schema", Severity: sev, File: fmt.Sprintf("f%03d.cue", i), Message: "m"})
	}
	v.Errors, v.Warnings = finding.Count(v.Findings)
	out := write(t, "markdown", v)
	if n := strings.Count(out, "\n| ❌ error"); n != v.Errors {
		t.Errorf("%d error rows, want all %d", n, v.Errors)
	}
	if n := strings.Count(out, "\n| ⚠️ warning"); n != markdownMaxRows-v.Errors {
		t.Errorf("%d warning rows, want %d", n, markdownMaxRows-v.Errors)
	}
	if !strings.Contains(out, "… and 5 more") {
		t.Errorf("no note of the rows left out:\n%s", out)
	}
}
