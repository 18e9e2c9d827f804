package records

import (
	"fmt"
	"slices"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/parser"
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
