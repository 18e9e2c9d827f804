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
		where = " at " + mdInlineCode(v.Revision)
	}
	fmt.Fprintf(bw, "%s, %s, %d waived: %s in %s of %s%s\n",
		verdict, plural(v.Warnings, "warning"), len(waived),
		plural(v.Records, "record"), plural(v.Files, "file"), mdInlineCode(displayRoot(v.Root)), where)

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
		fmt.Fprintf(bw, "Policies: %s\n", mdInlineCode(v.PolicyDigest))
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

// Markdown escaping. Every string that comes from the repository (record
// IDs, field paths, file paths, messages, rule IDs, clauses, waivers) is
// written either as a code span or as escaped text, never as markup:
//
//   - a code span's fence is one backtick longer than the longest run of
//     backticks inside it (CommonMark: a span closes only on a run of the
//     same length), padded with a space when the text starts or ends with a
//     backtick or a space, so the text cannot close it and open raw HTML;
//     inside a span "<", "&" and the rest are literal;
//   - text outside code spans has every ASCII character that can start
//     markup or raw HTML in GitHub's renderer backslash-escaped;
//   - in a table cell every "|" is escaped (GFM splits cells on "|" even
//     inside a code span, and unescapes "\|" there) and line breaks become
//     spaces, so a row keeps its columns.

// mdCode is s as inline code in a table cell; empty when s is.
func mdCode(s string) string {
	if s == "" {
		return ""
	}
	return codeSpan(strings.ReplaceAll(oneLineText(s), "|", `\|`))
}

// mdInlineCode is s as inline code outside a table; empty when s is.
func mdInlineCode(s string) string {
	if s == "" {
		return ""
	}
	return codeSpan(oneLineText(s))
}

// codeSpan fences s, on one line, as a code span nothing in s can close.
func codeSpan(s string) string {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	// CommonMark strips one space from each end when both ends have one;
	// pad, so that a backtick or space at either end is kept.
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") ||
		(strings.HasPrefix(s, " ") && strings.HasSuffix(s, " ") && strings.Trim(s, " ") != "") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// mdCell is s as the text of a table cell (or list item): on one line, with "|" escaped and every character that Markdown or HTML
// would take for markup escaped, except that the code spans s holds (as
// CommonMark reads them: a run of backticks up to the next run of the same
// length) are kept as code, fenced anew by codeSpan. A backtick that opens
// no span is escaped.
func mdCell(s string) string {
	s = oneLineText(s)
	var b strings.Builder
	for s != "" {
		i := strings.IndexByte(s, '`')
		if i < 0 {
			b.WriteString(mdEscape(s))
			break
		}
		b.WriteString(mdEscape(s[:i]))
		n := backticks(s[i:])
		rest := s[i+n:]
		end := closingRun(rest, n)
		if end < 0 {
			b.WriteString(strings.Repeat("\\`", n))
			s = rest
			continue
		}
		code := rest[:end]
		if len(code) >= 2 && code[0] == ' ' && code[len(code)-1] == ' ' && strings.Trim(code, " ") != "" {
			code = code[1 : len(code)-1]
		}
		b.WriteString(mdCode(code))
		s = rest[end+n:]
	}
	out := b.String()
	if strings.HasPrefix(out, "#") {
		out = `\` + out // a heading, where the text starts a line
	}
	return out
}

// backticks counts the backticks s starts with.
func backticks(s string) int {
	n := 0
	for n < len(s) && s[n] == '`' {
		n++
	}
	return n
}

// closingRun is the index in s of the first run of exactly n backticks, or
// -1.
func closingRun(s string, n int) int {
	for i := 0; i < len(s); {
		if s[i] != '`' {
			i++
			continue
		}
		m := backticks(s[i:])
		if m == n {
			return i
		}
		i += m
	}
	return -1
}

// mdEscape backslash-escapes the characters that are markup in GitHub's
// Markdown text: emphasis, links and images, raw HTML and entities,
// tables, strikethrough, math, code. A "#" is markup only where a line
// starts (mdCell escapes it there), and elsewhere refers to an issue.
var mdEscape = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", `\<`, ">", `\>`, "|", `\|`, "~", `\~`, "&", `\&`,
	"!", `\!`, "$", `\$`,
).Replace

// oneLineText puts s on one line.
var oneLineText = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace
