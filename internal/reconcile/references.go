package reconcile

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/smsctl/smsctl/internal/gitrepo"
	"github.com/smsctl/smsctl/internal/records"
)

// openChange are the statuses of a change still to be carried out: one
// that names a retired record should not.
var openChange = []string{"draft", "submitted", "approved", "scheduled"}

// current reports whether a record describes the SMS as it is now (so its
// references should name live records), as opposed to a record of the past.
func current(r *records.Record) bool {
	var d struct {
		Status string `json:"status"`
		Active *bool  `json:"active"`
	}
	_ = json.Unmarshal(r.Data, &d)
	switch r.Kind {
	case "sms", "agreement", "supplier", "role", "continuity":
		return true
	case "service", "ci":
		return d.Status != "retired"
	case "person":
		return d.Active == nil || *d.Active
	case "change":
		return slices.Contains(openChange, d.Status)
	}
	return false
}

// retiredWhy says why a record is retired, or "" when it is live.
func retiredWhy(r *records.Record) string {
	var d struct {
		Status string `json:"status"`
		Active *bool  `json:"active"`
	}
	_ = json.Unmarshal(r.Data, &d)
	switch {
	case (r.Kind == "service" || r.Kind == "ci") && d.Status == "retired":
		return "is retired (status \"retired\")"
	case r.Kind == "person" && d.Active != nil && !*d.Active:
		return "is inactive (active: false)"
	}
	return ""
}

// splitRefPath turns "depends_on.cis[1]" into (["depends_on", "cis"], 1);
// index is -1 when the reference is not a list element.
func splitRefPath(p string) ([]string, int) {
	index := -1
	if i := strings.LastIndexByte(p, '['); i >= 0 && strings.HasSuffix(p, "]") {
		n, err := strconv.Atoi(p[i+1 : len(p)-1])
		if err == nil && !strings.Contains(p[:i], "[") {
			index = n
			p = p[:i]
		}
	}
	if strings.Contains(p, "[") {
		return nil, -1
	}
	return strings.Split(p, "."), index
}

// listLen is the length of the list at path in the record's data.
func listLen(data []byte, path []string) int {
	var v any
	_ = json.Unmarshal(data, &v)
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return 0
		}
		v = m[p]
	}
	l, _ := v.([]any)
	return len(l)
}

// fate is what became of a record file the history deleted or renamed.
type fate struct {
	why     string
	renamed string // the new ID, for a rename
}

// deletions maps each record file that the history deleted or renamed to
// what became of it.
func deletions(in *Input) (map[string]fate, error) {
	out := map[string]fate{}
	if in.Repo == nil {
		return out, nil
	}
	err := in.Repo.History(gitrepo.HistoryOptions{Sub: in.Sub, Renames: true}, func(c *gitrepo.HistoryCommit) error {
		for _, fc := range c.Changes {
			var what fate
			switch fc.Status {
			case 'D':
				what.why = fmt.Sprintf("was deleted in %s %q", c.Hash[:12], c.Subject)
			case 'R':
				if k, id, ok := records.ParsePath(fc.Path); ok {
					what = fate{why: fmt.Sprintf("was renamed to %s %s in %s %q", k.Name, id, c.Hash[:12], c.Subject), renamed: id}
				}
			}
			if _, seen := out[fc.OldPath]; what.why != "" && !seen {
				out[fc.OldPath] = what // newest first: keep the latest fate
			}
		}
		return nil
	})
	return out, err
}

// reconcileReferences finds current records that name retired or deleted
// records.
func reconcileReferences(_ context.Context, in *Input) ([]Change, []Report, error) {
	byKey := map[string]*records.Record{}
	for _, r := range in.Records.Records {
		byKey[r.Key()] = r
	}
	var gone map[string]fate
	var out []Change
	var reps []Report
	for _, r := range in.Records.Records {
		if r.Data == nil || !current(r) {
			continue
		}
		removed := map[string]int{} // list path -> elements taken out
		for _, ref := range r.Refs {
			k, ok := records.LookupKind(ref.Target)
			if !ok {
				continue // keys of sms.cue and "any": validate checks them
			}
			target := byKey[k.Name+"/"+ref.ID]
			var why, renamed string
			switch {
			case target != nil:
				if why = retiredWhy(target); why == "" {
					continue
				}
			default:
				if gone == nil {
					var err error
					if gone, err = deletions(in); err != nil {
						return nil, nil, err
					}
				}
				if !k.ValidID(ref.ID) {
					continue
				}
				why = "does not exist"
				if what, ok := gone[k.PathFor(ref.ID)]; ok {
					why, renamed = what.why, what.renamed
				}
			}
			path, index := splitRefPath(ref.Path)
			msg := fmt.Sprintf("%s names %s %s, which %s", ref.Path, k.Name, ref.ID, why)
			listPath := strings.Join(path, ".")
			droppable := target != nil || strings.HasPrefix(why, "was deleted")
			if droppable && index >= 0 && listLen(r.Data, path)-removed[listPath] > 1 {
				removed[listPath]++
				out = append(out, Change{File: r.File, Record: r.Key(), Field: listPath, Old: jsonValue(ref.ID),
					Evidence: fmt.Sprintf("%s %s", k.Name, ref.ID) + " " + why,
					Edit:     &records.Edit{Op: records.EditRemove, Path: path, Value: jsonValue(ref.ID)}})
				continue
			}
			fix := fmt.Sprintf("replace %s with a live %s, or retire %s too", ref.ID, k.Name, r.Key())
			if renamed != "" {
				fix = fmt.Sprintf("name %s %s instead", k.Name, renamed)
			}
			reps = append(reps, Report{File: r.File, Record: r.Key(), Field: ref.Path, Message: msg, Fix: fix})
		}
	}
	return out, reps, nil
}
