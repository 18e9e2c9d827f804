package records

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestData(t *testing.T) {
	src, err := os.ReadFile("../../examples/acme/services/managed-hosting.cue")
	if err != nil {
		t.Fatal(err)
	}
	k, id, data, err := Data("services/managed-hosting.cue", src)
	if err != nil || k.Name != "service" || id != "managed-hosting" || !strings.Contains(string(data), `"owner":`) {
		t.Fatalf("%v %s %s %v", k.Name, id, data, err)
	}
	// A file the scanner does not read (an escape) goes through CUE.
	esc := strings.Replace(string(src), `name:`, "name: \"Managed\\thosting\"\n\tnamex:", 1)
	_, _, data2, err := Data("services/managed-hosting.cue", []byte(esc))
	if err != nil || !strings.Contains(string(data2), `Managed\thosting`) {
		t.Fatalf("%s %v", data2, err)
	}
	if _, _, _, err := Data("services/other.cue", src); err == nil || !strings.Contains(err.Error(), "wrong place") {
		t.Errorf("wrong place: %v", err)
	}
}

func TestDiff(t *testing.T) {
	for _, tt := range []struct {
		old, new string
		want     []string
	}{
		{`{"a":1,"b":"x"}`, `{"a":1,"b":"y"}`, []string{`b: "x" -> "y"`}},
		{`{"a":1}`, `{"a":1,"c":{"d":true}}`, []string{`c: - -> {"d":true}`}},
		{`{"l":["x","y"]}`, `{"l":["x","z","w"]}`, []string{`l[1]: "y" -> "z"`, `l[2]: - -> "w"`}},
		{`{"o":{"p":1,"q":2}}`, `{"o":{"p":1}}`, []string{`o.q: 2 -> -`}},
		{`{"n":1.50}`, `{"n":1.50}`, nil},
		{``, `{"a":1}`, []string{`: - -> {"a":1}`}},
	} {
		var old []byte
		if tt.old != "" {
			old = []byte(tt.old)
		}
		got, err := Diff(old, []byte(tt.new))
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, c := range got {
			o, n := string(c.Old), string(c.New)
			if c.Old == nil {
				o = "-"
			}
			if c.New == nil {
				n = "-"
			}
			s = append(s, c.Path+": "+o+" -> "+n)
		}
		if strings.Join(s, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%s -> %s: %q, want %q", tt.old, tt.new, s, tt.want)
		}
	}
}

// DiffFiles on syntax trees gives what Diff gives on the JSON values.
func TestDiffFilesAgreesWithDiff(t *testing.T) {
	a, err := os.ReadFile("../../examples/acme/changes/2026/CHG-2026-0001.cue")
	if err != nil {
		t.Fatal(err)
	}
	p := "changes/2026/CHG-2026-0001.cue"
	variants := [][]byte{a, nil}
	mutations(t, p, a, func(v []byte) { variants = append(variants, v) })
	n := 0
	for _, x := range variants[:40] {
		for _, y := range variants {
			_, _, got, err := DiffFiles(p, x, p, y)
			if err != nil {
				continue
			}
			var dx, dy []byte = []byte("{}"), []byte("{}")
			if x != nil {
				if _, _, dx, err = Data(p, x); err != nil {
					continue
				}
			}
			if y != nil {
				if _, _, dy, err = Data(p, y); err != nil {
					continue
				}
			}
			want, err := Diff(dx, dy)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%d changes, want %d:\n%v\n%v", len(got), len(want), got, want)
			}
			for i := range got {
				if got[i].Path != want[i].Path || !jsonSame(got[i].Old, want[i].Old) || !jsonSame(got[i].New, want[i].New) {
					t.Fatalf("change %d: %s %s %s, want %s %s %s", i, got[i].Path, got[i].Old, got[i].New, want[i].Path, want[i].Old, want[i].New)
				}
			}
			n++
		}
	}
	if n < 1000 {
		t.Errorf("compared %d pairs", n)
	}
}

func jsonSame(a, b []byte) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
