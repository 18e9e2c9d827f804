package records

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"
)

func TestFastPathCoversTheSchema(t *testing.T) {
	fast, err := compileFast()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range append([]Kind{SMSKind}, Kinds...) {
		if fast[k.Def] == nil {
			t.Errorf("%s has no fast check", k.Def)
		}
	}
}

func TestFastPathTakesTheAcmeExample(t *testing.T) {
	root, err := os.OpenRoot("../../examples/acme")
	if err != nil {
		t.Fatal(err)
	}
	repo, err := Load(root.FS(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(repo.Findings) > 0 {
		t.Fatalf("acme has findings: %+v", repo.Findings[0])
	}
	if repo.FastChecked != len(repo.Records) || repo.Evaluated != 0 {
		t.Errorf("fast path took %d of %d records; CUE evaluated %d", repo.FastChecked, len(repo.Records), repo.Evaluated)
	}
}

// verdicts checks one record file both ways: the fast path alone, and CUE
// alone. It reports whether each accepted the record; ok is false when the
// file is not a record at all.
func verdicts(t *testing.T, slow *validator, name string, src []byte, fast map[string]ftype) (fastOK, cueOK, ok bool) {
	t.Helper()
	f, err := parser.ParseFile(name, src, parser.ParseComments)
	if err != nil {
		return false, false, false
	}
	kind, _, field, fs := slow.recordShape(name, f)
	if len(fs) > 0 {
		return false, false, false
	}
	if t := fast[kind.Def]; t != nil && field.Constraint == token.ILLEGAL {
		if n, ok := decode(field.Value, field.Pos()); ok && t.accepts(n, fast) {
			fastOK = true
		}
	}
	r := slow.check(name, src)
	return fastOK, r.rec != nil && r.rec.Valid && len(r.findings) == 0 && !r.fast, true
}

// mutations yields variants of a record file: each literal replaced by
// values of other kinds and forms, each field removed, an unknown field
// added to each struct.
func mutations(t *testing.T, name string, src []byte, fn func(variant []byte)) {
	t.Helper()
	f, err := parser.ParseFile(name, src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	var lits []*ast.BasicLit
	var structs []*ast.StructLit
	ast.Walk(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BasicLit:
			lits = append(lits, n)
		case *ast.StructLit:
			structs = append(structs, n)
		}
		return true
	}, nil)
	emit := func() {
		out, err := format.Node(f)
		if err != nil {
			t.Fatal(err)
		}
		fn(out)
	}
	replacements := []*ast.BasicLit{
		{Kind: token.STRING, Value: `"x"`}, {Kind: token.STRING, Value: `""`},
		{Kind: token.STRING, Value: `"P9"`}, {Kind: token.STRING, Value: `"2026-13-01"`},
		{Kind: token.STRING, Value: `"2026-02-30T10:00:00Z"`}, {Kind: token.STRING, Value: `"4 h"`},
		{Kind: token.STRING, Value: `"UPPER"`}, {Kind: token.STRING, Value: `'bytes'`},
		{Kind: token.INT, Value: "0"}, {Kind: token.INT, Value: "101"}, {Kind: token.INT, Value: "3"},
		{Kind: token.FLOAT, Value: "99.5"}, {Kind: token.FLOAT, Value: "3.5"}, {Kind: token.TRUE, Value: "true"}, {Kind: token.NULL, Value: "null"},
	}
	for _, l := range lits {
		kind, value := l.Kind, l.Value
		for _, r := range replacements {
			l.Kind, l.Value = r.Kind, r.Value
			emit()
		}
		// The same string, raw; and a raw string that interpolates.
		if kind == token.STRING && strings.HasPrefix(value, `"`) {
			for _, v := range []string{"#" + value + "#", `#"\#(1)"#`} {
				l.Value = v
				emit()
			}
		}
		l.Kind, l.Value = kind, value
	}
	for _, s := range structs {
		elts := s.Elts
		for i := range elts {
			s.Elts = append(append([]ast.Decl{}, elts[:i]...), elts[i+1:]...)
			emit()
		}
		s.Elts = append(append([]ast.Decl{}, elts...), &ast.Field{Label: ast.NewIdent("unknown"), Value: ast.NewString("x")})
		emit()
		s.Elts = elts
	}
}

// The fast path never accepts a record that CUE rejects: every record of
// the acme example, each mutated in many ways, is judged both ways.
func TestFastPathIsSound(t *testing.T) {
	cs, err := compileSchema()
	if err != nil {
		t.Fatal(err)
	}
	refs, err := referencePaths(cs)
	if err != nil {
		t.Fatal(err)
	}
	fast, err := compileFast()
	if err != nil {
		t.Fatal(err)
	}
	slow := &validator{refs: refs}
	// One record of each kind (the first found) keeps the test quick; the
	// kinds are where the compiled checks differ.
	seen := map[string]bool{}
	variants, fastAccepted, cueAccepted := 0, 0, 0
	err = fs.WalkDir(os.DirFS("../../examples/acme"), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".cue") || p == SchemaFile || strings.HasPrefix(p, "cue.mod") {
			return err
		}
		dir := path.Dir(p)
		if dir != "." && strings.Count(dir, "/") > 0 {
			dir = dir[:strings.Index(dir, "/")]
		}
		if seen[dir] {
			return nil
		}
		seen[dir] = true
		src, err := os.ReadFile(filepath.Join("../../examples/acme", p))
		if err != nil {
			return err
		}
		mutations(t, p, src, func(v []byte) {
			fastOK, cueOK, ok := verdicts(t, slow, p, v, fast)
			if !ok {
				return
			}
			variants++
			if fastOK {
				fastAccepted++
			}
			if cueOK {
				cueAccepted++
			}
			if fastOK && !cueOK {
				t.Errorf("%s: the fast path accepts what CUE rejects:\n%s", p, v)
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) < len(Kinds) {
		t.Errorf("mutated %d kinds of record, want all %d and sms", len(seen), len(Kinds))
	}
	t.Logf("%d variants: fast path accepted %d, CUE accepted %d", variants, fastAccepted, cueAccepted)
	if fastAccepted == 0 || variants < 1000 {
		t.Errorf("the test exercised too little: %d variants, %d accepted", variants, fastAccepted)
	}
}

// FuzzFastPathIsSound feeds arbitrary change records to both judges.
func FuzzFastPathIsSound(f *testing.F) {
	seed, err := os.ReadFile("../../examples/acme/changes/2026/CHG-2026-0001.cue")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte("package sms\n\nchanges: \"CHG-2026-0001\": {title: \"x\", planned: start: \"2026-01-01T00:00:00Z\"}\n"))
	cs, err := compileSchema()
	if err != nil {
		f.Fatal(err)
	}
	refs, err := referencePaths(cs)
	if err != nil {
		f.Fatal(err)
	}
	fast, err := compileFast()
	if err != nil {
		f.Fatal(err)
	}
	slow := &validator{refs: refs}
	f.Fuzz(func(t *testing.T, src []byte) {
		if fastOK, cueOK, ok := verdicts(t, slow, "changes/2026/CHG-2026-0001.cue", src, fast); ok && fastOK && !cueOK {
			t.Errorf("the fast path accepts what CUE rejects:\n%s", src)
		}
	})
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "plain", `q"uote\back`, "new\nline\ttab\r", "ctl\x01\x1f", "<&> é ☃ \u2028"} {
		var b bytes.Buffer
		appendJSONString(&b, s)
		var got string
		if err := json.Unmarshal(b.Bytes(), &got); err != nil || got != s {
			t.Errorf("%q -> %s -> %q, %v", s, b.Bytes(), got, err)
		}
	}
}
