package records

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/parser"
)

// Data reads one record file as it stood at some revision and returns its
// kind, ID and value as JSON. It checks the file's shape (one record, in
// the right place) but not the schema: a trail shows what was there, valid
// or not.
func Data(name string, src []byte) (Kind, string, []byte, error) {
	if v, ok := scanVersion(name, src); ok && src != nil {
		var b bytes.Buffer
		v.body.appendJSON(&b)
		return v.kind, v.id, b.Bytes(), nil
	}
	f, err := parser.ParseFile(name, src)
	if err != nil {
		return Kind{}, "", nil, fmt.Errorf("%s: %w", name, err)
	}
	kind, id, field, fs := (&validator{}).recordShape(name, f)
	if len(fs) > 0 {
		return Kind{}, "", nil, fmt.Errorf("%s: %s", fs[0].Location(), fs[0].Message)
	}
	// A file from any revision is untrusted: CUE evaluates literal data
	// only, and no more of it than Load would.
	lit := checkLiteral(name, f, "", 0)
	if len(lit.findings) > 0 {
		return Kind{}, "", nil, fmt.Errorf("%s: %s", lit.findings[0].Location(), lit.findings[0].Message)
	}
	if n, ok := decode(field.Value, field.Pos()); ok {
		var b bytes.Buffer
		n.appendJSON(&b)
		return kind, id, b.Bytes(), nil
	}
	if why := lit.tooLargeForCUE(); why != "" {
		return Kind{}, "", nil, fmt.Errorf("%s: %s %s is not given to CUE, as %s, and is not in the plain form smsctl reads without it", name, kind.Name, id, why)
	}
	v := cuecontext.New().BuildFile(f)
	p := cue.MakePath(cue.Str(kind.Field))
	if kind.Name != SMSKind.Name {
		p = cue.MakePath(cue.Str(kind.Field), cue.Str(id))
	}
	data, err := v.LookupPath(p).MarshalJSON()
	if err != nil {
		return Kind{}, "", nil, fmt.Errorf("%s: %s %s is not plain data: %w", name, kind.Name, id, err)
	}
	return kind, id, data, nil
}

// FieldChange is one field of a record that differs between two versions.
type FieldChange struct {
	// Path is the field path, e.g. "approvals[0].by".
	Path string `json:"path"`
	// Old and New are JSON values; absent (nil) when the field was added
	// or removed.
	Old json.RawMessage `json:"old,omitempty"`
	New json.RawMessage `json:"new,omitempty"`
}

// Diff compares two versions of a record's value (JSON; nil for none) and
// returns the fields that differ, by path, in a stable order: object keys
// sorted, list elements by index.
func Diff(before, after []byte) ([]FieldChange, error) {
	var a, b any
	if before != nil {
		if err := unmarshalNumber(before, &a); err != nil {
			return nil, err
		}
	}
	if after != nil {
		if err := unmarshalNumber(after, &b); err != nil {
			return nil, err
		}
	}
	var out []FieldChange
	diffValue(nil, a, b, before != nil, after != nil, &out)
	return out, nil
}

func unmarshalNumber(data []byte, v *any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	return d.Decode(v)
}

func diffValue(path []string, a, b any, hasA, hasB bool, out *[]FieldChange) {
	am, aObj := a.(map[string]any)
	bm, bObj := b.(map[string]any)
	if hasA && hasB && aObj && bObj {
		keys := map[string]bool{}
		for k := range am {
			keys[k] = true
		}
		for k := range bm {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			av, inA := am[k]
			bv, inB := bm[k]
			diffValue(append(slices.Clip(path), k), av, bv, inA, inB, out)
		}
		return
	}
	al, aList := a.([]any)
	bl, bList := b.([]any)
	if hasA && hasB && aList && bList {
		for i := 0; i < max(len(al), len(bl)); i++ {
			var av, bv any
			if i < len(al) {
				av = al[i]
			}
			if i < len(bl) {
				bv = bl[i]
			}
			diffValue(append(slices.Clip(path), strconv.Itoa(i)), av, bv, i < len(al), i < len(bl), out)
		}
		return
	}
	if hasA == hasB && jsonEqualValues(a, b) {
		return
	}
	c := FieldChange{Path: formatPath(path)}
	if hasA {
		c.Old, _ = json.Marshal(a)
	}
	if hasB {
		c.New, _ = json.Marshal(b)
	}
	*out = append(*out, c)
}

func jsonEqualValues(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

// DiffFiles compares two versions of a record file (nil for none) and
// returns the kind and ID of the record and the fields that differ. Files
// the literal scanner reads are compared on their syntax trees directly;
// others go through Data and Diff.
func DiffFiles(oldPath string, oldSrc []byte, newPath string, newSrc []byte) (Kind, string, []FieldChange, error) {
	a, okA := scanVersion(oldPath, oldSrc)
	b, okB := scanVersion(newPath, newSrc)
	if okA && okB {
		k, id := a.kind, a.id
		if newSrc != nil {
			k, id = b.kind, b.id
		}
		var out []FieldChange
		diffNodes(nil, a.body, b.body, &out)
		return k, id, out, nil
	}
	var before, after []byte
	var k Kind
	var id string
	for _, v := range []struct {
		path string
		src  []byte
		dst  *[]byte
	}{{oldPath, oldSrc, &before}, {newPath, newSrc, &after}} {
		if v.src == nil {
			*v.dst = []byte("{}")
			continue
		}
		kk, ii, data, err := Data(v.path, v.src)
		if err != nil {
			return Kind{}, "", nil, err
		}
		k, id, *v.dst = kk, ii, data
	}
	changes, err := Diff(before, after)
	return k, id, changes, err
}

type version struct {
	kind Kind
	id   string
	body *node
}

// scanVersion reads a record file with the literal scanner; a missing file
// is an empty record.
func scanVersion(path string, src []byte) (version, bool) {
	if src == nil {
		return version{body: &node{kind: nStruct}}, true
	}
	sc, ok := scanRecord(path, src)
	if !ok {
		return version{}, false
	}
	kind, id := SMSKind, "sms"
	if sc.field != SMSKind.Field {
		if kind, ok = kindByField(sc.field); !ok || !kind.ValidID(sc.id) {
			return version{}, false
		}
		id = sc.id
	}
	if kind.PathFor(id) != path {
		return version{}, false
	}
	return version{kind: kind, id: id, body: sc.body}, true
}

// diffNodes is Diff on syntax trees: object keys in sorted order, list
// elements by index, a leaf or subtree reported whole where it differs.
func diffNodes(path []string, a, b *node, out *[]FieldChange) {
	switch {
	case a != nil && b != nil && a.kind == nStruct && b.kind == nStruct:
		keys := make([]string, 0, len(a.fields)+len(b.fields))
		for _, f := range a.fields {
			keys = append(keys, f.name)
		}
		for _, f := range b.fields {
			if a.field(f.name) == nil {
				keys = append(keys, f.name)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			diffNodes(append(slices.Clip(path), k), a.field(k), b.field(k), out)
		}
		return
	case a != nil && b != nil && a.kind == nList && b.kind == nList:
		for i := 0; i < max(len(a.elems), len(b.elems)); i++ {
			var x, y *node
			if i < len(a.elems) {
				x = a.elems[i]
			}
			if i < len(b.elems) {
				y = b.elems[i]
			}
			diffNodes(append(slices.Clip(path), strconv.Itoa(i)), x, y, out)
		}
		return
	}
	ja, jb := nodeJSON(a), nodeJSON(b)
	if bytes.Equal(ja, jb) {
		return
	}
	*out = append(*out, FieldChange{Path: formatPath(path), Old: ja, New: jb})
}

func nodeJSON(n *node) json.RawMessage {
	if n == nil {
		return nil
	}
	var b bytes.Buffer
	n.appendJSON(&b)
	return b.Bytes()
}
