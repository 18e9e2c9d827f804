package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/smsctl/smsctl/internal/reconcile"
	"github.com/smsctl/smsctl/internal/records"
)

// changeLine is "RECORD FIELD: OLD -> NEW" or, for a file, what is written.
func changeLine(c reconcile.Change) string {
	if c.Content != nil {
		return c.File + ": smsctl's block replaced"
	}
	where := c.Record + " " + c.Field
	switch c.Edit.Op {
	case records.EditAppend:
		return fmt.Sprintf("%s: append %s", where, c.New)
	case records.EditRemove:
		return fmt.Sprintf("%s: remove %s", where, c.Old)
	}
	old := "absent"
	if c.Old != nil {
		old = string(c.Old)
	}
	return fmt.Sprintf("%s: %s -> %s", where, old, c.New)
}

// lineChanges lists the lines new has that old lacks ("+ line") and those
// old has that new lacks ("- line"), counted as multisets, in file order.
func lineChanges(old, new string) []string {
	split := func(s string) []string {
		if s == "" {
			return nil
		}
		return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	}
	count := func(lines []string) map[string]int {
		m := map[string]int{}
		for _, l := range lines {
			m[l]++
		}
		return m
	}
	o, n := split(old), split(new)
	inOld, inNew := count(o), count(n)
	var out []string
	for _, l := range o {
		if inNew[l] > 0 {
			inNew[l]--
			continue
		}
		out = append(out, "- "+l)
	}
	inNew = count(n)
	for _, l := range n {
		if inOld[l] > 0 {
			inOld[l]--
			continue
		}
		out = append(out, "+ "+l)
	}
	return out
}

// WritePlan writes a reconcile plan for people: each file with its edits,
// the lines a whole-file write adds and removes (old reads a file's
// current content), the edits held back and the reports.
func WritePlan(w io.Writer, p *reconcile.Plan, old func(file string) []byte) {
	file := ""
	for _, c := range p.Changes {
		if c.File != file {
			file = c.File
			fmt.Fprintf(w, "%s\n", file)
		}
		fmt.Fprintf(w, "  %s: %s\n", c.Reconciler, changeLine(c))
		if c.Content != nil {
			// What is written is the whole file: show every line it adds
			// or removes, from the content itself, not from a summary.
			for _, l := range lineChanges(string(old(c.File)), *c.Content) {
				fmt.Fprintf(w, "    %s\n", l)
			}
		}
		fmt.Fprintf(w, "    evidence: %s\n", c.Evidence)
	}
	// held back: one entry per record, its fields and the findings
	for i := 0; i < len(p.HeldBack); {
		h := p.HeldBack[i]
		var fields []string
		j := i
		for ; j < len(p.HeldBack) && p.HeldBack[j].Change.Record == h.Change.Record; j++ {
			fields = append(fields, p.HeldBack[j].Change.Field)
		}
		fmt.Fprintf(w, "held back: %s %s (%s)\n", h.Change.Record, strings.Join(fields, ", "), h.Change.File)
		for _, f := range h.Findings {
			fmt.Fprintf(w, "    the policies would find: %s\n", f)
		}
		i = j
	}
	for _, r := range p.Reports {
		where := r.File
		if r.Record != "" {
			where = r.Record + " (" + r.File + ")"
		}
		fmt.Fprintf(w, "report: %s: %s\n    fix: %s\n", where, r.Message, r.Fix)
	}
	fmt.Fprintf(w, "%s in %s; %s held back by the policies; %s\n", plural(len(p.Changes), "change"), plural(len(p.Files), "file"),
		plural(len(p.HeldBack), "edit"), plural(len(p.Reports), "report"))
}

// PlanCommitMessage is the commit message of an applied plan.
func PlanCommitMessage(p *reconcile.Plan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "smsctl reconcile: %s\n\n", plural(len(p.Changes), "change"))
	for _, c := range p.Changes {
		fmt.Fprintf(&b, "- %s\n  %s\n", changeLine(c), c.Evidence)
	}
	return b.String()
}
