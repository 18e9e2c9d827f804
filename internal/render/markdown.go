package render

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
)

// markdownMarker starts the comment, so that a CI job can find its earlier
// comment on a pull request and update it rather than add another.
const markdownMarker = "<!-- smsctl validate -->"

// markdownMaxRows bounds each table, keeping the comment well under the
// size a pull-request comment may have (65,536 characters on GitHub).
const markdownMaxRows = 100

// writeMarkdown writes v as a pull-request comment: a heading, a verdict,
// the findings in a table, the waived ones in a collapsed section, and the
// digest of the policies that judged.
func writeMarkdown(w io.Writer, v *Validation) error {
	var active, waived []entry
	for _, e := range entries(v) {
		if e.waived() {
			waived = append(waived, e)
		} else {
			active = append(active, e)
		}
	}
	// errors first, so that a long table loses warnings, not errors
	rank := func(e entry) int {
		if e.Severity == "error" {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(active, func(a, b entry) int { return cmp.Compare(rank(a), rank(b)) })
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, markdownMarker)
	fmt.Fprintln(bw, "## smsctl validate")
	fmt.Fprintln(bw)

	verdict := "✅ **no errors**"
	if v.Errors > 0 {
		verdict = fmt.Sprintf("❌ **%s**", plural(v.Errors, "error"))
	}
	where := ""
	if v.Revision != "" {
		where = " at " + mdCode(v.Revision)
	}
	fmt.Fprintf(bw, "%s, %s, %d waived: %s in %s of %s%s\n",
		verdict, plural(v.Warnings, "warning"), len(waived),
		plural(v.Records, "record"), plural(v.Files, "file"), mdCode(displayRoot(v.Root)), where)

	if len(active) > 0 {
		fmt.Fprintln(bw)
		fmt.Fprintln(bw, "| Severity | Location | Record | Rule | Message |")
		fmt.Fprintln(bw, "|---|---|---|---|---|")
		for _, e := range active[:min(len(active), markdownMaxRows)] {
			sev := "⚠️ warning"
			if e.Severity == "error" {
				sev = "❌ error"
			}
			fmt.Fprintf(bw, "| %s | %s | %s | %s | %s |\n",
				sev, mdLocation(v.Root, e), mdCode(e.Record), mdRule(e), mdMessage(e))
		}
		mdMore(bw, len(active))
	}

	if len(waived) > 0 {
		fmt.Fprintln(bw)
		fmt.Fprintln(bw, "<details>")
		fmt.Fprintf(bw, "<summary>%s waived</summary>\n", plural(len(waived), "finding"))
		fmt.Fprintln(bw)
		fmt.Fprintln(bw, "| Severity | Location | Record | Rule | Message | Waiver |")
		fmt.Fprintln(bw, "|---|---|---|---|---|---|")
		for _, e := range waived[:min(len(waived), markdownMaxRows)] {
			fmt.Fprintf(bw, "| %s | %s | %s | %s | %s | %s until %s |\n",
				mdCell(string(e.Severity)), mdLocation(v.Root, e), mdCode(e.Record), mdRule(e), mdMessage(e),
				mdCode(e.Waiver), mdCell(e.Expires))
		}
		mdMore(bw, len(waived))
		fmt.Fprintln(bw)
		fmt.Fprintln(bw, "</details>")
	}

	if v.PolicyDigest != "" {
		fmt.Fprintln(bw)
		fmt.Fprintf(bw, "Policies: %s\n", mdCode(v.PolicyDigest))
	}
	return bw.Flush()
}

// mdMore notes the rows a table left out.
func mdMore(w io.Writer, n int) {
	if n > markdownMaxRows {
		fmt.Fprintf(w, "\n… and %d more: run `smsctl validate` for them all.\n", n-markdownMaxRows)
	}
}

// mdMessage is the finding's message as a table cell, with its field path
// before it as code.
func mdMessage(e entry) string {
	if e.Path != "" {
		return mdCode(e.Path) + ": " + mdCell(e.Message)
	}
	return mdCell(e.Message)
}

// mdLocation is the finding's location as code, or empty.
func mdLocation(root string, e entry) string {
	return mdCode(location(root, e.Finding))
}

// mdRule is the rule's ID as code, with the clause a policy rule enforces.
func mdRule(e entry) string {
	if e.Clause != "" {
		return mdCode(e.Rule) + " (" + mdCell(e.Clause) + ")"
	}
	return mdCode(e.Rule)
}

// mdCode is s as inline code in a table cell; empty when s is.
func mdCode(s string) string {
	if s == "" {
		return ""
	}
	s = strings.ReplaceAll(oneLineText(s), "|", `\|`)
	if strings.Contains(s, "`") {
		return "`` " + s + " ``"
	}
	return "`" + s + "`"
}

// mdCell is s as the text of a table cell: on one line, with "|" escaped
// and the characters that Markdown or HTML would take for markup escaped
// too, except inside `code` spans, which are kept.
func mdCell(s string) string {
	s = oneLineText(s)
	if strings.Count(s, "`")%2 != 0 {
		return mdEscape(s)
	}
	parts := strings.Split(s, "`")
	for i, p := range parts {
		if i%2 == 0 {
			parts[i] = mdEscape(p)
		} else {
			parts[i] = strings.ReplaceAll(p, "|", `\|`)
		}
	}
	return strings.Join(parts, "`")
}

// mdEscape backslash-escapes the characters that are markup in Markdown
// text (and "<", which would start HTML).
var mdEscape = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", `\<`, ">", `\>`, "|", `\|`, "~", `\~`, "&", `\&`,
).Replace

// oneLineText puts s on one line.
var oneLineText = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace
