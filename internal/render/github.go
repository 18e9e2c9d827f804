package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// writeGitHub writes v as GitHub Actions workflow commands, which annotate
// the files of a pull request: one per finding,
//
//	::error file=F,line=L,col=C,title=RULE::path: message (record)
//
// ::warning for a warning and ::notice for a waived finding; line and col
// are left out when unknown. The summary line follows, as plain output.
func writeGitHub(w io.Writer, v *Validation) error {
	bw := bufio.NewWriter(w)
	for _, e := range entries(v) {
		command := "error"
		switch {
		case e.waived():
			command = "notice"
		case e.Severity != "error":
			command = "warning"
		}
		var props []string
		if file := displayPath(v.Root, e.File); file != "" {
			props = append(props, "file="+escapeGitHubProperty(file))
			if e.Line > 0 {
				props = append(props, fmt.Sprintf("line=%d", e.Line))
				if e.Column > 0 {
					props = append(props, fmt.Sprintf("col=%d", e.Column))
				}
			}
		}
		props = append(props, "title="+escapeGitHubProperty(e.Rule))
		msg := e.message() + recordSuffix(e.Record)
		if e.Path != "" {
			msg = e.Path + ": " + msg
		}
		fmt.Fprintf(bw, "::%s %s::%s\n", command, strings.Join(props, ","), escapeGitHubData(msg))
	}
	fmt.Fprintln(bw, summary(v))
	return bw.Flush()
}

// escapeGitHubData escapes a workflow command's message, as the runner
// unescapes it.
var escapeGitHubData = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace

// escapeGitHubProperty escapes a workflow command's property value, in which
// ":" and "," also delimit.
var escapeGitHubProperty = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace
