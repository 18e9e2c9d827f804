package records

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"testing/iotest"

	"github.com/smsctl/smsctl/schema"
)

const smsCue = `package sms

sms: {
	organisation: "Test"
	scope: statement: "All"
	policy: {
		statement:   "Serve well."
		approved_by: "jane"
		approved_on: "2026-01-01"
		review_by:   "2027-01-01"
	}
	calendars: "24x7": timezone: "UTC"
	priority_matrix: high: high: "P1"
}
`

const janeCue = `package sms

people: jane: {
	name: "Jane"
	type: "person"
}
`

const webCue = `package sms

services: web: {
	name:        "Web"
	description: "Websites"
	owner:       "jane"
	status:      "live"
	criticality: "high"
}
`

func base(extra map[string]string) fstest.MapFS {
	m := fstest.MapFS{
		"sms.cue":          {Data: []byte(smsCue)},
		"schema.cue":       {Data: schema.Source},
		"people/jane.cue":  {Data: []byte(janeCue)},
		"services/web.cue": {Data: []byte(webCue)},
	}
	for k, v := range extra {
		if v == "" {
			delete(m, k)
			continue
		}
		m[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return m
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		records int
		// want lists "file:line rule path substring" for each finding, in order.
		want []string
	}{
		{name: "clean", records: 3},
		{
			name:    "unknown field",
			files:   map[string]string{"services/web.cue": strings.Replace(webCue, `status:`, "colour: \"red\"\n\tstatus:", 1)},
			records: 3,
			want:    []string{"services/web.cue:7 schema colour unknown field"},
		},
		{
			name:    "dangling reference",
			files:   map[string]string{"services/web.cue": strings.Replace(webCue, `"jane"`, `"bob"`, 1)},
			records: 3,
			want:    []string{`services/web.cue:6 reference owner person "bob" does not exist`},
		},
		{
			name:    "reference to the wrong kind",
			files:   map[string]string{"services/web.cue": strings.Replace(webCue, `"jane"`, `"web"`, 1)},
			records: 3,
			want:    []string{`services/web.cue:6 reference owner person "web" does not exist`},
		},
		{
			name:    "wrong place",
			files:   map[string]string{"services/web.cue": "", "services/www.cue": webCue},
			records: 2,
			want:    []string{"services/www.cue:3 layout  it belongs in services/web.cue"},
		},
		{
			name:    "two records",
			files:   map[string]string{"services/web.cue": webCue + "\nservices: api: {}\n"},
			records: 2,
			want:    []string{"services/web.cue:11 layout  two records in one file"},
		},
		{
			name:    "syntax error",
			files:   map[string]string{"services/web.cue": webCue[:40]},
			records: 2,
			want:    []string{"services/web.cue:4 syntax  syntax error"},
		},
		{
			name:    "import",
			files:   map[string]string{"services/web.cue": strings.Replace(webCue, "package sms\n", "package sms\n\nimport \"strings\"\n", 1)},
			records: 2,
			want:    []string{"services/web.cue:3 layout  may not import"},
		},
		{
			name:    "unknown kind",
			files:   map[string]string{"gadgets/x.cue": "package sms\n\ngadgets: x: {}\n"},
			records: 3,
			want:    []string{`gadgets/x.cue:3 layout  unknown kind "gadgets"`},
		},
		{
			name:    "singular kind name",
			files:   map[string]string{"service/x.cue": "package sms\n\nservice: x: {}\n"},
			records: 3,
			want:    []string{`service/x.cue:3 layout  did you mean "services"?`},
		},
		{
			name:    "binary",
			files:   map[string]string{"roles/x.cue": "package sms\n\x00\x01"},
			records: 3,
			want:    []string{"roles/x.cue:0 file  not UTF-8"},
		},
		{
			name:    "edited schema copy",
			files:   map[string]string{"schema.cue": string(schema.Source) + "\n// edited\n"},
			records: 3,
			want:    []string{"schema.cue:1 schema-copy  not the schema this smsctl ships"},
		},
		{
			name:    "hidden and cue.mod files are ignored",
			files:   map[string]string{"cue.mod/module.cue": "module: \"x.example/y\"\n", ".hidden/x.cue": "garbage", "_tmp/x.cue": "garbage"},
			records: 3,
		},
		{
			name:    "record elsewhere than sms.cue claims to be the SMS",
			files:   map[string]string{"roles/sms.cue": "package sms\n\nsms: {}\n"},
			records: 3,
			want:    []string{"roles/sms.cue:3 layout  belongs in sms.cue"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, o := range []Options{{Workers: 1}, {Workers: 4}, {Workers: 4, ConcurrentReads: true}} {
				workers := o.Workers
				repo, err := Load(base(tt.files), o)
				if err != nil {
					t.Fatal(err)
				}
				if len(repo.Records) != tt.records {
					t.Errorf("workers=%d: %d records, want %d", workers, len(repo.Records), tt.records)
				}
				if len(repo.Findings) != len(tt.want) {
					t.Fatalf("workers=%d: findings %+v, want %d", workers, repo.Findings, len(tt.want))
				}
				for i, f := range repo.Findings {
					var file, rule, path, msg string
					var line int
					parts := strings.SplitN(tt.want[i], " ", 4)
					file, rule, path, msg = parts[0], parts[1], parts[2], parts[3]
					if j := strings.LastIndex(file, ":"); j > 0 {
						_, _ = fmtSscan(file[j+1:], &line)
						file = file[:j]
					}
					if f.File != file || f.Line != line || f.Rule != rule || f.Path != path || !strings.Contains(f.Message, msg) {
						t.Errorf("workers=%d: finding %d = %s:%d %s %s %q, want %s", workers, i, f.File, f.Line, f.Rule, f.Path, f.Message, tt.want[i])
					}
				}
			}
		})
	}
}

func TestLoadNotSMS(t *testing.T) {
	_, err := Load(fstest.MapFS{"readme.md": {Data: []byte("hi")}}, Options{})
	if err != ErrNotSMS {
		t.Fatalf("err = %v, want ErrNotSMS", err)
	}
}

func TestRecordData(t *testing.T) {
	repo, err := Load(base(nil), Options{})
	if err != nil {
		t.Fatal(err)
	}
	web := repo.Lookup("service", "web")
	if web == nil || web.File != "services/web.cue" || web.Line != 3 || !web.Valid {
		t.Fatalf("web = %+v", web)
	}
	if !strings.Contains(string(web.Data), `"owner":"jane"`) {
		t.Errorf("data = %s", web.Data)
	}
	if len(web.Refs) != 1 || web.Refs[0].Target != "person" || web.Refs[0].ID != "jane" || web.Refs[0].Line != 6 {
		t.Errorf("refs = %+v", web.Refs)
	}
}

// Every @ref attribute in the schema must be reachable by the reference
// walker, or a dangling ID in that field would pass unnoticed.
func TestEveryRefAttributeIsWalked(t *testing.T) {
	cs, err := compileSchema()
	if err != nil {
		t.Fatal(err)
	}
	paths, err := referencePaths(cs)
	if err != nil {
		t.Fatal(err)
	}
	walked := map[string]bool{}
	for _, ps := range paths {
		for _, p := range ps {
			last := ""
			for _, s := range p.steps {
				if s.field != "" {
					last = s.field
				}
			}
			walked[last+"@"+p.target] = true
		}
	}
	for i, line := range strings.Split(string(schema.Source), "\n") {
		j := strings.Index(line, "@ref(")
		if j < 0 || strings.HasPrefix(strings.TrimSpace(line), "//") {
			continue
		}
		field := strings.TrimRight(strings.Fields(line)[0], "?!:")
		target := line[j+5 : j+strings.Index(line[j:], ")")]
		if !walked[field+"@"+target] {
			t.Errorf("schema.cue:%d: %s @ref(%s) is not reached by the reference walker", i+1, field, target)
		}
	}
}

func TestKindsMatchSchemaBindings(t *testing.T) {
	src := string(schema.Source)
	for _, k := range Kinds {
		binding := k.Field + ": [ID=_]: " + k.Def + " & {_id: ID & "
		if !strings.Contains(src, binding) {
			t.Errorf("schema.cue lacks the binding %q", binding)
		}
		id := k.FormatID(2026, 1)
		if k.Prefix == "" {
			id = "web-1"
		}
		if !k.ValidID(id) {
			t.Errorf("%s: %s is not valid", k.Name, id)
		}
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte(webCue))
	f.Add([]byte("package sms\n\nchanges: \"CHG-2026-0001\": {title: 1}\n"))
	f.Add([]byte("package sms\nservices: web: {name: \"x\"} & {name: \"y\"}"))
	f.Add([]byte{0xff, 0xfe, 0})
	f.Add([]byte("package sms\nservices: web: {let a = \"x\" + \"x\", name: a, description: \"\\(len([for x in [1] {x}]))\"}"))
	f.Add([]byte("package sms\nservices: web: {name: #\"x\"#, description: \"\"\"\n\ty\n\t\"\"\", owner: -1, status: [[[[\"live\"]]]]}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m := base(nil)
		m["services/web.cue"] = &fstest.MapFile{Data: data}
		repo, err := Load(m, Options{Workers: 1})
		if err != nil {
			t.Fatalf("Load returned an error instead of findings: %v", err)
		}
		if len(repo.Records) < 2 {
			t.Fatalf("lost the other records: %d", len(repo.Records))
		}
	})
}

func fmtSscan(s string, n *int) (int, error) { return fmt.Sscan(s, n) }

// BenchmarkLoadAcme loads the acme example: 212 records, every one taken
// by the fast path.
func BenchmarkLoadAcme(b *testing.B) {
	root, err := os.OpenRoot("../../examples/acme")
	if err != nil {
		b.Fatal(err)
	}
	fsys := root.FS()
	var n int
	for b.Loop() {
		repo, err := Load(fsys, Options{})
		if err != nil {
			b.Fatal(err)
		}
		n = len(repo.Records)
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

func TestReadAll(t *testing.T) {
	for _, n := range []int{0, 1, 32<<10 - 1, 32 << 10, 32<<10 + 1, 100 << 10} {
		data := bytes.Repeat([]byte("x"), n)
		got, err := readAll(iotest.OneByteReader(bytes.NewReader(data)))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("n=%d: got %d bytes, %v", n, len(got), err)
		}
		got, err = readAll(bytes.NewReader(data))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("n=%d: got %d bytes, %v", n, len(got), err)
		}
	}
}
