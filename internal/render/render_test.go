package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/smsctl/smsctl/internal/finding"
)

// sample is a validation with an error, a warning, a waived policy finding,
// a finding without a position and one without a file, given out of order.
func sample() *Validation {
	return &Validation{
		Root: "sms", Files: 5, Records: 4, Errors: 3, Warnings: 1,
		Findings: []finding.Finding{
			{Rule: "schema", Severity: finding.Error, File: "services/web.cue", Line: 7, Column: 15, Record: "service/web", Path: "status", Message: `invalid value "alive"`},
			{Rule: "reference", Severity: finding.Error, File: "services/web.cue", Line: 6, Column: 2, Record: "service/web", Path: "owner", Message: `person "bob" does not exist`},
			{Rule: "file", Severity: finding.Error, File: "roles/binary.cue", Message: "not UTF-8 text"},
			{Rule: "change.segregation", Severity: finding.Warning, Clause: "8.5.1.3", File: "changes/2026/CHG-2026-0002.cue", Line: 3, Record: "change/CHG-2026-0002", Message: "requester approved own change"},
		},
		Waived: []finding.Waived{{
			Finding: finding.Finding{Rule: "change.backout_tested", Severity: finding.Error, Clause: "8.5.1.2", File: "changes/2026/CHG-2026-0001.cue", Line: 3, Column: 10, Record: "change/CHG-2026-0001", Path: "backout_plan.tested", Message: "backout plan not tested"},
			Waiver:  "WVR-0001", Expires: "2027-02-10",
		}},
		PolicyDigest: "sha256:abc",
	}
}

func write(t *testing.T, format string, v *Validation) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteValidation(&buf, format, v); err != nil {
		t.Fatalf("WriteValidation(%s): %v", format, err)
	}
	return buf.String()
}

func TestText(t *testing.T) {
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
			name: "revision",
			v:    &Validation{Root: ".", Revision: "0123abcd", Files: 1, Records: 1},
			want: "1 record in 1 file at 0123abcd: no findings\n",
		},
		{
			name: "grouped by file",
			v:    sample(),
			want: `sms/changes/2026/CHG-2026-0001.cue
  3:10: waived: backout_plan.tested: backout plan not tested (waived by WVR-0001 until 2027-02-10) (change/CHG-2026-0001) [change.backout_tested]

sms/changes/2026/CHG-2026-0002.cue
  3: warning: requester approved own change (change/CHG-2026-0002) [change.segregation]

sms/roles/binary.cue
  error: not UTF-8 text [file]

sms/services/web.cue
  6:2: error: owner: person "bob" does not exist (service/web) [reference]
  7:15: error: status: invalid value "alive" (service/web) [schema]

4 records in 5 files: 3 errors, 1 warning, 1 waived
`,
		},
		{
			name: "no file, root dot",
			v: &Validation{Root: ".", Files: 1, Records: 1, Errors: 1, Findings: []finding.Finding{
				{Rule: "layout", Severity: finding.Error, File: "sms.cue", Line: 1, Column: 1, Message: "edited schema"},
				{Rule: "layout", Severity: finding.Error, Message: "no records"},
			}},
			want: `error: no records [layout]

sms.cue
  1:1: error: edited schema [layout]

1 record in 1 file: 1 error, 0 warnings
`,
		},
		{
			name: "colour",
			v: func() *Validation {
				v := sample()
				v.Color = true
				v.Findings = v.Findings[1:2]
				v.Findings = append(v.Findings, finding.Finding{Rule: "r", Severity: finding.Warning, File: "services/web.cue", Line: 9, Message: "w"})
				v.Errors, v.Warnings = 1, 1
				return v
			}(),
			want: "\x1b[1msms/changes/2026/CHG-2026-0001.cue\x1b[0m\n" +
				"  \x1b[2m3:10: waived: backout_plan.tested: backout plan not tested (waived by WVR-0001 until 2027-02-10) (change/CHG-2026-0001) [change.backout_tested]\x1b[0m\n" +
				"\n" +
				"\x1b[1msms/services/web.cue\x1b[0m\n" +
				"  6:2: \x1b[31merror\x1b[0m: owner: person \"bob\" does not exist (service/web) [reference]\n" +
				"  9: \x1b[33mwarning\x1b[0m: w [r]\n" +
				"\n" +
				"4 records in 5 files: 1 error, 1 warning, 1 waived\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := write(t, "text", tc.v); got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// Without Color, no output format holds an escape sequence.
func TestNoColourUnlessAsked(t *testing.T) {
	for _, format := range formats {
		if out := write(t, format, sample()); strings.Contains(out, "\x1b") {
			t.Errorf("%s: escape sequence in output:\n%q", format, out)
		}
	}
}

// The JSON output is the Validation itself, without the fields for the
// renderers (Color, Rules).
func TestJSON(t *testing.T) {
	v := sample()
	v.Color = true
	v.Rules = map[string]RuleDoc{"change.segregation": {Title: "t"}}
	v.RepoPrefix = "examples/acme"
	out := write(t, "json", v)
	checkSchema(t, "../../schema/json/validation-1.json", []byte(out))
	if !strings.HasPrefix(out, "{\n  \"smsctl_schema\": \"validation/1\",\n  \"smsctl_version\": \"") {
		t.Errorf("the schema and version do not come first:\n%s", out)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"smsctl_schema", "smsctl_version", "repo_prefix", "root", "files", "records", "errors", "warnings", "findings", "waived", "policy_digest"} {
		if _, ok := got[key]; !ok {
			t.Errorf("no %q in %s", key, out)
		}
	}
	for _, key := range []string{"Color", "color", "Rules", "rules"} {
		if _, ok := got[key]; ok {
			t.Errorf("%q in %s", key, out)
		}
	}
	// empty lists are [], not null
	out = write(t, "json", &Validation{Root: "."})
	checkSchema(t, "../../schema/json/validation-1.json", []byte(out))
	if !strings.Contains(out, `"findings": []`) || !strings.Contains(out, `"waived": []`) {
		t.Errorf("empty lists not []:\n%s", out)
	}
}

// Every format but json (which is the data as given) writes the findings
// in the same order whatever order they came in, and does not reorder the
// caller's slices.
func TestStableOrder(t *testing.T) {
	for _, format := range formats {
		if format == "json" {
			continue
		}
		a, b := sample(), sample()
		for i, j := 0, len(b.Findings)-1; i < j; i, j = i+1, j-1 {
			b.Findings[i], b.Findings[j] = b.Findings[j], b.Findings[i]
		}
		first := b.Findings[0]
		if x, y := write(t, format, a), write(t, format, b); x != y {
			t.Errorf("%s: output depends on input order:\n%s\nvs\n%s", format, x, y)
		}
		if b.Findings[0] != first {
			t.Errorf("%s: reordered the caller's findings", format)
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteValidation(&buf, "yaml", sample()); err == nil || !strings.Contains(err.Error(), `"yaml"`) {
		t.Errorf("err = %v, want unknown output format", err)
	}
}
