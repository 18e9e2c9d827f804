package records

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/literal"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"

	"github.com/smsctl/smsctl/schema"
)

// The fast path. Evaluating a record with CUE costs about half a
// millisecond; most records are plain data that a direct check of the
// schema's constraints can accept in a few microseconds. The schema's
// definitions are compiled, from their syntax, into checks for the forms
// the schema uses (closed structs, required and optional fields, patterns,
// string enums, regular expressions, time layouts, number bounds, lists,
// references to definitions, `if field == "x" {f!: _}`). A definition with
// any other form gets no fast check. A record whose syntax is anything but
// literal data is not checked fast either.
//
// The fast check only ever says "valid"; anything it cannot accept goes to
// CUE, which gives the findings. So it must never accept what CUE rejects:
// a differential test and a fuzz test hold it to that.

// ftype is a compiled constraint.
type ftype interface {
	accepts(n *node, defs map[string]ftype) bool
}

type (
	tAny    struct{}
	tBool   struct{}
	tString struct {
		enum    []string
		regexes []*regexp.Regexp
		layouts []string
	}
	tNumber struct{ intOnly bool }
	tBound  struct {
		op  token.Token
		val float64
	}
	tAnd  []ftype
	tOr   []ftype
	tRef  string
	tList struct {
		prefix []ftype
		rest   ftype // nil: no further elements
	}
	tStruct struct {
		fields   map[string]*fieldSpec
		patterns []pattern
		conds    []cond
	}
	fieldSpec struct {
		required bool
		typ      ftype
	}
	pattern struct{ key, val ftype }
	// cond is `if field == "value" { required!: _ ... }`.
	cond struct {
		field, value string
		required     []string
	}
)

func (tAny) accepts(*node, map[string]ftype) bool      { return true }
func (tBool) accepts(n *node, _ map[string]ftype) bool { return n.kind == nBool }

func (t tString) accepts(n *node, _ map[string]ftype) bool {
	if n.kind != nString {
		return false
	}
	if t.enum != nil && !slices.Contains(t.enum, n.s) {
		return false
	}
	for _, re := range t.regexes {
		if !re.MatchString(n.s) {
			return false
		}
	}
	for _, l := range t.layouts {
		// As CUE's time.Format and time.Time do.
		if _, err := time.ParseInLocation(l, n.s, time.UTC); err != nil {
			return false
		}
	}
	return true
}

func (t tNumber) accepts(n *node, _ map[string]ftype) bool {
	return n.kind == nInt || (!t.intOnly && n.kind == nFloat)
}

func (t tBound) accepts(n *node, _ map[string]ftype) bool {
	if n.kind != nInt && n.kind != nFloat {
		return false
	}
	switch t.op {
	case token.GEQ:
		return n.num >= t.val
	case token.GTR:
		return n.num > t.val
	case token.LEQ:
		return n.num <= t.val
	case token.LSS:
		return n.num < t.val
	}
	return false
}

func (t tAnd) accepts(n *node, defs map[string]ftype) bool {
	for _, c := range t {
		if !c.accepts(n, defs) {
			return false
		}
	}
	return true
}

func (t tOr) accepts(n *node, defs map[string]ftype) bool {
	for _, c := range t {
		if c.accepts(n, defs) {
			return true
		}
	}
	return false
}

func (t tRef) accepts(n *node, defs map[string]ftype) bool {
	d := defs[string(t)]
	return d != nil && d.accepts(n, defs)
}

func (t tList) accepts(n *node, defs map[string]ftype) bool {
	if n.kind != nList || len(n.elems) < len(t.prefix) {
		return false
	}
	for i, e := range n.elems {
		switch {
		case i < len(t.prefix):
			if !t.prefix[i].accepts(e, defs) {
				return false
			}
		case t.rest == nil || !t.rest.accepts(e, defs):
			return false
		}
	}
	return true
}

func (t *tStruct) accepts(n *node, defs map[string]ftype) bool {
	if n.kind != nStruct {
		return false
	}
	for _, f := range n.fields {
		spec := t.fields[f.name]
		matched := spec != nil
		if spec != nil && !spec.typ.accepts(f.val, defs) {
			return false
		}
		key := &node{kind: nString, s: f.name}
		for _, p := range t.patterns {
			if p.key.accepts(key, defs) {
				matched = true
				if !p.val.accepts(f.val, defs) {
					return false
				}
			}
		}
		if !matched {
			return false // closed: an unknown field
		}
	}
	for name, spec := range t.fields {
		if spec.required && n.field(name) == nil {
			return false
		}
	}
	for _, c := range t.conds {
		if v := n.field(c.field); v != nil && v.kind == nString && v.s == c.value {
			for _, r := range c.required {
				if n.field(r) == nil {
					return false
				}
			}
		}
	}
	return true
}

// reject returns where a compiled check first rejects a node it does not
// accept: the field path below path, and the node there. It descends
// through references, conjunctions, lists and structs; a node that fails
// otherwise (a wrong value, a missing required field) is the place itself.
func reject(t ftype, n *node, defs map[string]ftype, path []string) ([]string, *node) {
	switch t := t.(type) {
	case tRef:
		if d := defs[string(t)]; d != nil {
			return reject(d, n, defs, path)
		}
	case tAnd:
		for _, c := range t {
			if !c.accepts(n, defs) {
				return reject(c, n, defs, path)
			}
		}
	case tList:
		if n.kind != nList || len(n.elems) < len(t.prefix) {
			break
		}
		for i, e := range n.elems {
			at := append(slices.Clip(path), strconv.Itoa(i))
			et := t.rest
			if i < len(t.prefix) {
				et = t.prefix[i]
			}
			if et == nil {
				return at, e // more elements than the list allows
			}
			if !et.accepts(e, defs) {
				return reject(et, e, defs, at)
			}
		}
	case *tStruct:
		if n.kind != nStruct {
			break
		}
		for _, f := range n.fields {
			at := append(slices.Clip(path), f.name)
			spec := t.fields[f.name]
			matched := spec != nil
			if spec != nil && !spec.typ.accepts(f.val, defs) {
				return reject(spec.typ, f.val, defs, at)
			}
			key := &node{kind: nString, s: f.name}
			for _, p := range t.patterns {
				if p.key.accepts(key, defs) {
					matched = true
					if !p.val.accepts(f.val, defs) {
						return reject(p.val, f.val, defs, at)
					}
				}
			}
			if !matched {
				return at, f.val // an unknown field
			}
		}
	}
	return path, n
}

// errUnsupported marks a schema form the fast path does not compile.
type errUnsupported struct{ node ast.Node }

func (e errUnsupported) Error() string {
	return fmt.Sprintf("%v: form not compiled for the fast path", e.node.Pos())
}

// compileFast compiles the schema's top-level definitions. A definition
// that uses an unsupported form, or names one that does, is left out.
func compileFast() (map[string]ftype, error) {
	f, err := parser.ParseFile(schemaFile, schema.Source)
	if err != nil {
		return nil, err
	}
	defs := map[string]ftype{}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.Field)
		if !ok {
			continue
		}
		name, _, err := ast.LabelName(fd.Label)
		if err != nil || len(name) < 2 || name[0] != '#' {
			continue
		}
		if t, err := compileExpr(fd.Value); err == nil {
			defs[name] = t
		}
	}
	// Drop definitions that name a missing one, until none do.
	for changed := true; changed; {
		changed = false
		for name, t := range defs {
			if !refsResolve(t, defs) {
				delete(defs, name)
				changed = true
			}
		}
	}
	return defs, nil
}

func refsResolve(t ftype, defs map[string]ftype) bool {
	switch t := t.(type) {
	case tRef:
		_, ok := defs[string(t)]
		return ok
	case tAnd:
		return !slices.ContainsFunc(t, func(c ftype) bool { return !refsResolve(c, defs) })
	case tOr:
		return !slices.ContainsFunc(t, func(c ftype) bool { return !refsResolve(c, defs) })
	case tList:
		if t.rest != nil && !refsResolve(t.rest, defs) {
			return false
		}
		return !slices.ContainsFunc(t.prefix, func(c ftype) bool { return !refsResolve(c, defs) })
	case *tStruct:
		for _, s := range t.fields {
			if !refsResolve(s.typ, defs) {
				return false
			}
		}
		for _, p := range t.patterns {
			if !refsResolve(p.key, defs) || !refsResolve(p.val, defs) {
				return false
			}
		}
	}
	return true
}

func compileExpr(x ast.Expr) (ftype, error) {
	switch x := x.(type) {
	case *ast.ParenExpr:
		return compileExpr(x.X)
	case *ast.Ident:
		switch x.Name {
		case "_":
			return tAny{}, nil
		case "string":
			return tString{}, nil
		case "bool":
			return tBool{}, nil
		case "int":
			return tNumber{intOnly: true}, nil
		case "number":
			return tNumber{}, nil
		}
		if len(x.Name) > 1 && x.Name[0] == '#' {
			return tRef(x.Name), nil
		}
	case *ast.BasicLit:
		if x.Kind == token.STRING && len(x.Value) > 0 && x.Value[0] == '"' {
			s, err := literal.Unquote(x.Value)
			if err == nil {
				return tString{enum: []string{s}}, nil
			}
		}
	case *ast.SelectorExpr:
		if pkg, ok := x.X.(*ast.Ident); ok && pkg.Name == "time" {
			if sel, _, _ := ast.LabelName(x.Sel); sel == "Time" {
				return tString{layouts: []string{time.RFC3339Nano}}, nil
			}
		}
	case *ast.CallExpr:
		if sel, ok := x.Fun.(*ast.SelectorExpr); ok && len(x.Args) == 1 {
			pkg, _ := sel.X.(*ast.Ident)
			name, _, _ := ast.LabelName(sel.Sel)
			arg, _ := x.Args[0].(*ast.BasicLit)
			if pkg != nil && pkg.Name == "time" && name == "Format" && arg != nil && arg.Kind == token.STRING {
				layout, err := literal.Unquote(arg.Value)
				if err == nil {
					return tString{layouts: []string{layout}}, nil
				}
			}
		}
	case *ast.UnaryExpr:
		lit, ok := x.X.(*ast.BasicLit)
		if !ok {
			break
		}
		switch x.Op {
		case token.MAT:
			if lit.Kind == token.STRING {
				s, err := literal.Unquote(lit.Value)
				if err != nil {
					break
				}
				re, err := regexp.Compile(s)
				if err != nil {
					break
				}
				return tString{regexes: []*regexp.Regexp{re}}, nil
			}
		case token.GEQ, token.GTR, token.LEQ, token.LSS:
			if lit.Kind == token.INT || lit.Kind == token.FLOAT {
				v, err := strconv.ParseFloat(lit.Value, 64)
				if err == nil {
					return tBound{op: x.Op, val: v}, nil
				}
			}
		}
	case *ast.BinaryExpr:
		l, err := compileExpr(x.X)
		if err != nil {
			return nil, err
		}
		r, err := compileExpr(x.Y)
		if err != nil {
			return nil, err
		}
		switch x.Op {
		case token.AND:
			return tAnd{l, r}, nil
		case token.OR:
			if isDefault(x.X) || isDefault(x.Y) {
				break
			}
			return tOr{l, r}, nil
		}
	case *ast.ListLit:
		var t tList
		for i, e := range x.Elts {
			if el, ok := e.(*ast.Ellipsis); ok {
				if i != len(x.Elts)-1 {
					return nil, errUnsupported{x}
				}
				t.rest = tAny{}
				if el.Type != nil {
					rest, err := compileExpr(el.Type)
					if err != nil {
						return nil, err
					}
					t.rest = rest
				}
				continue
			}
			et, err := compileExpr(e)
			if err != nil {
				return nil, err
			}
			t.prefix = append(t.prefix, et)
		}
		return t, nil
	case *ast.StructLit:
		return compileStruct(x)
	}
	return nil, errUnsupported{x}
}

func isDefault(x ast.Expr) bool {
	u, ok := x.(*ast.UnaryExpr)
	return ok && u.Op == token.MUL
}

func compileStruct(x *ast.StructLit) (ftype, error) {
	t := &tStruct{fields: map[string]*fieldSpec{}}
	for _, e := range x.Elts {
		switch e := e.(type) {
		case *ast.CommentGroup, *ast.Attribute:
		case *ast.Field:
			if lst, ok := e.Label.(*ast.ListLit); ok {
				if len(lst.Elts) != 1 {
					return nil, errUnsupported{e}
				}
				key, err := compileExpr(lst.Elts[0])
				if err != nil {
					return nil, err
				}
				val, err := compileExpr(e.Value)
				if err != nil {
					return nil, err
				}
				t.patterns = append(t.patterns, pattern{key: key, val: val})
				continue
			}
			name, isIdent, err := ast.LabelName(e.Label)
			if err != nil || (isIdent && (name[0] == '#' || name[0] == '_')) {
				return nil, errUnsupported{e}
			}
			typ, err := compileExpr(e.Value)
			if err != nil {
				return nil, err
			}
			spec := t.fields[name]
			if spec == nil {
				spec = &fieldSpec{typ: typ}
				t.fields[name] = spec
			} else {
				spec.typ = tAnd{spec.typ, typ}
			}
			if e.Constraint != token.OPTION {
				spec.required = true
			}
		case *ast.Comprehension:
			c, err := compileCond(e)
			if err != nil {
				return nil, err
			}
			t.conds = append(t.conds, c)
		default:
			return nil, errUnsupported{e}
		}
	}
	// A field required only under a condition must be declared as well,
	// so its type is checked whenever it is present.
	for _, c := range t.conds {
		for _, r := range c.required {
			if t.fields[r] == nil {
				return nil, errUnsupported{x}
			}
		}
	}
	return t, nil
}

// compileCond compiles `if field == "value" { a!: _, b!: _ }`.
func compileCond(c *ast.Comprehension) (cond, error) {
	if len(c.Clauses) != 1 || c.Fallback != nil {
		return cond{}, errUnsupported{c}
	}
	ifc, ok := c.Clauses[0].(*ast.IfClause)
	if !ok {
		return cond{}, errUnsupported{c}
	}
	be, ok := ifc.Condition.(*ast.BinaryExpr)
	if !ok || be.Op != token.EQL {
		return cond{}, errUnsupported{c}
	}
	id, ok1 := be.X.(*ast.Ident)
	lit, ok2 := be.Y.(*ast.BasicLit)
	if !ok1 || !ok2 || lit.Kind != token.STRING {
		return cond{}, errUnsupported{c}
	}
	val, err := literal.Unquote(lit.Value)
	if err != nil {
		return cond{}, errUnsupported{c}
	}
	out := cond{field: id.Name, value: val}
	body, ok := c.Value.(*ast.StructLit)
	if !ok {
		return cond{}, errUnsupported{c}
	}
	for _, e := range body.Elts {
		f, ok := e.(*ast.Field)
		if !ok {
			return cond{}, errUnsupported{c}
		}
		name, isIdent, err := ast.LabelName(f.Label)
		top, isTop := f.Value.(*ast.Ident)
		if err != nil || !isIdent || f.Constraint != token.NOT || !isTop || top.Name != "_" {
			return cond{}, errUnsupported{c}
		}
		out.required = append(out.required, name)
	}
	return out, nil
}

// node is a record's literal data, decoded from its syntax.
type node struct {
	kind   nodeKind
	s      string  // nString
	num    float64 // nInt, nFloat
	raw    string  // nInt, nFloat: the literal, for JSON
	b      bool    // nBool
	fields []nfield
	elems  []*node
	pos    token.Pos
}

type nfield struct {
	name string
	val  *node
}

type nodeKind uint8

const (
	nString nodeKind = iota
	nInt
	nFloat
	nBool
	nStruct
	nList
)

func (n *node) field(name string) *node {
	for _, f := range n.fields {
		if f.name == name {
			return f.val
		}
	}
	return nil
}

var (
	intLit   = regexp.MustCompile(`^(0|[1-9][0-9]*)$`)
	floatLit = regexp.MustCompile(`^(0|[1-9][0-9]*)\.[0-9]+$`)
)

// decode reads literal data: structs with plain, unique, regular labels;
// lists without ellipses; strings without interpolation (quoted,
// multi-line or raw); decimal numbers; booleans. Anything else
// (references, operators, null, bytes, signs, defaults, shorthand that CUE
// would merge) is not decoded.
func decode(x ast.Expr, pos token.Pos) (*node, bool) {
	switch x := x.(type) {
	case *ast.BasicLit:
		switch x.Kind {
		case token.STRING:
			// Quoted, multi-line and raw strings; not bytes.
			if strings.TrimLeft(x.Value, "#") == "" || strings.TrimLeft(x.Value, "#")[0] != '"' {
				return nil, false
			}
			s, err := literal.Unquote(x.Value)
			if err != nil {
				return nil, false
			}
			return &node{kind: nString, s: s, pos: pos}, true
		case token.INT, token.FLOAT:
			k := nInt
			if x.Kind == token.FLOAT {
				k = nFloat
			}
			if (k == nInt && !intLit.MatchString(x.Value)) || (k == nFloat && !floatLit.MatchString(x.Value)) {
				return nil, false
			}
			v, err := strconv.ParseFloat(x.Value, 64)
			if err != nil {
				return nil, false
			}
			return &node{kind: k, num: v, raw: x.Value, pos: pos}, true
		case token.TRUE, token.FALSE:
			return &node{kind: nBool, b: x.Kind == token.TRUE, pos: pos}, true
		}
	case *ast.StructLit:
		n := &node{kind: nStruct, pos: pos}
		for _, e := range x.Elts {
			switch e := e.(type) {
			case *ast.CommentGroup, *ast.Attribute:
			case *ast.Field:
				if e.Constraint != token.ILLEGAL {
					return nil, false
				}
				name, isIdent, err := ast.LabelName(e.Label)
				if err != nil || (isIdent && (name[0] == '#' || name[0] == '_')) || n.field(name) != nil {
					return nil, false
				}
				v, ok := decode(e.Value, e.Pos())
				if !ok {
					return nil, false
				}
				n.fields = append(n.fields, nfield{name: name, val: v})
			default:
				return nil, false
			}
		}
		return n, true
	case *ast.ListLit:
		n := &node{kind: nList, pos: pos}
		for _, e := range x.Elts {
			v, ok := decode(e, e.Pos())
			if !ok {
				return nil, false
			}
			n.elems = append(n.elems, v)
		}
		return n, true
	}
	return nil, false
}

// appendJSON writes the node as JSON, fields in source order, as CUE would.
func (n *node) appendJSON(b *bytes.Buffer) {
	switch n.kind {
	case nString:
		appendJSONString(b, n.s)
	case nInt, nFloat:
		b.WriteString(n.raw)
	case nBool:
		b.WriteString(strconv.FormatBool(n.b))
	case nList:
		b.WriteByte('[')
		for i, e := range n.elems {
			if i > 0 {
				b.WriteByte(',')
			}
			e.appendJSON(b)
		}
		b.WriteByte(']')
	case nStruct:
		b.WriteByte('{')
		for i, f := range n.fields {
			if i > 0 {
				b.WriteByte(',')
			}
			appendJSONString(b, f.name)
			b.WriteByte(':')
			f.val.appendJSON(b)
		}
		b.WriteByte('}')
	}
}

// nodeRefs reads the IDs a record names along the schema's @ref paths, with
// the positions CUE would give: the field's for a field, the element's for
// a list element.
func nodeRefs(n *node, paths []refPath) []Ref {
	var out []Ref
	for _, rp := range paths {
		walkNode(n, rp.steps, nil, func(p []string, leaf *node) {
			if leaf.kind == nString {
				out = append(out, Ref{Path: formatPath(p), Target: rp.target, ID: leaf.s, Line: leaf.pos.Line(), Column: leaf.pos.Column()})
			}
		})
	}
	return out
}

func walkNode(n *node, steps []step, at []string, fn func([]string, *node)) {
	if len(steps) == 0 {
		fn(at, n)
		return
	}
	s := steps[0]
	switch {
	case s.anyIdx:
		if n.kind == nList {
			for i, e := range n.elems {
				walkNode(e, steps[1:], append(slices.Clip(at), strconv.Itoa(i)), fn)
			}
		}
	case s.anyKey:
		if n.kind == nStruct {
			for _, f := range n.fields {
				walkNode(f.val, steps[1:], append(slices.Clip(at), f.name), fn)
			}
		}
	default:
		if n.kind == nStruct {
			if c := n.field(s.field); c != nil {
				walkNode(c, steps[1:], append(slices.Clip(at), s.field), fn)
			}
		}
	}
}

// appendJSONString writes s as a JSON string. Unlike encoding/json it does
// not escape <, > and &: the output is data, not HTML.
func appendJSONString(b *bytes.Buffer, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b.WriteString(s[start:i])
		switch c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			b.WriteString(`\u00`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		}
		start = i + 1
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}
