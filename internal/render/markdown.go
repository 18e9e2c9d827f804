package render

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/smsctl/smsctl/internal/finding"
)

// markdownMarker starts the comment, so that a CI job can find its earlier
// comment on a pull request and update it rather than add another.
const markdownMarker = "<!-- smsctl validate -->"

// markdownMaxRows bounds each table of a pull-request comment.
const markdownMaxRows = 100

// markdownBudget is the most bytes -o markdown writes: below the 65,536
// characters GitHub takes in a pull-request comment or check run summary
// (a byte is at most a character), with room to spare. The rows of the
// tables give way; the verdict, the counts, the waived count and the
// policies' digest are always there.
const markdownBudget = 60000

// stepSummaryBudget is the most bytes WriteStepSummary writes: GitHub
// takes up to 1 MiB of step summary per step.
const stepSummaryBudget = 1000000

// markdownCellMax bounds a message cell, in runes; other cells are bounded
// by markdownShortCellMax. A cut cell ends with "…".
const (
	markdownCellMax      = 400
	markdownShortCellMax = 160
)

// writeMarkdown writes v as a pull-request comment: a heading, a verdict,
// the findings in a table, the waived ones in a collapsed section, and the
// digest of the policies that judged; within markdownBudget.
func writeMarkdown(w io.Writer, v *Validation) error {
	return writeMarkdownBudget(w, v, markdownBudget, markdownMaxRows)
}

// WriteStepSummary writes v as markdown for GitHub Actions' job summary
// (the file GITHUB_STEP_SUMMARY names): the comment's layout with every
// finding, up to GitHub's 1 MiB, so that a fork's pull request, which gets
// no comment, still shows the whole verdict.
func WriteStepSummary(w io.Writer, v *Validation) error {
	if v.Findings == nil {
		v.Findings = []finding.Finding{}
	}
	return writeMarkdownBudget(w, v, stepSummaryBudget, -1)
}

// writeMarkdownBudget writes the markdown within budget bytes and at most
// maxRows rows a table (-1: no bound). Errors come before warnings, so a
// cut table loses warnings first; when rows are left out, a table of
// counts per rule and severity says what all the findings were.
func writeMarkdownBudget(w io.Writer, v *Validation, budget, maxRows int) error {
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

	var head strings.Builder
	fmt.Fprintln(&head, markdownMarker)
	fmt.Fprintln(&head, "## smsctl validate")
	fmt.Fprintln(&head)
	verdict := "✅ **no errors**"
	if v.Errors > 0 {
		verdict = fmt.Sprintf("❌ **%s**", plural(v.Errors, "error"))
	}
	where := ""
	if v.Revision != "" {
		where = " at " + mdInlineCode(v.Revision)
	}
	fmt.Fprintf(&head, "%s, %s, %d waived: %s in %s of %s%s\n",
		verdict, plural(v.Warnings, "warning"), len(waived),
		plural(v.Records, "record"), plural(v.Files, "file"), mdInlineCode(displayRoot(v.Root)), where)

	var foot strings.Builder
	if v.PolicyDigest != "" {
		fmt.Fprintln(&foot)
		fmt.Fprintf(&foot, "Policies: %s\n", mdInlineCode(v.PolicyDigest))
	}

	activeRows := make([]string, len(active))
	for i, e := range active {
		sev := "⚠️ warning"
		if e.Severity == "error" {
			sev = "❌ error"
		}
		activeRows[i] = fmt.Sprintf("| %s | %s | %s | %s | %s |\n",
			sev, mdLocation(v, e), mdCode(mdCut(e.Record, markdownShortCellMax)), mdRule(e), mdMessage(e))
	}
	waivedRows := make([]string, len(waived))
	for i, e := range waived {
		waivedRows[i] = fmt.Sprintf("| %s | %s | %s | %s | %s | %s until %s |\n",
			mdCell(string(e.Severity)+atBase(e.Finding)), mdLocation(v, e), mdCode(mdCut(e.Record, markdownShortCellMax)), mdRule(e), mdMessage(e),
			mdCode(mdCut(e.Waiver, markdownShortCellMax)), mdCell(mdCut(e.Expires, markdownShortCellMax)))
	}

	// What always goes out, and room for the notes on rows left out.
	const activeHeader = "\n| Severity | Location | Record | Rule | Message |\n|---|---|---|---|---|\n"
	const waivedHeader = "| Severity | Location | Record | Rule | Message | Waiver |\n|---|---|---|---|---|---|\n"
	waivedOpen := fmt.Sprintf("\n<details>\n<summary>%s waived</summary>\n\n", plural(len(waived), "finding"))
	const waivedClose = "\n</details>\n"
	const moreReserve = 120
	fixed := head.Len() + foot.Len()
	if len(active) > 0 {
		fixed += len(activeHeader) + moreReserve
	}
	if len(waived) > 0 {
		fixed += len(waivedOpen) + len(waivedHeader) + len(waivedClose) + moreReserve
	}
	counts := mdRuleCounts(active, waived)
	left := budget - fixed
	take := func(rows []string) int {
		n := 0
		for n < len(rows) && (maxRows < 0 || n < maxRows) && len(rows[n]) <= left {
			left -= len(rows[n])
			n++
		}
		return n
	}
	// The counts go in only when a table is cut; they must fit first.
	nActive, nWaived := len(active), len(waived)
	if cut := func() bool {
		total := 0
		for _, r := range activeRows {
			total += len(r)
		}
		for _, r := range waivedRows {
			total += len(r)
		}
		return total > left || (maxRows >= 0 && (len(active) > maxRows || len(waived) > maxRows))
	}(); cut {
		left -= len(counts)
		nActive = take(activeRows)
		nWaived = take(waivedRows)
	} else {
		counts = ""
	}

	bw := bufio.NewWriter(w)
	bw.WriteString(head.String())
	bw.WriteString(counts)
	if len(active) > 0 {
		bw.WriteString(activeHeader)
		for _, r := range activeRows[:nActive] {
			bw.WriteString(r)
		}
		mdMore(bw, len(active)-nActive)
	}
	if len(waived) > 0 {
		bw.WriteString(waivedOpen)
		bw.WriteString(waivedHeader)
		for _, r := range waivedRows[:nWaived] {
			bw.WriteString(r)
		}
		mdMore(bw, len(waived)-nWaived)
		bw.WriteString(waivedClose)
	}
	bw.WriteString(foot.String())
	return bw.Flush()
}

// mdRuleCounts is a table of findings per rule: errors, warnings, waived.
func mdRuleCounts(active, waived []entry) string {
	type count struct{ errors, warnings, waived int }
	by := map[string]*count{}
	var rules []string
	add := func(e entry) *count {
		c, ok := by[e.Rule]
		if !ok {
			c = &count{}
			by[e.Rule] = c
			rules = append(rules, e.Rule)
		}
		return c
	}
	for _, e := range active {
		if e.Severity == "error" {
			add(e).errors++
		} else {
			add(e).warnings++
		}
	}
	for _, e := range waived {
		add(e).waived++
	}
	slices.Sort(rules)
	var b strings.Builder
	b.WriteString("\n| Rule | Errors | Warnings | Waived |\n|---|---:|---:|---:|\n")
	for _, r := range rules {
		c := by[r]
		fmt.Fprintf(&b, "| %s | %d | %d | %d |\n", mdCode(mdCut(r, markdownShortCellMax)), c.errors, c.warnings, c.waived)
	}
	return b.String()
}

// mdCut cuts s, raw text, to at most n runes, ending a cut one with "…".
func mdCut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// mdMore notes the rows a table left out.
func mdMore(w io.Writer, n int) {
	if n > 0 {
		fmt.Fprintf(w, "\n… and %d more: run `smsctl validate` for them all.\n", n)
	}
}

// mdMessage is the finding's message as a table cell, with its field path
// before it as code.
func mdMessage(e entry) string {
	msg := mdCell(mdCut(e.Message, markdownCellMax))
	if e.Path != "" {
		return mdCode(mdCut(e.Path, markdownShortCellMax)) + ": " + msg
	}
	return msg
}

// mdLocation is the finding's location as code, or empty: the path from
// the repository's root, as GitHub shows files.
func mdLocation(v *Validation, e entry) string {
	f := e.Finding
	f.File = repoPath(v, f.File)
	return mdCode(mdCut(f.Location(), markdownShortCellMax))
}

// mdRule is the rule's ID as code, with the clause a policy rule enforces.
func mdRule(e entry) string {
	rule := mdCode(mdCut(e.Rule, markdownShortCellMax))
	if e.Clause != "" {
		return rule + " (" + mdCell(mdCut(e.Clause, markdownShortCellMax)) + ")"
	}
	return rule
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
