package render

import (
	"bufio"
	"fmt"
	"io"
)

// ANSI escape sequences for text output in colour.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
)

// writeText writes the findings grouped by file: the file's path on a line
// of its own, then its findings indented, "line:column: severity: path:
// message (record) [rule]", and a blank line; findings of no file come
// first, unindented. The summary line ends the output.
func writeText(w io.Writer, v *Validation) error {
	bw := bufio.NewWriter(w)
	es := entries(v)
	for i := 0; i < len(es); {
		file := es[i].File
		j := i
		for j < len(es) && es[j].File == file {
			j++
		}
		indent := ""
		if file != "" {
			indent = "  "
			header := displayPath(v.Root, file)
			if v.Color {
				header = ansiBold + header + ansiReset
			}
			fmt.Fprintln(bw, header)
		}
		for _, e := range es[i:j] {
			fmt.Fprintln(bw, indent+textFinding(e, v.Color))
		}
		fmt.Fprintln(bw)
		i = j
	}
	fmt.Fprintln(bw, summary(v))
	return bw.Flush()
}

// textFinding is one finding's line without its file: the position when
// known, then its detail. In colour, the severity is red for an error and
// yellow for a warning, and a waived finding is dim.
func textFinding(e entry, color bool) string {
	pos := position(e.Finding)
	if pos != "" {
		pos += ": "
	}
	line := pos + detail(e)
	if !color {
		return line
	}
	if e.waived() {
		return ansiDim + line + ansiReset
	}
	sev := e.severity()
	c := ansiYellow
	if sev == "error" {
		c = ansiRed
	}
	return pos + c + sev + ansiReset + line[len(pos)+len(sev):]
}
