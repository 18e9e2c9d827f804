package records

import (
	"strings"
	"testing"
)

const spliceSrc = `package sms

// A change, with comments that must survive.
changes: "CHG-2026-0001": {
	title:  "Patch"   // odd   spacing kept
	status: "submitted"
	services: ["web", "db"]
	approvals: [{
		by:       "tom"
		role:     "owner"
		at:       "2026-11-13T10:00:00Z"
		decision: "approved"
	}]
	actual: {start: "2026-11-01T00:00:00Z"}
	cis: [
		"a",
		"b",
	]
	// trailing comment
}
`

func TestSplice(t *testing.T) {
	tests := []struct {
		name  string
		edits []Edit
		want  string // the file after, as a replacement of old by new
		old   string
	}{
		{"set existing", []Edit{{Op: EditSet, Path: []string{"status"}, Value: []byte(`"approved"`)}},
			"\tstatus: \"approved\"\n", "\tstatus: \"submitted\"\n"},
		{"set new at end", []Edit{{Op: EditSet, Path: []string{"pull_request"}, Value: []byte(`135`)}},
			"\t]\n\tpull_request: 135\n\t// trailing comment\n", "\t]\n\t// trailing comment\n"},
		{"set nested in one-line struct", []Edit{{Op: EditSet, Path: []string{"actual", "end"}, Value: []byte(`"2026-11-02T00:00:00Z"`)}},
			`actual: {start: "2026-11-01T00:00:00Z", end: "2026-11-02T00:00:00Z"}`, `actual: {start: "2026-11-01T00:00:00Z"}`},
		{"set nested, struct absent", []Edit{{Op: EditSet, Path: []string{"pir", "by"}, Value: []byte(`"ann"`)}},
			"\t]\n\tpir: {\n\t\tby: \"ann\"\n\t}\n\t// trailing", "\t]\n\t// trailing"},
		{"append to list of structs", []Edit{{Op: EditAppend, Path: []string{"approvals"}, Value: []byte(`[{"by":"ann","role":"cab","at":"2026-11-14T10:00:00Z","decision":"approved"}]`)}},
			"\t\tdecision: \"approved\"\n\t}, {\n\t\tat:       \"2026-11-14T10:00:00Z\"\n\t\tby:       \"ann\"\n\t\tdecision: \"approved\"\n\t\trole:     \"cab\"\n\t}]\n",
			"\t\tdecision: \"approved\"\n\t}]\n"},
		{"append to multi-line list with trailing comma", []Edit{{Op: EditAppend, Path: []string{"cis"}, Value: []byte(`["c"]`)}},
			"\t\t\"b\",\n\t\t\"c\",\n\t]", "\t\t\"b\",\n\t]"},
		{"remove first", []Edit{{Op: EditRemove, Path: []string{"services"}, Value: []byte(`"web"`)}},
			`services: ["db"]`, `services: ["web", "db"]`},
		{"remove last", []Edit{{Op: EditRemove, Path: []string{"services"}, Value: []byte(`"db"`)}},
			`services: ["web"]`, `services: ["web", "db"]`},
		{"remove absent is no edit", []Edit{{Op: EditRemove, Path: []string{"services"}, Value: []byte(`"x"`)}},
			`services: ["web", "db"]`, `services: ["web", "db"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Splice("changes/2026/CHG-2026-0001.cue", []byte(spliceSrc), tt.edits)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(spliceSrc, tt.old) {
				t.Fatalf("test is wrong: %q not in source", tt.old)
			}
			want := strings.Replace(spliceSrc, tt.old, tt.want, 1)
			if string(got) != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
			if _, _, _, err := Data("changes/2026/CHG-2026-0001.cue", got); err != nil {
				t.Errorf("result is no record: %v", err)
			}
		})
	}
}

func TestSpliceErrors(t *testing.T) {
	for _, e := range []Edit{
		{Op: EditSet, Path: []string{"title", "x"}, Value: []byte(`1`)},
		{Op: EditAppend, Path: []string{"status"}, Value: []byte(`["x"]`)},
		{Op: EditSet, Path: []string{"status"}, Value: []byte(`{`)},
		{Op: "rename", Path: []string{"status"}, Value: []byte(`1`)},
	} {
		if _, err := Splice("c.cue", []byte(spliceSrc), []Edit{e}); err == nil || !strings.Contains(err.Error(), "c.cue: ") {
			t.Errorf("%v: err = %v, want one naming the file", e, err)
		}
	}
}
