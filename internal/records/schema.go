package records

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"

	"github.com/smsctl/smsctl/schema"
)

// schemaFile is the name given to the embedded schema in positions, so that
// an error in it is never mistaken for one in the repository's own copy.
const schemaFile = "smsctl:schema.cue"

// step is one element of a reference path: a named field, any element of a
// list, or any key of a map.
type step struct {
	field  string
	anyIdx bool
	anyKey bool
}

// refPath is a field that holds IDs of records of kind target ("person", …;
// "customer", "calendar" and "standard_change" are keys of sms.cue, "any"
// is any record).
type refPath struct {
	steps  []step
	target string
}

func (r refPath) String() string {
	var b strings.Builder
	for _, s := range r.steps {
		switch {
		case s.anyIdx:
			b.WriteString("[*]")
		case s.anyKey:
			b.WriteString(".*")
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.field)
		}
	}
	return b.String()
}

// refTargets are the reference kinds that are not record kinds.
var refTargets = []string{"customer", "calendar", "standard_change", "any"}

// compiledSchema is the embedded schema compiled in one context. Values of
// different contexts do not mix, so each validating goroutine has its own.
type compiledSchema struct {
	ctx  *cue.Context
	root cue.Value
	// defs caches the kinds' definitions looked up in root.
	defs map[string]cue.Value
	// built counts the records evaluated in ctx.
	built int
}

// contextRecords is how many records are evaluated in one CUE context: a
// context grows with every value built in it, so a fresh one every few
// hundred records keeps memory and evaluation time flat.
const contextRecords = 256

// contexts keeps compiled schemas with room left between loads, so loading
// revision after revision does not compile the schema each time.
var contexts sync.Pool

// acquireSchema returns a compiled schema with room for more records.
func acquireSchema() (*compiledSchema, error) {
	if cs, ok := contexts.Get().(*compiledSchema); ok && cs.built < contextRecords {
		return cs, nil
	}
	return compileSchema()
}

// releaseSchema returns a compiled schema for reuse.
func releaseSchema(cs *compiledSchema) {
	if cs != nil && cs.built < contextRecords {
		contexts.Put(cs)
	}
}

// def returns the definition of a kind.
func (cs *compiledSchema) def(name string) cue.Value {
	d, ok := cs.defs[name]
	if !ok {
		d = cs.root.LookupPath(cue.ParsePath(name))
		cs.defs[name] = d
	}
	return d
}

func compileSchema() (*compiledSchema, error) {
	ctx := cuecontext.New()
	root := ctx.CompileBytes(schema.Source, cue.Filename(schemaFile))
	if err := root.Err(); err != nil {
		return nil, fmt.Errorf("compile embedded schema: %w", err)
	}
	return &compiledSchema{ctx: ctx, root: root, defs: map[string]cue.Value{}}, nil
}

// checks are what the embedded schema compiles to that holds no CUE value:
// the reference paths and the fast checks. They are computed once per
// process and shared, read-only, by every Load; a CUE context is created
// only by a validator that meets a record the fast path does not accept.
type checks struct {
	refs map[string][]refPath
	fast map[string]ftype
}

var schemaChecks = sync.OnceValues(func() (*checks, error) {
	cs, err := compileSchema()
	if err != nil {
		return nil, err
	}
	refs, err := referencePaths(cs)
	if err != nil {
		return nil, err
	}
	fast, err := compileFast()
	if err != nil {
		return nil, err
	}
	return &checks{refs: refs, fast: fast}, nil
})

// referencePaths walks every kind's definition and returns, per kind name,
// the fields marked @ref(kind).
func referencePaths(cs *compiledSchema) (map[string][]refPath, error) {
	out := map[string][]refPath{}
	for _, k := range append([]Kind{SMSKind}, Kinds...) {
		def := cs.root.LookupPath(cue.ParsePath(k.Def))
		if !def.Exists() {
			return nil, fmt.Errorf("schema has no definition %s for kind %s", k.Def, k.Name)
		}
		var paths []refPath
		if err := walkRefs(def, nil, &paths, 0); err != nil {
			return nil, fmt.Errorf("%s: %w", k.Def, err)
		}
		out[k.Name] = paths
	}
	return out, nil
}

func walkRefs(v cue.Value, prefix []step, out *[]refPath, depth int) error {
	if depth > 12 {
		return fmt.Errorf("schema nests deeper than 12 levels at %v", prefix)
	}
	it, err := v.Fields(cue.Optional(true))
	if err != nil {
		return nil // not a struct
	}
	for it.Next() {
		sel := it.Selector()
		if sel.IsDefinition() || sel.LabelType() == cue.HiddenLabel {
			continue
		}
		fv := it.Value()
		path := append(slices.Clip(prefix), step{field: sel.Unquoted()})
		isList := fv.IncompleteKind() == cue.ListKind
		if a := fv.Attribute("ref"); a.Err() == nil {
			target, err := a.String(0)
			if err != nil || target == "" {
				return fmt.Errorf("%s: @ref needs a kind", sel)
			}
			if _, ok := LookupKind(target); !ok && !slices.Contains(refTargets, target) {
				return fmt.Errorf("%s: @ref(%s) names no kind", sel, target)
			}
			p := path
			if isList {
				p = append(slices.Clip(path), step{anyIdx: true})
			}
			*out = append(*out, refPath{steps: p, target: target})
			continue
		}
		switch fv.IncompleteKind() {
		case cue.StructKind:
			if err := walkRefs(fv, path, out, depth+1); err != nil {
				return err
			}
			if pv := fv.LookupPath(cue.MakePath(cue.AnyString)); pv.Exists() {
				if err := walkRefs(pv, append(slices.Clip(path), step{anyKey: true}), out, depth+1); err != nil {
					return err
				}
			}
		case cue.ListKind:
			if ev := fv.LookupPath(cue.MakePath(cue.AnyIndex)); ev.Exists() {
				if err := walkRefs(ev, append(slices.Clip(path), step{anyIdx: true}), out, depth+1); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
