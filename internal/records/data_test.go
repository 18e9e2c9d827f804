package records

import (
	"os"
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
