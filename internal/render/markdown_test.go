package render

import (
	"bytes"
	"fmt"
	"slices"
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

// hostile are strings a record, path or message could hold that would
// open raw HTML, links, images or table structure if written as they are.
var hostile = []string{
	"a``<img src=x>``b",
	"<details><summary>x</summary>",
	"](http://x) [y](http://evil.example) ![i](http://x/i.png)",
	"a|b||c",
	"first\nsecond\r\nthird\r<script>",
	"`", "``", "```x```", "a`b``c", "` `", "x `` y",
	"&lt;img src=x&gt; &#60;b&#62;",
	"# heading *em* _em_ ~~del~~ $x^2$ <!-- c -->",
	`\|`, `a\`, "`<b>`", "`` `<b>` ``",
}

// TestMarkdownHostile puts hostile text in every field the markdown shows
// and checks, with a reader of CommonMark's code spans and escapes, that
// none of it is read as markup and that every table row keeps its columns.
func TestMarkdownHostile(t *testing.T) {
	for _, h := range hostile {
		v := &Validation{Root: h, Revision: h, Records: 1, Files: 1, Errors: 1, Warnings: 0, PolicyDigest: h,
			Findings: []finding.Finding{
				{Rule: h, Clause: h, Severity: finding.Error, File: h, Line: 1, Record: h, Path: h, Message: h},
			},
			Waived: []finding.Waived{{
				Finding: finding.Finding{Rule: h, Clause: h, Severity: finding.Error, File: h, Record: h, Path: h, Message: h},
				Waiver:  h, Expires: h,
			}}}
		out := write(t, "markdown", v)
		if strings.Contains(out, "<img") && !strings.Contains(out, "`<img") && !strings.Contains(out, `\<img`) {
			t.Errorf("%q: raw <img in\n%s", h, out)
		}
		lines := strings.Split(out, "\n")
		cols := 0
		for i, line := range lines {
			switch {
			case line == "<!-- smsctl validate -->", line == "<details>", line == "</details>",
				strings.HasPrefix(line, "<summary>") && !strings.ContainsAny(strings.TrimSuffix(strings.TrimPrefix(line, "<summary>"), "</summary>"), "<>"):
				continue // smsctl's own HTML
			case strings.HasPrefix(line, "|"):
				cells := splitRow(line)
				if strings.HasPrefix(line, "| Severity") {
					cols = len(cells)
				} else if len(cells) != cols {
					t.Errorf("%q: line %d has %d cells, want %d: %s", h, i+1, len(cells), cols, line)
				}
				for _, c := range cells {
					if raw := markup(c); raw != "" {
						t.Errorf("%q: line %d: cell %q has markup %q outside code and escapes", h, i+1, c, raw)
					}
				}
			case strings.HasPrefix(line, "❌") || strings.HasPrefix(line, "✅") || strings.HasPrefix(line, "Policies:"):
				rest := strings.NewReplacer("**", "").Replace(line)
				if raw := markup(rest); raw != "" {
					t.Errorf("%q: line %d has markup %q outside code: %s", h, i+1, raw, line)
				}
			case strings.HasPrefix(line, "##") && line != "## smsctl validate":
				t.Errorf("%q: a heading of the text's own: %s", h, line)
			}
		}
		// the code spans give the text back (on one line, "|" escaped)
		want := strings.ReplaceAll(oneLineText(h), "|", `\|`)
		if !slices.Contains(codeSpans(out), want) {
			t.Errorf("%q: no code span holds %q:\n%s", h, want, out)
		}
	}
}

// splitRow splits a table row on the pipes GFM splits on: those not
// escaped with a backslash (even inside code spans).
func splitRow(line string) []string {
	var cells []string
	cur := ""
	for i := 0; i < len(line); i++ {
		if line[i] == '\\' && i+1 < len(line) && line[i+1] == '|' {
			cur += `\|`
			i++
			continue
		}
		if line[i] == '|' {
			cells = append(cells, cur)
			cur = ""
			continue
		}
		cur += string(line[i])
	}
	cells = append(cells, cur)
	return cells[1 : len(cells)-1] // outside the leading and trailing pipes
}

// markup reads s as CommonMark inline text and returns the characters
// outside code spans and backslash escapes that could start markup (HTML,
// entities, links, images, emphasis, math, code; "#" is markup only where
// a line starts): "" when there are none.
// An unclosed run of backticks is markup too.
func markup(s string) string {
	var raw strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", s[i+1]) >= 0:
			i += 2
		case c == '`':
			n := backticks(s[i:])
			end := closingRun(s[i+n:], n)
			if end < 0 {
				raw.WriteString(s[i : i+n])
				i += n
				continue
			}
			i += n + end + n
		default:
			if strings.IndexByte("<>&[]*_~$!`", c) >= 0 {
				raw.WriteByte(c)
			}
			i++
		}
	}
	return raw.String()
}

// codeSpans returns the contents of the code spans in out, as CommonMark
// reads them (one space stripped from each end when both have one).
func codeSpans(out string) []string {
	var spans []string
	for _, line := range strings.Split(out, "\n") {
		for i := 0; i < len(line); {
			switch {
			case line[i] == '\\' && i+1 < len(line):
				i += 2
			case line[i] == '`':
				n := backticks(line[i:])
				end := closingRun(line[i+n:], n)
				if end < 0 {
					i += n
					continue
				}
				code := line[i+n : i+n+end]
				if len(code) >= 2 && code[0] == ' ' && code[len(code)-1] == ' ' && strings.Trim(code, " ") != "" {
					code = code[1 : len(code)-1]
				}
				spans = append(spans, code)
				i += n + end + n
			default:
				i++
			}
		}
	}
	return spans
}

// Text that starts a list item or heading cannot make one of its own.
func TestMarkdownCellStart(t *testing.T) {
	for in, want := range map[string]string{
		"# heading":   `\# heading`,
		"issue #142":  "issue #142",
		"`#` in code": "`#` in code",
	} {
		if got := mdCell(in); got != want {
			t.Errorf("mdCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// However many and however long the findings, the comment stays within
// GitHub's limit, with the verdict, the counts per rule, the waived
// section and the digest; long cells are cut.
func TestMarkdownBudget(t *testing.T) {
	long := strings.Repeat("Überprüfung 🚀 of a very long message | with `code` ", 60)
	for _, n := range []int{42, 3000} {
		v := &Validation{Root: ".", PolicyDigest: "sha256:digest"}
		for i := range n {
			v.Findings = append(v.Findings, finding.Finding{Rule: fmt.Sprintf("rule.%d", i%3), Severity: finding.Error, File: fmt.Sprintf("changes/%04d.cue", i), Line: 3, Record: "change/" + strings.Repeat("X", 300), Message: long})
		}
		for i := range 50 {
			v.Waived = append(v.Waived, finding.Waived{Finding: finding.Finding{Rule: "w", Severity: finding.Warning, File: fmt.Sprintf("w/%d.cue", i), Message: long}, Waiver: "WVR-0001", Expires: "2027-01-01"})
		}
		v.Errors = n
		out := write(t, "markdown", v)
		if len(out) > markdownBudget {
			t.Errorf("%d findings: %d bytes, over %d", n, len(out), markdownBudget)
		}
		wants := []string{"❌ **" + plural(n, "error") + "**", "50 waived", "<summary>50 findings waived</summary>", "</details>", "Policies: `sha256:digest`"}
		if n > markdownMaxRows {
			wants = append(wants, "| Rule | Errors | Warnings | Waived |", fmt.Sprintf("| `rule.0` | %d | 0 | 0 |", (n+2)/3), "| `w` | 0 | 0 | 50 |", "more: run `smsctl validate` for them all.")
		} else if rows := strings.Count(out, "\n| ❌ error"); rows != n {
			t.Errorf("%d findings: %d rows, when the cut cells fit", n, rows)
		}
		for _, want := range wants {
			if !strings.Contains(out, want) {
				t.Errorf("%d findings: no %q", n, want)
			}
		}
		if strings.Contains(out, long) || !strings.Contains(out, "…") {
			t.Errorf("%d findings: long cells not cut", n)
		}

		// the job's summary holds every finding, within GitHub's 1 MiB
		var b bytes.Buffer
		if err := WriteStepSummary(&b, v); err != nil {
			t.Fatal(err)
		}
		rows := strings.Count(b.String(), "\n| ❌ error")
		if b.Len() > stepSummaryBudget || (n == 42 && rows != 42) || rows < 42 {
			t.Errorf("%d findings: step summary %d bytes, %d error rows", n, b.Len(), rows)
		}
	}
	// a short comment has no counts table
	if out := write(t, "markdown", sample()); strings.Contains(out, "| Rule | Errors") {
		t.Errorf("counts on a short comment:\n%s", out)
	}
}
