package records

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/literal"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"
)

// EditFields rewrites a record file's syntax tree: it removes the record's
// top-level fields named in remove and sets the string fields in set
// (adding them when absent). Comments and other fields stay as they were.
func EditFields(name string, src []byte, remove []string, set map[string]string) ([]byte, error) {
	f, err := parser.ParseFile(name, src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	body, err := recordBody(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	done := map[string]bool{}
	elts := body.Elts[:0]
	for _, e := range body.Elts {
		if fd, ok := e.(*ast.Field); ok {
			label, _, _ := ast.LabelName(fd.Label)
			if slices.Contains(remove, label) {
				continue
			}
			if v, ok := set[label]; ok {
				fd.Value = ast.NewString(v)
				done[label] = true
			}
		}
		elts = append(elts, e)
	}
	body.Elts = elts
	for _, label := range sortedKeys(set) {
		if !done[label] {
			body.Elts = append(body.Elts, &ast.Field{Label: ast.NewIdent(label), Value: ast.NewString(set[label])})
		}
	}
	return format.Node(f)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// recordBody finds the struct of the one record a file holds.
func recordBody(f *ast.File) (*ast.StructLit, error) {
	for _, d := range f.Decls {
		top, ok := d.(*ast.Field)
		if !ok {
			continue
		}
		st, ok := top.Value.(*ast.StructLit)
		if !ok {
			return nil, fmt.Errorf("record is not a struct")
		}
		if label, _, _ := ast.LabelName(top.Label); label == SMSKind.Field {
			return st, nil
		}
		for _, e := range st.Elts {
			if inner, ok := e.(*ast.Field); ok {
				if body, ok := inner.Value.(*ast.StructLit); ok {
					return body, nil
				}
			}
		}
	}
	return nil, fmt.Errorf("no record found")
}

// Edit is one change to a field of the record a file holds, for Splice.
type Edit struct {
	// Op is EditSet, EditAppend or EditRemove.
	Op string `json:"op"`
	// Path is the field path inside the record, e.g. ["actual", "end"].
	Path []string `json:"path"`
	// Value is JSON: the new value (set), the elements to add (append: a
	// JSON list), or the element to take out of a list (remove).
	Value json.RawMessage `json:"value"`
}

// The operations of an Edit.
const (
	// EditSet sets the field, adding it (and the structs above it) when
	// absent.
	EditSet = "set"
	// EditAppend adds elements at the end of a list field, adding the field
	// when absent.
	EditAppend = "append"
	// EditRemove takes one element out of a list field.
	EditRemove = "remove"
)

// Splice applies edits to a record file and returns the new source. Unlike
// EditFields it does not reformat the file: each edit replaces or inserts
// only the bytes of the field it touches, so comments, field order and
// formatting elsewhere stay byte for byte. New values are formatted as
// `cue fmt` formats them and indented like their neighbours. The result is
// parsed again; an edit that would not give valid CUE is an error naming
// the file and the field.
func Splice(name string, src []byte, edits []Edit) ([]byte, error) {
	out := src
	for _, e := range edits {
		next, err := spliceOne(name, out, e)
		if err != nil {
			return nil, fmt.Errorf("%s: %s %s: %w", name, e.Op, strings.Join(e.Path, "."), err)
		}
		out = next
	}
	if _, err := parser.ParseFile(name, out, parser.ParseComments); err != nil {
		return nil, fmt.Errorf("%s: the edited file does not parse: %w", name, err)
	}
	return out, nil
}

func spliceOne(name string, src []byte, e Edit) ([]byte, error) {
	if len(e.Path) == 0 {
		return nil, fmt.Errorf("empty field path")
	}
	var value any
	if err := json.Unmarshal(e.Value, &value); err != nil {
		return nil, fmt.Errorf("value is not JSON: %w", err)
	}
	f, err := parser.ParseFile(name, src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	st, err := recordBody(f)
	if err != nil {
		return nil, err
	}
	for i, label := range e.Path {
		fd := findField(st, label)
		last := i == len(e.Path)-1
		if fd == nil {
			switch e.Op {
			case EditRemove:
				return src, nil // nothing to remove
			case EditAppend:
				if !last {
					break
				}
				if _, ok := value.([]any); !ok {
					return nil, fmt.Errorf("append needs a JSON list")
				}
			case EditSet:
			default:
				return nil, fmt.Errorf("unknown edit %q", e.Op)
			}
			// Add the field, nesting the rest of the path in new structs.
			for j := len(e.Path) - 1; j > i; j-- {
				value = map[string]any{e.Path[j]: value}
			}
			return insertField(src, st, label, value)
		}
		if !last {
			inner, ok := fd.Value.(*ast.StructLit)
			if !ok {
				return nil, fmt.Errorf("%s is not a struct", label)
			}
			st = inner
			continue
		}
		switch e.Op {
		case EditSet:
			return replaceNode(src, fd.Value, value)
		case EditAppend:
			list, ok := fd.Value.(*ast.ListLit)
			if !ok {
				return nil, fmt.Errorf("%s is not a list", label)
			}
			elems, ok := value.([]any)
			if !ok {
				return nil, fmt.Errorf("append needs a JSON list")
			}
			return appendElems(src, list, elems)
		case EditRemove:
			list, ok := fd.Value.(*ast.ListLit)
			if !ok {
				return nil, fmt.Errorf("%s is not a list", label)
			}
			return removeElem(src, list, value)
		default:
			return nil, fmt.Errorf("unknown edit %q", e.Op)
		}
	}
	return nil, fmt.Errorf("unreachable")
}

func findField(st *ast.StructLit, label string) *ast.Field {
	for _, e := range st.Elts {
		if fd, ok := e.(*ast.Field); ok {
			if l, _, _ := ast.LabelName(fd.Label); l == label {
				return fd
			}
		}
	}
	return nil
}

// lineIndent is the leading white space of the line that holds offset.
func lineIndent(src []byte, offset int) string {
	start := bytes.LastIndexByte(src[:offset], '\n') + 1
	end := start
	for end < len(src) && (src[end] == '\t' || src[end] == ' ') {
		end++
	}
	return string(src[start:end])
}

func lineOf(src []byte, offset int) int { return bytes.Count(src[:offset], []byte("\n")) }

// render formats a JSON value as CUE, continuation lines indented by indent.
func render(value any, indent string) ([]byte, error) {
	b, err := format.Node(jsonAST(value))
	if err != nil {
		return nil, err
	}
	b = bytes.TrimRight(b, "\n")
	return bytes.ReplaceAll(b, []byte("\n"), []byte("\n"+indent)), nil
}

// jsonAST builds the CUE syntax of a JSON value; labels that are
// identifiers stay unquoted, object keys in sorted order.
func jsonAST(v any) ast.Expr {
	switch v := v.(type) {
	case nil:
		return ast.NewNull()
	case bool:
		return ast.NewBool(v)
	case float64:
		return &ast.BasicLit{Kind: token.FLOAT, Value: strconv.FormatFloat(v, 'f', -1, 64)}
	case string:
		return ast.NewString(v)
	case []any:
		l := &ast.ListLit{}
		for _, e := range v {
			l.Elts = append(l.Elts, jsonAST(e))
		}
		return l
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		s := &ast.StructLit{}
		for _, k := range keys {
			s.Elts = append(s.Elts, &ast.Field{Label: fieldLabel(k), Value: jsonAST(v[k])})
		}
		return s
	}
	return ast.NewString(fmt.Sprint(v))
}

func fieldLabel(k string) ast.Label {
	if identRE.MatchString(k) {
		return ast.NewIdent(k)
	}
	return ast.NewString(k)
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func replaceNode(src []byte, n ast.Node, value any) ([]byte, error) {
	from, to := n.Pos().Offset(), n.End().Offset()
	text, err := render(value, lineIndent(src, from))
	if err != nil {
		return nil, err
	}
	return spliceBytes(src, from, to, text), nil
}

func spliceBytes(src []byte, from, to int, text []byte) []byte {
	out := make([]byte, 0, len(src)-(to-from)+len(text))
	out = append(out, src[:from]...)
	out = append(out, text...)
	return append(out, src[to:]...)
}

// insertField adds label: value as the struct's last field.
func insertField(src []byte, st *ast.StructLit, label string, value any) ([]byte, error) {
	lb, rb := st.Lbrace.Offset(), st.Rbrace.Offset()
	var indent string
	if len(st.Elts) > 0 {
		indent = lineIndent(src, st.Elts[0].Pos().Offset())
	} else {
		indent = lineIndent(src, lb) + "\t"
	}
	text, err := render(value, indent)
	if err != nil {
		return nil, err
	}
	lbl, err := format.Node(fieldLabel(label))
	if err != nil {
		return nil, err
	}
	field := append(append(lbl, ": "...), text...)
	switch {
	case len(st.Elts) == 0 && lineOf(src, lb) == lineOf(src, rb):
		// {} on one line: open it up.
		closing := lineIndent(src, lb)
		return spliceBytes(src, lb+1, rb, []byte("\n"+indent+string(field)+"\n"+closing)), nil
	case len(st.Elts) == 0:
		at := lb + 1
		return spliceBytes(src, at, at, []byte("\n"+indent+string(field))), nil
	}
	lastEnd := st.Elts[len(st.Elts)-1].End().Offset()
	if lineOf(src, lastEnd) == lineOf(src, rb) && lineOf(src, lb) == lineOf(src, rb) {
		// a struct on one line stays on one line
		return spliceBytes(src, lastEnd, lastEnd, []byte(", "+string(field))), nil
	}
	at := lastEnd
	// keep a comment at the end of the last field's line with that field
	if nl := bytes.IndexByte(src[at:], '\n'); nl >= 0 && at+nl < rb {
		at += nl
	}
	return spliceBytes(src, at, at, []byte("\n"+indent+string(field))), nil
}

func appendElems(src []byte, list *ast.ListLit, elems []any) ([]byte, error) {
	if len(elems) == 0 {
		return src, nil
	}
	lb, rb := list.Lbrack.Offset(), list.Rbrack.Offset()
	indent := lineIndent(src, lb)
	var parts [][]byte
	for _, e := range elems {
		text, err := render(e, indent)
		if err != nil {
			return nil, err
		}
		parts = append(parts, text)
	}
	joined := bytes.Join(parts, []byte(", "))
	if len(list.Elts) == 0 {
		return spliceBytes(src, lb+1, rb, joined), nil
	}
	lastEnd := list.Elts[len(list.Elts)-1].End().Offset()
	if lineOf(src, lastEnd) != lineOf(src, rb) {
		// one element per line: keep that form
		elIndent := lineIndent(src, list.Elts[len(list.Elts)-1].Pos().Offset())
		var b []byte
		for _, e := range elems {
			text, err := render(e, elIndent)
			if err != nil {
				return nil, err
			}
			b = append(append(append(b, ",\n"...), elIndent...), text...)
		}
		// a trailing comma after the last element stays where it is
		if src[lastEnd] == ',' {
			lastEnd++
			b = append(b[1:], ',')
		}
		return spliceBytes(src, lastEnd, lastEnd, b), nil
	}
	return spliceBytes(src, lastEnd, lastEnd, append([]byte(", "), joined...)), nil
}

func removeElem(src []byte, list *ast.ListLit, value any) ([]byte, error) {
	for i, e := range list.Elts {
		if !elemEquals(e, value) {
			continue
		}
		from, to := e.Pos().Offset(), e.End().Offset()
		switch {
		case i+1 < len(list.Elts):
			to = list.Elts[i+1].Pos().Offset()
		case i > 0:
			from = list.Elts[i-1].End().Offset()
		default:
			from, to = list.Lbrack.Offset()+1, list.Rbrack.Offset()
		}
		return spliceBytes(src, from, to, nil), nil
	}
	return src, nil
}

// elemEquals compares a list element with a JSON scalar.
func elemEquals(e ast.Expr, value any) bool {
	lit, ok := e.(*ast.BasicLit)
	if !ok {
		return false
	}
	switch v := value.(type) {
	case string:
		s, err := literal.Unquote(lit.Value)
		return err == nil && lit.Kind == token.STRING && s == v
	case float64:
		return (lit.Kind == token.INT || lit.Kind == token.FLOAT) && lit.Value == strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return lit.Value == strconv.FormatBool(v)
	}
	return false
}
