package records

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	cueerrors "cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/token"

	"github.com/smsctl/smsctl/internal/finding"
)

func syntaxFindings(name string, err error) []finding.Finding {
	var out []finding.Finding
	for _, e := range cueerrors.Errors(err) {
		f := finding.Finding{Rule: "syntax", Severity: finding.Error, File: name, Message: "syntax error: " + message(e)}
		if p := e.Position(); p.IsValid() {
			f.Line, f.Column = p.Line(), p.Column()
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		out = append(out, finding.Finding{Rule: "syntax", Severity: finding.Error, File: name, Message: "syntax error: " + err.Error()})
	}
	return out
}

func message(e cueerrors.Error) string {
	format, args := e.Msg()
	return fmt.Sprintf(format, args...)
}

var conflictRE = regexp.MustCompile(`^conflicting values (.+) and (.+)$`)

// cueFindings turns CUE's errors for one record into findings: one per field
// path, with the position in the record's own file and a plain message. A
// failed disjunction ("3 errors in empty disjunction" plus one conflict per
// alternative) becomes one finding that lists the allowed values.
func cueFindings(name string, rec *Record, raw cue.Value, err error) []finding.Finding {
	type group struct {
		path []string
		errs []cueerrors.Error
	}
	var groups []*group
	byPath := map[string]*group{}
	for _, e := range cueerrors.Errors(err) {
		p := e.Path()
		key := strings.Join(p, "\x00")
		g := byPath[key]
		if g == nil {
			g = &group{path: p}
			byPath[key] = g
			groups = append(groups, g)
		}
		g.errs = append(g.errs, e)
	}
	var out []finding.Finding
	for _, g := range groups {
		fieldPath := trimRecordPath(g.path, rec)
		f := finding.Finding{
			Rule: "schema", Severity: finding.Error, File: name, Record: rec.Key(),
			Path: formatPath(fieldPath), Message: groupMessage(g.errs),
		}
		f.Line, f.Column = position(name, g.errs, raw, fieldPath, rec)
		out = append(out, f)
	}
	return out
}

func groupMessage(errs []cueerrors.Error) string {
	var disjunction bool
	var pairs [][2]string
	var others []string
	for _, e := range errs {
		msg := message(e)
		switch {
		case strings.Contains(msg, "in empty disjunction"):
			disjunction = true
		case conflictRE.MatchString(msg):
			m := conflictRE.FindStringSubmatch(msg)
			pairs = append(pairs, [2]string{m[1], m[2]})
		default:
			others = append(others, msg)
		}
	}
	if disjunction && len(pairs) > 1 {
		// The value the user gave appears in every conflict; the others are
		// the alternatives the schema allows.
		given := pairs[0][1]
		if pairs[1][0] == pairs[0][0] || pairs[1][1] == pairs[0][0] {
			given = pairs[0][0]
		}
		var allowed []string
		for _, p := range pairs {
			for _, v := range p {
				if v != given && !slices.Contains(allowed, v) {
					allowed = append(allowed, v)
				}
			}
		}
		msg := fmt.Sprintf("invalid value %s: must be one of %s", given, strings.Join(allowed, ", "))
		return strings.Join(append([]string{msg}, others...), "; ")
	}
	for _, p := range pairs {
		others = append(others, fmt.Sprintf("conflicting values %s and %s", p[0], p[1]))
	}
	msg := strings.Join(slices.Compact(others), "; ")
	msg = strings.Replace(msg, "field is required but not present", "required field is missing", 1)
	msg = strings.Replace(msg, "field not allowed", "unknown field (not in the schema)", 1)
	return msg
}

// trimRecordPath drops the kind and ID from an error path.
func trimRecordPath(p []string, rec *Record) []string {
	if len(p) > 0 && strings.HasPrefix(p[0], "#") {
		return p[1:] // relative to the kind's definition
	}
	if len(p) > 0 && p[0] == kindField(rec.Kind) {
		p = p[1:]
		if rec.Kind != SMSKind.Name && len(p) > 0 {
			p = p[1:]
		}
	}
	return p
}

func kindField(name string) string {
	if name == SMSKind.Name {
		return SMSKind.Field
	}
	k, _ := LookupKind(name)
	return k.Field
}

// formatPath writes a field path as people read it: approvals[0].by.
func formatPath(p []string) string {
	var b strings.Builder
	for _, s := range p {
		if _, err := strconv.Atoi(s); err == nil {
			b.WriteString("[" + s + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return b.String()
}

// position finds where in the record's own file an error belongs: a
// position CUE reports in that file, else the deepest field of the path that
// the record has, else the record's ID.
func position(name string, errs []cueerrors.Error, raw cue.Value, fieldPath []string, rec *Record) (int, int) {
	for _, e := range errs {
		for _, p := range append([]token.Pos{e.Position()}, e.InputPositions()...) {
			if p.IsValid() && p.Filename() == name {
				return p.Line(), p.Column()
			}
		}
	}
	for n := len(fieldPath); n > 0; n-- {
		sels := make([]cue.Selector, n)
		for i, s := range fieldPath[:n] {
			if idx, err := strconv.Atoi(s); err == nil {
				sels[i] = cue.Index(idx)
			} else {
				sels[i] = cue.Str(s)
			}
		}
		if v := raw.LookupPath(cue.MakePath(sels...)); v.Exists() {
			if p := v.Pos(); p.IsValid() && p.Filename() == name {
				return p.Line(), p.Column()
			}
		}
	}
	return rec.Line, rec.Column
}

// collectRefs reads the IDs a record names along the schema's @ref paths.
func collectRefs(v cue.Value, paths []refPath) []Ref {
	var out []Ref
	for _, rp := range paths {
		walkRef(v, rp.steps, nil, func(p []string, leaf cue.Value) {
			s, err := leaf.String()
			if err != nil {
				return // not a string: a schema error says so
			}
			pos := leaf.Pos()
			out = append(out, Ref{Path: formatPath(p), Target: rp.target, ID: s, Line: pos.Line(), Column: pos.Column()})
		})
	}
	return out
}

func walkRef(v cue.Value, steps []step, at []string, fn func([]string, cue.Value)) {
	if len(steps) == 0 {
		fn(at, v)
		return
	}
	s := steps[0]
	switch {
	case s.anyIdx:
		it, err := v.List()
		if err != nil {
			return
		}
		for i := 0; it.Next(); i++ {
			walkRef(it.Value(), steps[1:], append(slices.Clip(at), strconv.Itoa(i)), fn)
		}
	case s.anyKey:
		it, err := v.Fields()
		if err != nil {
			return
		}
		for it.Next() {
			walkRef(it.Value(), steps[1:], append(slices.Clip(at), it.Selector().Unquoted()), fn)
		}
	default:
		c := v.LookupPath(cue.MakePath(cue.Str(s.field)))
		if c.Exists() {
			walkRef(c, steps[1:], append(slices.Clip(at), s.field), fn)
		}
	}
}
