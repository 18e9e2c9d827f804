package records

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cuelang.org/go/cue/parser"
)

// viaParser reads a record the way the full path does: CUE's parser, the
// layout checks, then decode.
func viaParser(name string, src []byte) (scanned, bool) {
	f, err := parser.ParseFile(name, src)
	if err != nil {
		return scanned{}, false
	}
	v := &validator{}
	kind, id, field, fs := v.recordShape(name, f)
	if len(fs) > 0 {
		return scanned{}, false
	}
	n, ok := decode(field.Value, field.Pos())
	if !ok {
		return scanned{}, false
	}
	p := field.Label.Pos()
	sc := scanned{field: kind.Field, id: id, line: p.Line(), column: p.Column(), body: n}
	if kind.Name == SMSKind.Name {
		sc.id = ""
	}
	return sc, true
}

func describe(n *node) string {
	var b strings.Builder
	var walk func(n *node)
	walk = func(n *node) {
		fmt.Fprintf(&b, "%d@%d:%d", n.kind, n.pos.Line(), n.pos.Column())
		switch n.kind {
		case nString:
			fmt.Fprintf(&b, "%q", n.s)
		case nInt, nFloat:
			b.WriteString(n.raw)
		case nBool:
			fmt.Fprint(&b, n.b)
		case nStruct:
			b.WriteString("{")
			for _, f := range n.fields {
				fmt.Fprintf(&b, "%q:", f.name)
				walk(f.val)
				b.WriteString(",")
			}
			b.WriteString("}")
		case nList:
			b.WriteString("[")
			for _, e := range n.elems {
				walk(e)
				b.WriteString(",")
			}
			b.WriteString("]")
		}
	}
	walk(n)
	return b.String()
}

// checkScan fails when the scanner accepts a file that the parser reads
// differently, or not at all. It reports whether the scanner accepted.
func checkScan(t *testing.T, name string, src []byte) bool {
	t.Helper()
	got, ok := scanRecord(name, src)
	if !ok {
		return false
	}
	// Where the record belongs is checked after scanning, the same way for
	// both paths; compare them on the file it names.
	kind, id := SMSKind, "sms"
	if got.field != SMSKind.Field {
		if kind, ok = kindByField(got.field); !ok || !kind.ValidID(got.id) {
			return false
		}
		id = got.id
	}
	name = kind.PathFor(id)
	want, ok := viaParser(name, src)
	if !ok {
		t.Errorf("%s: the scanner accepts what the parser path refuses:\n%s", name, src)
		return true
	}
	if got.field != want.field || got.id != want.id || got.line != want.line || got.column != want.column {
		t.Errorf("%s: scanned %s %q at %d:%d, parser %s %q at %d:%d", name, got.field, got.id, got.line, got.column, want.field, want.id, want.line, want.column)
	}
	if g, w := describe(got.body), describe(want.body); g != w {
		t.Errorf("%s: scanned\n%s\nparser\n%s\nsource:\n%s", name, g, w, src)
	}
	return true
}

func TestScanAgreesWithParser(t *testing.T) {
	total, scannedN, variants := 0, 0, 0
	err := fs.WalkDir(os.DirFS("../../examples/acme"), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".cue") || p == SchemaFile || strings.HasPrefix(p, "cue.mod") {
			return err
		}
		src, err := os.ReadFile(filepath.Join("../../examples/acme", p))
		if err != nil {
			return err
		}
		total++
		if checkScan(t, p, src) {
			scannedN++
		}
		if total%20 == 1 { // mutate a sample; every kind's files are mutated in the fast-path test
			mutations(t, p, src, func(v []byte) {
				variants++
				checkScan(t, p, v)
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if scannedN < total*95/100 {
		t.Errorf("the scanner read %d of %d acme records; it should read nearly all", scannedN, total)
	}
	t.Logf("scanned %d of %d files, %d variants", scannedN, total, variants)
}

func TestScanEdgeCases(t *testing.T) {
	for _, tt := range []struct {
		src    string
		accept bool
	}{
		{"package sms\n\nroles: a: {name: \"A\", description: \"a\"}\n", false},
		{"package sms\n\nroles: \"a\": {name: \"A\", description: \"a\"}\n", true},
		{"package sms\nroles: \"a\": {\n\tname: \"A\"\n\t, description: \"a\"\n}\n", false},
		{"package sms\nroles: \"a\": {\n\tname: \"A\"\n\tdescription: \"a\",\n\tauthorities: [\n\t\t\"accept-risk\"\n\t\t\"approve-policy\"\n\t]\n}\n", true},
		{"package sms\nroles: \"a\": {name: \"A\" description: \"a\"}\n", false},
		{"package sms\nroles: \"a\": {name: \"A\", name: \"B\"}\n", false},
		{"package sms\nroles: \"a\": {name: \"A\\n\"}\n", false},
		{"package sms\nroles: \"a\": {name: \"\"\"\n\tA\n\t\"\"\"}\n", false},
		{"package sms\nroles: \"a\": {n: 01}\n", false},
		{"package sms\nroles: \"a\": {m: 1.5e3}\n", false},
		{"package sms\nroles: \"a\": {o: 1_000}\n", false},
		{"package sms\nroles: \"a\": {q: -1}\n", false},
		{"package sms\nroles: \"a\": {n: true, m: false, r: 1.5, s: 0}\n", true},
		{"package sms\nroles: \"a\": {o: null}\n", false},
		{"package sms\nroles: \"a\": {p: truex}\n", false},
		{"package sms\nroles: \"a\": {a: b: c: \"x\", d: \"e\": 1}\n", true},
		{"package sms\nroles: \"a\": {if: 1}\n", false},
		{"package sms // trailing\nroles: \"a\": {x: 1} // after\n// end\n", true},
		{"package sms\nroles: \"a\": {x: 1}\nroles: \"b\": {x: 1}\n", false},
		{"package smsx\nroles: \"a\": {x: 1}\n", false},
		{"package sms\nroles: \"a\": {x: [1, 2,]}\n", true},
		{"package sms\nroles: \"a\": {x: [1\n, 2]}\n", false},
		{"package sms\nroles: \"a\": {x?: 1}\n", false},
		{"package sms\nroles: \"a\": {x: 1 @attr()}\n", false},
		{"package sms\nroles: \"a\": {x: \"é ☃\", y: 1}\n", true},
		{"package sms\nsms: {organisation: \"O\"}\n", true},
		{"\ufeffpackage sms\nroles: \"a\": {x: 1}\n", false},
	} {
		if got := checkScan(t, "roles/a.cue", []byte(tt.src)); got != tt.accept {
			t.Errorf("scanner accepted = %v, want %v:\n%s", got, tt.accept, tt.src)
		}
	}
}

func FuzzScan(f *testing.F) {
	seed, err := os.ReadFile("../../examples/acme/changes/2026/CHG-2026-0001.cue")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte("package sms\nroles: \"a\": {a: b: [1, \"x\",\n true]}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		checkScan(t, "changes/2026/CHG-2026-0001.cue", src)
	})
}
