package records

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"cuelang.org/go/cue"
	cueerrors "cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/parser"
)

// TemplateHints fill a new record's required fields.
type TemplateHints struct {
	// Now stamps required times and dates.
	Now time.Time
	// Title fills the title (or name) field; a placeholder when empty.
	Title string
	// Pick returns an existing ID for a reference kind ("person", "service",
	// "calendar", …), or "" when there is none.
	Pick func(target string) string
}

// Template writes a new record of kind k with ID id: every required field
// filled with a value of the right form (existing IDs for references, Now
// for times), and the optional fields listed in a comment with their
// documentation, so the file is ready to edit.
func Template(k Kind, id string, h TemplateHints) ([]byte, error) {
	cs, err := compileSchema()
	if err != nil {
		return nil, err
	}
	def := cs.root.LookupPath(cue.ParsePath(k.Def))
	if !def.Exists() {
		return nil, fmt.Errorf("no definition %s", k.Def)
	}
	g := &templateGen{ctx: cs, h: h, also: map[string]bool{}}
	// A field can be required only under a condition (an SLA needs a
	// customer); a second pass adds the fields the first draft lacked.
	for range 3 {
		src, err := g.render(k, id, def)
		if err != nil {
			return nil, err
		}
		missing := g.missing(k, id, src)
		if len(missing) == 0 {
			return src, nil
		}
		for _, m := range missing {
			g.also[m] = true
		}
	}
	return g.render(k, id, def)
}

// missing lists the top-level fields the schema reports as required but
// absent from a draft.
func (g *templateGen) missing(k Kind, id string, src []byte) []string {
	f, err := parser.ParseFile("template.cue", src)
	if err != nil {
		return nil
	}
	v := g.ctx.root.Unify(g.ctx.ctx.BuildFile(f)).LookupPath(cue.MakePath(cue.Str(k.Field)))
	err = v.Validate(cue.Concrete(true))
	var out []string
	for _, e := range cueerrors.Errors(err) {
		p := e.Path()
		if strings.Contains(message(e), "required but not present") && len(p) > 0 {
			out = append(out, p[len(p)-1])
		}
	}
	return out
}

func (g *templateGen) render(k Kind, id string, def cue.Value) ([]byte, error) {
	var b strings.Builder
	b.WriteString("package sms\n\n")
	if doc := docOf(def); doc != "" {
		fmt.Fprintf(&b, "// %s %s.\n", k.Name, id)
	}
	if k.Name == SMSKind.Name {
		b.WriteString("sms: ")
	} else {
		fmt.Fprintf(&b, "%s: %q: ", k.Field, id)
	}
	if err := g.structValue(&b, def, 0); err != nil {
		return nil, err
	}
	out, err := format.Source([]byte(b.String()))
	if err != nil {
		return nil, fmt.Errorf("format template: %w", err)
	}
	return out, nil
}

type templateGen struct {
	ctx *compiledSchema
	h   TemplateHints
	// also are optional fields that the schema requires under a condition.
	also map[string]bool
}

func docOf(v cue.Value) string {
	var parts []string
	for _, c := range v.Doc() {
		parts = append(parts, strings.TrimSpace(c.Text()))
	}
	return strings.Join(parts, " ")
}

func (g *templateGen) structValue(b *strings.Builder, v cue.Value, depth int) error {
	b.WriteString("{\n")
	it, err := v.Fields(cue.Optional(true))
	if err != nil {
		return err
	}
	var optional []string
	for it.Next() {
		sel := it.Selector()
		if sel.IsDefinition() || sel.LabelType() == cue.HiddenLabel {
			continue
		}
		fv := it.Value()
		name := sel.Unquoted()
		doc := strings.ReplaceAll(docOf(fv), "\n", " ")
		if sel.ConstraintType() != cue.RequiredConstraint && !(depth == 0 && g.also[name]) {
			optional = append(optional, fmt.Sprintf("//   %s: %s", name, doc))
			continue
		}
		if doc != "" {
			fmt.Fprintf(b, "// %s\n", doc)
		}
		fmt.Fprintf(b, "%s: ", name)
		if err := g.value(b, name, fv, depth+1); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		b.WriteString("\n")
	}
	if len(optional) > 0 && depth == 0 {
		b.WriteString("\n// Optional fields:\n")
		b.WriteString(strings.Join(optional, "\n"))
		b.WriteString("\n")
	}
	b.WriteString("}")
	return nil
}

func (g *templateGen) valid(v cue.Value, x any) bool {
	return v.Unify(g.ctx.ctx.Encode(x)).Validate(cue.Concrete(true)) == nil
}

func (g *templateGen) value(b *strings.Builder, name string, v cue.Value, depth int) error {
	if a := v.Attribute("ref"); a.Err() == nil {
		target, _ := a.String(0)
		id := ""
		if g.h.Pick != nil {
			id = g.h.Pick(target)
		}
		if id == "" {
			id = strings.ReplaceAll(target, "_", "-") + "-id"
		}
		if v.IncompleteKind() == cue.ListKind {
			fmt.Fprintf(b, "[%q]", id)
		} else {
			fmt.Fprintf(b, "%q", id)
		}
		return nil
	}
	if s, ok := g.firstAlternative(v); ok {
		fmt.Fprintf(b, "%q", s)
		return nil
	}
	switch v.IncompleteKind() {
	case cue.StructKind:
		return g.structValue(b, v, depth)
	case cue.ListKind:
		b.WriteString("[")
		if ev := v.LookupPath(cue.MakePath(cue.Index(0))); ev.Exists() {
			if err := g.value(b, name, ev, depth); err != nil {
				return err
			}
		}
		b.WriteString("]")
		return nil
	case cue.BoolKind:
		b.WriteString("false")
		return nil
	case cue.IntKind, cue.NumberKind, cue.FloatKind:
		for _, n := range []int{1, 99} {
			if g.valid(v, n) {
				b.WriteString(strconv.Itoa(n))
				return nil
			}
		}
		return fmt.Errorf("no number fits")
	case cue.StringKind:
		text := g.h.Title
		if text == "" || (name != "title" && name != "name") {
			text = "TODO: " + strings.ReplaceAll(name, "_", " ")
		}
		now := g.h.Now.UTC()
		for _, s := range []string{text, now.Format(time.RFC3339), now.Format(time.DateOnly), "1d", "09:00"} {
			if g.valid(v, s) {
				fmt.Fprintf(b, "%q", s)
				return nil
			}
		}
	}
	return fmt.Errorf("cannot make a value for %v", v)
}

// firstAlternative returns the first value of a disjunction of strings. CUE's
// API does not expose the alternatives of a required field's disjunction, so
// it offers a value that cannot match and reads the alternatives from the
// conflicts CUE reports.
func (g *templateGen) firstAlternative(v cue.Value) (string, bool) {
	if v.IncompleteKind() != cue.StringKind {
		return "", false
	}
	const probe = "\x00probe"
	err := v.Unify(g.ctx.ctx.Encode(probe)).Validate(cue.Concrete(true))
	if err == nil {
		return "", false
	}
	var alts []string
	for _, e := range cueerrors.Errors(err) {
		m := conflictRE.FindStringSubmatch(message(e))
		if m == nil {
			continue
		}
		for _, q := range m[1:] {
			s, err := strconv.Unquote(q)
			if err == nil && s != probe && g.valid(v, s) {
				alts = append(alts, s)
			}
		}
	}
	if len(alts) == 0 {
		return "", false
	}
	// A new record starts at the beginning of its lifecycle.
	for _, s := range startValues {
		if slices.Contains(alts, s) {
			return s, true
		}
	}
	slices.Sort(alts)
	return alts[0], true
}

// startValues are the enum values a new record takes where they apply.
var startValues = []string{"draft", "new", "planned", "proposed", "open", "pipeline", "normal", "low", "person", "internal", "SLA", "availability", "risk", "accept", "tabletop", "passed", "approved", "P5"}
