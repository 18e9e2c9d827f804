package records

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/token"

	"github.com/smsctl/smsctl/internal/finding"
)

// Record files are data, not programs. CUE is a language: a few hundred
// bytes of comprehensions, `let` declarations or string arithmetic can make
// its evaluator run for minutes or build a value of gigabytes. So before
// CUE sees a file, its syntax is checked to hold literal data only:
//
//   - structs of regular fields, whose labels are names or strings, with
//     attributes on fields (metadata: CUE ignores them in data);
//   - lists of values;
//   - strings of every form (quoted, multi-line, raw), bytes, numbers,
//     a number with a sign, true, false and null.
//
// Anything else is a finding naming the construct, and the file's record is
// not evaluated: references, selectors, indexes, calls, interpolation,
// operators, disjunctions and defaults, bounds, comprehensions, `let`,
// embeddings, ellipses, aliases, definitions, hidden fields, optional and
// required markers, pattern constraints and dynamic labels, `_` and `_|_`,
// and attributes at file level (`@if`, `@extern`), which decide how the
// cue tool loads the file. Imports are refused by the layout check.
//
// The check walks the syntax once and stops at the first construct of each
// branch that is not data, so its cost is linear in the file's size.

// maxLiteralFindings is how many constructs are reported for one file; a
// last finding, where the first of the rest is, counts them.
const maxLiteralFindings = 10

// literalCheck is what checkLiteral found in one file.
type literalCheck struct {
	findings []finding.Finding
	// more counts the constructs beyond maxLiteralFindings.
	more int
	// entries counts the fields and list elements of the file, and depth
	// is how deep its structs and lists nest.
	entries, depth int
}

// tooLargeForCUE says why a record is not given to CUE, or "".
func (l literalCheck) tooLargeForCUE() string {
	switch {
	case l.entries > maxEvalEntries:
		return fmt.Sprintf("it has %d fields and list elements (at most %d)", l.entries, maxEvalEntries)
	case l.depth > maxEvalDepth:
		return fmt.Sprintf("it nests %d levels deep (at most %d)", l.depth, maxEvalDepth)
	}
	return ""
}

// checkLiteral reports every construct of f that is not literal data.
// Package clauses, imports and comments are left to the layout check.
// record is the key of the file's record and trim the number of labels
// that lead to it (kind and ID), when the file has the record's shape;
// findings in it then name the record and the field path inside it.
func checkLiteral(name string, f *ast.File, record string, trim int) literalCheck {
	c := &literalChecker{name: name, record: record, trim: trim}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.Package, *ast.ImportDecl, *ast.CommentGroup:
		case *ast.Attribute:
			c.refuse(d, nil, fmt.Sprintf("a file attribute (%s)", attrName(d)), "it decides how the cue tool loads the file; records hold data only")
		default:
			c.decl(d, nil)
		}
	}
	out := literalCheck{findings: c.findings, more: c.more, entries: c.entries, depth: c.depth}
	if c.more > 0 {
		out.findings = append(out.findings, finding.Finding{
			Rule: "syntax", Severity: finding.Error, File: name, Line: c.next.Line(), Column: c.next.Column(), Record: record,
			Message: fmt.Sprintf("%d more constructs in this file are not literal data", c.more),
		})
	}
	return out
}

type literalChecker struct {
	name     string
	record   string
	trim     int
	findings []finding.Finding
	more     int
	next     token.Pos // the first construct not reported
	entries  int
	level    int // how deep the walk is
	depth    int // the deepest it went
}

const (
	hintCompute    = "records hold data only; compute values elsewhere and write the result"
	hintConstraint = "records hold data only; constraints belong in the schema"
	hintPlainField = "records hold data only; write a regular field, `name: value`"
)

func (c *literalChecker) refuse(n ast.Node, path []string, construct, hint string) {
	if len(c.findings) >= maxLiteralFindings {
		if c.more == 0 {
			c.next = n.Pos()
		}
		c.more++
		return
	}
	f := finding.Finding{
		Rule: "syntax", Severity: finding.Error, File: c.name,
		Message: construct + " is not literal data: " + hint,
	}
	if c.record != "" {
		f.Record = c.record
		if len(path) >= c.trim {
			f.Path = formatPath(path[c.trim:])
		}
	}
	if p := n.Pos(); p.IsValid() {
		f.Line, f.Column = p.Line(), p.Column()
	}
	c.findings = append(c.findings, f)
}

// The walk's path is a stack: a child's path is its parent's with one more
// label appended in place, where the next sibling's label will overwrite
// it. It is read only below that child, and copied only into a finding,
// so a walk costs no more than the file's size however deep it nests.

// decl checks a declaration of a struct (or of the file).
func (c *literalChecker) decl(d ast.Decl, path []string) {
	switch d := d.(type) {
	case *ast.CommentGroup, *ast.Attribute:
		// An attribute inside a struct is metadata.
	case *ast.Field:
		c.field(d, path)
	case *ast.LetClause:
		c.refuse(d, path, "a `let` declaration", hintCompute)
	case *ast.Comprehension:
		c.refuse(d, path, comprehension(d), hintCompute)
	case *ast.EmbedDecl:
		c.refuse(d, path, "an embedding", "records hold data only; write the fields themselves")
	case *ast.Ellipsis:
		c.refuse(d, path, "an ellipsis (`...`)", hintConstraint)
	case *ast.ImportDecl:
		c.refuse(d, path, "an import", hintCompute)
	default:
		c.refuse(d, path, "a declaration that is not a field", hintPlainField)
	}
}

func (c *literalChecker) field(f *ast.Field, path []string) {
	c.entries++
	name, ok := c.label(f, path)
	if !ok {
		return
	}
	path = append(path, name)
	switch {
	case f.Constraint == token.OPTION:
		c.refuse(f, path, "an optional field (`?`)", hintPlainField)
		return
	case f.Constraint == token.NOT:
		c.refuse(f, path, "a required-field marker (`!`)", hintPlainField)
		return
	case f.Alias != nil:
		c.refuse(f.Alias, path, "an alias (`~`)", hintCompute)
		return
	}
	c.expr(f.Value, path)
}

// label checks a field's label and returns its name.
func (c *literalChecker) label(f *ast.Field, path []string) (string, bool) {
	switch l := f.Label.(type) {
	case *ast.Ident:
		switch {
		case strings.HasPrefix(l.Name, "#") || strings.HasPrefix(l.Name, "_#"):
			c.refuse(l, path, fmt.Sprintf("a definition (`%s`)", l.Name), hintConstraint)
			return "", false
		case strings.HasPrefix(l.Name, "_"):
			c.refuse(l, path, fmt.Sprintf("a hidden field (`%s`)", l.Name), "records hold exported data only; a hidden field is not part of the record")
			return "", false
		}
		return l.Name, true
	case *ast.BasicLit:
		// A string, or true, false or null as a name.
		if name, _, err := ast.LabelName(l); err == nil {
			return name, true
		}
	case *ast.Interpolation:
		c.refuse(l, path, "an interpolated label (`\"\\(...)\"`)", hintCompute)
		return "", false
	case *ast.ListLit:
		c.refuse(l, path, "a pattern constraint (`[...]: ...`)", hintConstraint)
		return "", false
	case *ast.ParenExpr:
		c.refuse(l, path, "a dynamic label (`(...): ...`)", hintCompute)
		return "", false
	case *ast.Alias:
		c.refuse(l, path, "an alias (`X=`)", hintCompute)
		return "", false
	}
	c.refuse(f.Label, path, "a label that is neither a name nor a string", hintPlainField)
	return "", false
}

func (c *literalChecker) expr(x ast.Expr, path []string) {
	switch x := x.(type) {
	case *ast.BasicLit:
		switch x.Kind {
		case token.STRING, token.INT, token.FLOAT, token.TRUE, token.FALSE, token.NULL:
			return
		}
		c.refuse(x, path, "a literal of an unknown kind", hintCompute)
	case *ast.StructLit:
		c.descend()
		defer c.ascend()
		for _, d := range x.Elts {
			c.decl(d, path)
		}
	case *ast.ListLit:
		c.descend()
		defer c.ascend()
		for i, e := range x.Elts {
			c.entries++
			at := append(path, strconv.Itoa(i))
			switch e := e.(type) {
			case *ast.Comprehension:
				c.refuse(e, at, comprehension(e), hintCompute)
			case *ast.Ellipsis:
				c.refuse(e, at, "an ellipsis (`...`)", hintConstraint)
			default:
				c.expr(e, at)
			}
		}
	case *ast.UnaryExpr:
		// A sign on a number is part of the number.
		if lit, ok := x.X.(*ast.BasicLit); ok && (x.Op == token.SUB || x.Op == token.ADD) && (lit.Kind == token.INT || lit.Kind == token.FLOAT) {
			return
		}
		c.refuse(x, path, unary(x.Op), hintConstraintOr(x.Op))
	case *ast.Ident:
		c.refuse(x, path, ident(x.Name), identHint(x.Name))
	case *ast.SelectorExpr:
		if ref, ok := selector(x); ok {
			c.refuse(x, path, fmt.Sprintf("a reference (`%s`)", ref), hintCompute)
		} else {
			c.refuse(x, path, "a reference (a selector `.`)", hintCompute)
		}
	case *ast.IndexExpr:
		c.refuse(x, path, "an index expression (`[...]`)", hintCompute)
	case *ast.SliceExpr:
		c.refuse(x, path, "a slice expression", hintCompute)
	case *ast.CallExpr:
		c.refuse(x, path, "a function call", hintCompute)
	case *ast.Interpolation:
		c.refuse(x, path, "a string interpolation (`\\(...)`)", hintCompute)
	case *ast.BinaryExpr:
		switch x.Op {
		case token.OR:
			c.refuse(x, path, "a disjunction (`|`)", hintConstraint)
		case token.AND:
			c.refuse(x, path, "a unification (`&`)", hintConstraint)
		default:
			c.refuse(x, path, fmt.Sprintf("an expression (`%s`)", x.Op), hintCompute)
		}
	case *ast.ParenExpr:
		c.refuse(x, path, "a parenthesised expression", hintCompute)
	case *ast.BottomLit:
		c.refuse(x, path, "bottom (`_|_`)", "records hold data only; write the value")
	case *ast.Comprehension:
		c.refuse(x, path, comprehension(x), hintCompute)
	default:
		c.refuse(x, path, "an expression", hintCompute)
	}
}

func (c *literalChecker) descend() {
	c.level++
	c.depth = max(c.depth, c.level)
}

func (c *literalChecker) ascend() { c.level-- }

func comprehension(x *ast.Comprehension) string {
	if len(x.Clauses) > 0 {
		switch x.Clauses[0].(type) {
		case *ast.ForClause:
			return "a comprehension (`for`)"
		case *ast.IfClause:
			return "a comprehension (`if`)"
		}
	}
	return "a comprehension"
}

func unary(op token.Token) string {
	switch op {
	case token.MUL:
		return "a default marker (`*`)"
	case token.GEQ, token.GTR, token.LEQ, token.LSS, token.NEQ:
		return fmt.Sprintf("a bound (`%s`)", op)
	case token.MAT, token.NMAT:
		return fmt.Sprintf("a pattern (`%s`)", op)
	}
	return fmt.Sprintf("an expression (`%s`)", op)
}

func hintConstraintOr(op token.Token) string {
	switch op {
	case token.MUL, token.GEQ, token.GTR, token.LEQ, token.LSS, token.NEQ, token.MAT, token.NMAT:
		return hintConstraint
	}
	return hintCompute
}

// types are the identifiers CUE predeclares for types.
var types = map[string]bool{
	"string": true, "bytes": true, "number": true, "int": true, "float": true, "bool": true, "null": true,
	"int8": true, "int16": true, "int32": true, "int64": true, "int128": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true, "uint128": true,
	"float32": true, "float64": true, "rune": true,
}

func ident(name string) string {
	switch {
	case name == "_":
		return "top (`_`)"
	case types[name]:
		return fmt.Sprintf("a type (`%s`)", name)
	}
	return fmt.Sprintf("a reference (`%s`)", name)
}

func identHint(name string) string {
	if name == "_" || types[name] {
		return hintConstraint
	}
	return fmt.Sprintf("records hold data only; write the value itself (a string is quoted: \"%s\")", name)
}

// selector spells a chain of names and selectors, `a.b.c`, when it is
// short.
func selector(x ast.Expr) (string, bool) {
	switch x := x.(type) {
	case *ast.Ident:
		return x.Name, true
	case *ast.SelectorExpr:
		base, ok := selector(x.X)
		if !ok {
			return "", false
		}
		name, _, err := ast.LabelName(x.Sel)
		if err != nil || len(base)+len(name) > 60 {
			return "", false
		}
		return base + "." + name, true
	}
	return "", false
}

func attrName(a *ast.Attribute) string {
	if name := a.Name(); name != "" {
		return "`@" + name + "`"
	}
	return "`@`"
}

// recordDepth is the number of labels that lead to a kind's record: `sms`,
// or the kind and the ID.
func recordDepth(k Kind) int {
	if k.Name == SMSKind.Name {
		return 1
	}
	return 2
}

// besides returns the findings of fs at places that no finding of other
// names: a `let` or an embedding at the top of a file is also a layout
// finding, and once is enough.
func besides(fs, other []finding.Finding) []finding.Finding {
	var out []finding.Finding
	for _, f := range fs {
		if !slices.ContainsFunc(other, func(o finding.Finding) bool { return o.Line == f.Line && o.Column == f.Column }) {
			out = append(out, f)
		}
	}
	return out
}

// maxEvalEntries and maxEvalDepth bound the records that smsctl evaluates
// with CUE: at most so many fields and list elements, nested at most so
// deep. Literal data costs CUE's evaluator time that grows with the square
// of a list's or struct's length (it finds each element by a linear search
// of the ones before it: a record with a list of 20,000 strings takes a
// second, of 60,000 twelve) and of its depth (lists nested 2,000 deep in a
// 4 KB record, 0.3 s). Within these bounds a record costs CUE at most a few
// microseconds a byte. A record the fast path accepts is never evaluated,
// whatever its size; a larger or deeper one that it does not accept is
// reported without CUE's reason, so the cost of validation stays linear in
// the size of the repository. Real records have a few hundred entries at
// most (acme's largest, sms.cue, 150) and the schema nests 6 deep.
const (
	maxEvalEntries = 2000
	maxEvalDepth   = 16
)

// tooLarge reports a record too large for CUE (why says how) that the fast
// path does not accept: where its check first fails, when the record
// decodes, else the record itself. The record keeps the data and
// references the fast path reads from it.
func (v *validator) tooLarge(name string, rec *Record, t ftype, n *node, why string) []finding.Finding {
	rec.Valid = false
	f := finding.Finding{
		Rule: "schema", Severity: finding.Error, File: name, Line: rec.Line, Column: rec.Column, Record: rec.Key(),
	}
	if n == nil || t == nil {
		f.Message = fmt.Sprintf("smsctl does not give this record to CUE, as %s, and it is not in the plain form its fast check reads (a field given twice, a number with a sign, underscore, base or exponent, bytes or null): write it plainly, or split the record", why)
		return []finding.Finding{f}
	}
	var b bytes.Buffer
	n.appendJSON(&b)
	rec.Data = b.Bytes()
	rec.Refs = nodeRefs(n, v.refs[rec.Kind])
	path, at := reject(t, n, v.fast, nil)
	f.Path = formatPath(path)
	if p := at.pos; p.IsValid() {
		f.Line, f.Column = p.Line(), p.Column()
	}
	f.Message = fmt.Sprintf("not allowed by the schema; smsctl does not give this record to CUE, which would say why, as %s", why)
	return []finding.Finding{f}
}
