package render

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
)

// githubMaxPerSeverity is how many annotations of each severity -o github
// writes: GitHub shows about ten of each type per step and drops the rest.
const githubMaxPerSeverity = 10

// repoPath is file (relative to the SMS folder) as GitHub resolves paths:
// from the repository's root when the SMS is a subfolder (RepoPrefix),
// else joined to Root as the user named it (the working directory is the
// checkout's root in CI).
func repoPath(v *Validation, file string) string {
	if file == "" {
		return ""
	}
	if v.RepoPrefix != "" {
		return path.Join(v.RepoPrefix, file)
	}
	return displayPath(v.Root, file)
}

// writeGitHub writes v as GitHub Actions workflow commands, which annotate
// the files of a pull request:
//
//	::error file=F,line=L,col=C,title=RULE::path: message (record)
//
// ::warning for a warning and ::notice for a waived finding; line and col
// are left out when unknown; F is relative to the repository's root. At
// most ten of each, errors first, then warnings, then waived findings;
// when some are left out, one notice says how many and where they all are
// (the job's summary, which smsctl writes to GITHUB_STEP_SUMMARY, and
// smsctl validate). The summary line follows, as plain output.
func writeGitHub(w io.Writer, v *Validation) error {
	bw := bufio.NewWriter(w)
	// Annotations are for what the pull request introduced: a finding the
	// base already had is counted in the summary, not annotated.
	es := slices.DeleteFunc(entries(v), func(e entry) bool { return e.Preexisting })
	rank := func(e entry) int {
		switch {
		case e.waived():
			return 2
		case e.Severity == "error":
			return 0
		}
		return 1
	}
	slices.SortStableFunc(es, func(a, b entry) int { return cmp.Compare(rank(a), rank(b)) })
	shown := [3]int{}
	left := [3]int{}
	for _, e := range es {
		r := rank(e)
		if shown[r] == githubMaxPerSeverity {
			left[r]++
			continue
		}
		shown[r]++
		command := [3]string{"error", "warning", "notice"}[r]
		var props []string
		if file := repoPath(v, e.File); file != "" {
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
	if left[0]+left[1]+left[2] > 0 {
		var parts []string
		for i, word := range []string{"error", "warning", "waived finding"} {
			if left[i] > 0 {
				parts = append(parts, plural(left[i], word))
			}
		}
		fmt.Fprintf(bw, "::notice title=smsctl::%s more not annotated (GitHub shows about %d of each kind): the job's summary and smsctl validate list them all\n",
			escapeGitHubData(strings.Join(parts, ", ")), githubMaxPerSeverity)
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
