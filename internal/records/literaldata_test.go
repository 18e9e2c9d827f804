package records

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/smsctl/smsctl/internal/finding"
)

// changeCue is a valid change record; line 14 is free for a test to fill.
const changeCue = `package sms

changes: "CHG-2026-0001": {
	title:     "Patch the web servers"
	type:      "normal"
	status:    "draft"
	requester: "jane"
	raised:    "2026-03-02T09:15:00Z"
	reason:    "Monthly security updates"
	risk:      "low"
	impact:    "low"
	urgency:   "medium"
	services: ["web"]
	EXTRA
}
`

const changeFile = "changes/2026/CHG-2026-0001.cue"

func withExtra(extra string) string { return strings.Replace(changeCue, "EXTRA", extra, 1) }

func withTitle(title string) string {
	return strings.Replace(strings.Replace(changeCue, `"Patch the web servers"`, title, 1), "EXTRA", "", 1)
}

// loadChange loads the base repository with one change record file.
func loadChange(t *testing.T, src string) *Repository {
	t.Helper()
	repo, err := Load(base(map[string]string{changeFile: src}), Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	return repo
}

// Every construct that is not literal data is a finding at its place, and
// the record is not evaluated.
func TestLiteralData(t *testing.T) {
	tests := []struct {
		name string
		src  string
		// want is "line:column path message-substring" per finding.
		want []string
	}{
		{"comprehension for", withExtra(`cis: [for x in ["db-1"] {x}]`), []string{"14:8 cis[0] a comprehension (`for`) is not literal data"}},
		{"comprehension if", withExtra(`if true {description: "x"}`), []string{"14:2  a comprehension (`if`)"}},
		{"let", withExtra(`let x = "y"`), []string{"14:2  a `let` declaration is not literal data"}},
		{"reference", withTitle(`reason`), []string{"4:13 title a reference (`reason`) is not literal data"}},
		{"unquoted word", strings.Replace(withExtra(""), `"draft"`, `draft`, 1), []string{"6:13 status a reference (`draft`) is not literal data: records hold data only; write the value itself (a string is quoted: \"draft\")"}},
		{"selector", withTitle(`sms.organisation`), []string{"4:13 title a reference (`sms.organisation`) is not literal data"}},
		{"index", withTitle(`["a", "b"][0]`), []string{"4:13 title an index expression (`[...]`)"}},
		{"slice", withExtra(`cis: ["a", "b"][0:1]`), []string{"14:7 cis a slice expression"}},
		{"call", withTitle(`strings.ToUpper("x")`), []string{"4:13 title a function call"}},
		{"interpolation", withTitle(`"Patch \(1)"`), []string{"4:13 title a string interpolation"}},
		{"interpolated multi-line string", withTitle("\"\"\"\n\t\tPatch \\(1)\n\t\t\"\"\""), []string{"4:13 title a string interpolation"}},
		{"binary", withTitle(`"a" + "b"`), []string{"4:13 title an expression (`+`)"}},
		{"unification", withTitle(`string & "a"`), []string{"4:13 title a unification (`&`)"}},
		{"disjunction", withTitle(`"a" | "b"`), []string{"4:13 title a disjunction (`|`)"}},
		{"default", withTitle(`*"a" | "b"`), []string{"4:13 title a disjunction (`|`)"}},
		{"bound", withExtra(`pull_request: >0`), []string{"14:16 pull_request a bound (`>`)"}},
		{"regexp", withTitle(`=~"^a"`), []string{"4:13 title a pattern (`=~`)"}},
		{"not", withExtra(`pir: successful: !true`), []string{"14:19 pir.successful an expression (`!`)"}},
		{"minus on a string", withTitle(`-"a"`), []string{"4:13 title an expression (`-`)"}},
		{"double minus", withExtra(`pull_request: --1`), []string{"14:16 pull_request an expression (`-`)"}},
		{"parentheses", withTitle(`("a")`), []string{"4:13 title a parenthesised expression"}},
		{"type", withTitle(`string`), []string{"4:13 title a type (`string`)"}},
		{"top", withTitle(`_`), []string{"4:13 title top (`_`)"}},
		{"bottom", withTitle(`_|_`), []string{"4:13 title bottom (`_|_`)"}},
		{"definition", withExtra(`#x: "y"`), []string{"14:2  a definition (`#x`)"}},
		{"hidden field", withExtra(`_x: "y"`), []string{"14:2  a hidden field (`_x`)"}},
		{"optional field", withExtra(`description?: "x"`), []string{"14:2 description an optional field (`?`)"}},
		{"required field", withExtra(`description!: "x"`), []string{"14:2 description a required-field marker (`!`)"}},
		{"pattern constraint", withExtra(`[string]: "x"`), []string{"14:2  a pattern constraint"}},
		{"dynamic label", withExtra(`("description"): "x"`), []string{"14:2  a dynamic label"}},
		{"interpolated label", withExtra(`"\("description")": "x"`), []string{"14:2  an interpolated label"}},
		{"alias", withExtra(`X=description: "x"`), []string{"14:2  an alias (`X=`)"}},
		{"embedding", withExtra(`{description: "x"}`), []string{"14:2  an embedding"}},
		{"ellipsis", withExtra(`...`), []string{"14:2  an ellipsis"}},
		{"open list", withExtra(`cis: ["a", ...]`), []string{"14:13 cis[1] an ellipsis"}},
		{"file attribute", strings.Replace(withExtra(""), "package sms\n", "@extern(embed)\n\npackage sms\n", 1), []string{"1:1  a file attribute (`@extern`)"}},
		{"file attribute after the package", strings.Replace(withExtra(""), "package sms\n", "package sms\n\n@if(debug)\n", 1), []string{"3:1  a file attribute (`@if`)"}},
		{"nested", withExtra(`planned: {start: "2026-03-10T09:00:00Z", end: start}`), []string{"14:48 planned.end a reference (`start`)"}},
		{
			name: "several",
			src:  withExtra("description: \"a\" + \"b\"\n\tcis: [\"x\", y]"),
			want: []string{"14:15 description an expression (`+`)", "15:13 cis[1] a reference (`y`)"},
		},
		{
			name: "at the top of the file",
			src:  "package sms\n\nlet x = {}\nchanges: \"CHG-2026-0001\": x\n",
			want: []string{"3:1  a `let` declaration", "4:27  a reference (`x`)"},
		},
		{
			name: "in the record's ID",
			src:  strings.Replace(withExtra(""), `"CHG-2026-0001": {`, `"CHG-2026-0001"?: {`, 1),
			want: []string{"3:10  an optional field (`?`)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo := loadChange(t, tt.src)
			var got []string
			for _, f := range repo.Findings {
				got = append(got, fmt.Sprintf("%d:%d %s %s", f.Line, f.Column, f.Path, f.Message))
				if f.File != changeFile || f.Rule != "syntax" {
					t.Errorf("finding %+v, want rule syntax in %s", f, changeFile)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(got[i], w) {
					t.Errorf("finding %d = %s, want %s", i, got[i], w)
				}
			}
			if repo.Evaluated != 0 {
				t.Errorf("CUE evaluated %d records", repo.Evaluated)
			}
			if rec := repo.Lookup("change", "CHG-2026-0001"); rec != nil && (rec.Valid || rec.Data != nil) {
				t.Errorf("record = %+v, want it invalid and without data", rec)
			}
		})
	}
}

// Literal data of every form passes the check: what is wrong with it is
// the schema's to say.
func TestLiteralDataAllowed(t *testing.T) {
	tests := []struct {
		name string
		src  string
		// want is "rule path" of each finding, or none; no finding is
		// about syntax.
		want []string
	}{
		{"plain", withExtra(""), nil},
		{"multi-line string", withTitle("\"\"\"\n\t\tPatch\n\t\t\"\"\""), nil},
		{"raw string", withTitle(`#"Patch \d"#`), nil},
		{"escapes", withTitle(`"Patch \"web\" \u00e9"`), nil},
		{"field attribute", withExtra(`description: "x" @note(kept)`), nil},
		{"attribute in a struct", withExtra(`@note(kept)`), nil},
		{"comments", withExtra("// a comment"), nil},
		{"quoted labels", strings.Replace(withExtra(""), "title:", `"title":`, 1), nil},
		{"shorthand", withExtra(`planned: start: "2026-03-10T09:00:00Z"`), []string{"schema planned.end"}},
		{"field given twice", withExtra(`title: "Patch the web servers"`), nil},
		{"negative number", withExtra(`pull_request: -1`), []string{"schema pull_request"}},
		{"plus sign", withExtra(`pull_request: +12`), nil},
		{"number forms", withExtra(`pull_request: 1_200`), nil},
		{"null", withExtra(`description: null`), []string{"schema description"}},
		{"bytes", withExtra(`description: 'x'`), []string{"schema description"}},
		{"true, false and null as labels", withExtra(`true: 1, false: 2, null: 3`), []string{"schema true", "schema false", "schema null"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo := loadChange(t, tt.src)
			var got []string
			for _, f := range repo.Findings {
				got = append(got, f.Rule+" "+f.Path)
			}
			if strings.Join(got, ", ") != strings.Join(tt.want, ", ") {
				t.Fatalf("findings %+v, want %v", repo.Findings, tt.want)
			}
			if rec := repo.Lookup("change", "CHG-2026-0001"); rec == nil || rec.Valid != (len(tt.want) == 0) {
				t.Errorf("record = %+v", rec)
			}
		})
	}
}

// Valid records take the fast path in every form of string: CUE
// evaluates none of them.
func TestFastPathReadsEveryStringForm(t *testing.T) {
	for _, title := range []string{
		"\"\"\"\n\t\tPatch\n\t\t  the web servers\n\t\t\"\"\"",
		`#"Patch \d"#`,
		`##"Patch "#"##`,
		`"Patch \"web\" \u00e9\t"`,
	} {
		repo := loadChange(t, withTitle(title))
		if len(repo.Findings) > 0 || repo.FastChecked != len(repo.Records) || repo.Evaluated != 0 {
			t.Errorf("title %s: findings %+v; fast path took %d of %d records", title, repo.Findings, repo.FastChecked, len(repo.Records))
		}
	}
}

// A file whose record is not data does not hide the rest of the
// repository: the other records are validated, and references to the
// record resolve.
func TestLiteralDataKeepsTheRest(t *testing.T) {
	m := base(map[string]string{
		changeFile: withTitle(`"\(len([for a in [1] {a}]))"`),
		"changes/2026/CHG-2026-0002.cue": strings.NewReplacer(
			"CHG-2026-0001", "CHG-2026-0002", `"jane"`, `"bob"`, "EXTRA", `incidents: []`,
		).Replace(changeCue),
		"releases/REL-0001.cue": "package sms\n\nreleases: \"REL-0001\": {\n\ttitle: \"R\"\n\tstatus: \"planned\"\n\tservices: [\"web\"]\n\tchanges: [\"CHG-2026-0001\"]\n}\n",
	})
	repo, err := Load(m, Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range repo.Findings {
		got = append(got, fmt.Sprintf("%s:%d %s", f.File, f.Line, f.Rule))
	}
	want := []string{"changes/2026/CHG-2026-0001.cue:4 syntax", "changes/2026/CHG-2026-0002.cue:7 reference"}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("findings %v, want %v", got, want)
	}
	if len(repo.Records) != 6 || repo.Evaluated != 0 {
		t.Errorf("%d records, %d evaluated; want 6 and none", len(repo.Records), repo.Evaluated)
	}
}

// sms.cue goes through the same check as every record.
func TestLiteralDataSMS(t *testing.T) {
	repo, err := Load(base(map[string]string{"sms.cue": strings.Replace(smsCue, `organisation: "Test"`, `organisation: "Te" + "st"`, 1)}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(repo.Findings) != 1 {
		t.Fatalf("findings %+v", repo.Findings)
	}
	f := repo.Findings[0]
	if f.File != "sms.cue" || f.Line != 4 || f.Rule != "syntax" || f.Path != "organisation" || f.Record != "sms/sms" {
		t.Errorf("finding %+v", f)
	}
}

// A file with many constructs gets a bounded number of findings.
func TestLiteralDataFindingsAreBounded(t *testing.T) {
	var b strings.Builder
	for i := range 500 {
		fmt.Fprintf(&b, "\tx%d: y\n", i)
	}
	repo := loadChange(t, withExtra(b.String()))
	if len(repo.Findings) != maxLiteralFindings+1 {
		t.Fatalf("%d findings, want %d", len(repo.Findings), maxLiteralFindings+1)
	}
	last := repo.Findings[len(repo.Findings)-1]
	if !strings.Contains(last.Message, "490 more constructs") || last.Line != 24 {
		t.Errorf("last finding %+v", last)
	}
}

// The attacks of issue 14: each is a finding, and CUE never runs them.

// A title that counts a nested comprehension: at the size of the attack
// (three loops of a hundred) CUE ran past two minutes; here the loops are
// small, so that the test would end, with no finding, without the check.
func TestLiteralDataNestedComprehension(t *testing.T) {
	src := withTitle(`"\(len([for a in [1, 2, 3] for b in [1, 2, 3] for c in [1, 2, 3] {a + b + c}]))"`)
	repo := loadChange(t, src)
	if len(repo.Findings) != 1 || repo.Findings[0].Line != 4 || !strings.Contains(repo.Findings[0].Message, "interpolation") {
		t.Fatalf("findings %+v", repo.Findings)
	}
	src = withExtra(`cis: [for a in ["x", "y"] for b in ["x", "y"] {a + b}]`)
	repo = loadChange(t, src)
	if len(repo.Findings) != 1 || repo.Findings[0].Line != 14 || !strings.Contains(repo.Findings[0].Message, "comprehension (`for`)") {
		t.Fatalf("findings %+v", repo.Findings)
	}
	if repo.Evaluated != 0 {
		t.Errorf("CUE evaluated %d records", repo.Evaluated)
	}
}

// A title built by doubling a string with `let`: 26 doublings made
// 100 MB; here 8 make 512 bytes.
func TestLiteralDataLetDoubling(t *testing.T) {
	var b strings.Builder
	b.WriteString("let s0 = \"xx\"\n")
	for i := 1; i <= 8; i++ {
		fmt.Fprintf(&b, "\tlet s%d = s%d + s%d\n", i, i-1, i-1)
	}
	src := strings.Replace(withTitle("s8"), "changes: \"CHG-2026-0001\": {\n", "changes: \"CHG-2026-0001\": {\n\t"+b.String(), 1)
	repo := loadChange(t, src)
	if len(repo.Findings) != 10 {
		t.Fatalf("%d findings, want 10 (9 lets and the title): %+v", len(repo.Findings), repo.Findings)
	}
	if f := repo.Findings[0]; f.Line != 4 || !strings.Contains(f.Message, "`let`") {
		t.Errorf("first finding %+v", f)
	}
	if f := repo.Findings[9]; f.Line != 13 || f.Path != "title" || !strings.Contains(f.Message, "reference (`s8`)") {
		t.Errorf("last finding %+v", f)
	}
	if repo.Evaluated != 0 {
		t.Errorf("CUE evaluated %d records", repo.Evaluated)
	}
}

// bigList is a change record with a list of n CI IDs, then last.
func bigList(n int, last string) string {
	var b strings.Builder
	b.WriteString("cis: [")
	for i := range n {
		fmt.Fprintf(&b, "\"ci-%d\", ", i)
	}
	b.WriteString(last + "]")
	return withExtra(b.String())
}

// A list of 60,000 strings and one expression: CUE's cost grows with the
// square of the list's length (25 s), the check's with its length.
func TestLiteralDataLongListAndAnExpression(t *testing.T) {
	repo := loadChange(t, bigList(60000, `"ci-" + "x"`))
	if len(repo.Findings) != 1 {
		t.Fatalf("findings %+v", repo.Findings)
	}
	if f := repo.Findings[0]; f.Line != 14 || f.Path != "cis[60000]" || !strings.Contains(f.Message, "expression (`+`)") {
		t.Errorf("finding %+v", f)
	}
	if repo.Evaluated != 0 {
		t.Errorf("CUE evaluated %d records", repo.Evaluated)
	}
}

// A long list of literal data that the schema rejects is not given to
// CUE either: the finding names the first value the fast check rejects.
func TestLiteralDataLongListRejected(t *testing.T) {
	repo := loadChange(t, bigList(60000, `"NOT-A-SLUG"`))
	schema := nonReference(repo)
	if len(schema) != 1 {
		t.Fatalf("findings %+v", schema)
	}
	f := schema[0]
	if f.Line != 14 || f.Rule != "schema" || f.Path != "cis[60000]" || f.Record != "change/CHG-2026-0001" || !strings.Contains(f.Message, "at most 2000") {
		t.Errorf("finding %+v", f)
	}
	rec := repo.Lookup("change", "CHG-2026-0001")
	if rec == nil || rec.Valid || rec.Data == nil || len(rec.Refs) != 60003 || repo.Evaluated != 0 {
		t.Errorf("record valid=%v, %d bytes of data, %d refs; %d evaluated", rec != nil && rec.Valid, len(rec.Data), len(rec.Refs), repo.Evaluated)
	}
	// The same list, valid, takes the fast path whatever its length.
	repo = loadChange(t, bigList(60000, `"ci-x"`))
	if repo.FastChecked != len(repo.Records) || repo.Evaluated != 0 {
		t.Errorf("fast path took %d of %d records, CUE %d", repo.FastChecked, len(repo.Records), repo.Evaluated)
	}
	if len(repo.Findings) != 60001 || repo.Findings[0].Rule != "reference" {
		t.Errorf("%d findings, want a dangling reference per CI", len(repo.Findings))
	}
}

// Below the limit, CUE gives its own reason.
func TestLiteralDataShortListRejected(t *testing.T) {
	repo := loadChange(t, bigList(100, `"NOT-A-SLUG"`))
	var schema []string
	for _, f := range repo.Findings {
		if f.Rule == "schema" {
			schema = append(schema, f.Path+": "+f.Message)
		}
	}
	if len(schema) != 1 || !strings.HasPrefix(schema[0], "cis[100]: invalid value") || repo.Evaluated != 1 {
		t.Errorf("schema findings %v, %d evaluated", schema, repo.Evaluated)
	}
}

// A record that is not in the form the fast path reads (here a number
// with an underscore) and is larger than CUE is given.
func TestLiteralDataLargeAndNotPlain(t *testing.T) {
	src := strings.Replace(bigList(3000, `"ci-x"`), "cis:", "pull_request: 1_000\n\tcis:", 1)
	repo := loadChange(t, src)
	var got []string
	for _, f := range nonReference(repo) {
		got = append(got, fmt.Sprintf("%d %s %s", f.Line, f.Rule, f.Message))
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], "3 schema smsctl does not give this record to CUE, as it has 30") || !strings.Contains(got[0], "not in the plain form") {
		t.Errorf("findings %v", got)
	}
}

// deep is a change record whose post-implementation review nests lists n
// levels deep.
func deep(n int) string {
	return withExtra("pir: summary: " + strings.Repeat("[", n) + `"x"` + strings.Repeat("]", n))
}

// CUE's cost grows with the square of the depth too: a record that nests
// deeper than any the schema allows is not given to it.
func TestLiteralDataDeep(t *testing.T) {
	repo := loadChange(t, deep(1000))
	if len(repo.Findings) != 1 || repo.Evaluated != 0 {
		t.Fatalf("findings %+v, %d evaluated", repo.Findings, repo.Evaluated)
	}
	f := repo.Findings[0]
	if f.Line != 14 || f.Rule != "schema" || f.Path != "pir.summary" || !strings.Contains(f.Message, "it nests 1003 levels deep (at most 16)") {
		t.Errorf("finding %+v", f)
	}
	// Shallow enough, CUE says why.
	repo = loadChange(t, deep(3))
	if len(repo.Findings) == 0 || repo.Findings[0].Rule != "schema" || repo.Evaluated != 1 {
		t.Errorf("findings %+v, %d evaluated", repo.Findings, repo.Evaluated)
	}
}

// Data, which reads records of any revision, refuses what is not data.
func TestDataRefusesWhatIsNotData(t *testing.T) {
	for _, src := range []string{
		withTitle(`"\(len([for a in [1] {a}]))"`),
		strings.Replace(withExtra(""), "changes:", "let x = 1\nchanges:", 1),
		strings.Replace(bigList(3000, `"ci-x"`), "cis:", "pull_request: 1_000\n\tcis:", 1),
		strings.Replace(deep(100), "pir:", "pull_request: 1_000\n\tpir:", 1),
	} {
		if _, _, data, err := Data(changeFile, []byte(src)); err == nil {
			t.Errorf("Data gave %.40s… for a record that is not plain data", data)
		}
	}
	_, id, data, err := Data(changeFile, []byte(withExtra(`pull_request: 1_000`)))
	if err != nil || id != "CHG-2026-0001" || !strings.Contains(string(data), `"pull_request":1000`) {
		t.Errorf("Data = %s, %s, %v", id, data, err)
	}
	_, _, data, err = Data(changeFile, []byte(withTitle(`#"a\b"#`)))
	if err != nil || !strings.Contains(string(data), `"title":"a\\b"`) {
		t.Errorf("Data = %s, %v", data, err)
	}
}

// Validation's cost is linear in a record's size: a change record with a
// list of N CI IDs, valid (the fast path), rejected by the schema (the
// literal check and the fast check, not CUE) or with one expression at its
// end (the literal check), at three sizes. ns/element stays flat as N
// grows; CUE's evaluator took 1 s at 20,000 and 12 s at 60,000. The IDs
// name no CI, so the reference check reports each: its cost counts too.
func BenchmarkLoadLongList(b *testing.B) {
	for _, c := range []struct{ name, last string }{
		{"valid", `"ci-x"`},
		{"rejected", `"NOT-A-SLUG"`},
		{"expression", `"ci-" + "x"`},
	} {
		for _, n := range []int{15000, 30000, 60000} {
			b.Run(fmt.Sprintf("%s/%d", c.name, n), func(b *testing.B) {
				m := base(map[string]string{changeFile: bigList(n, c.last)})
				for b.Loop() {
					repo, err := Load(m, Options{})
					if err != nil {
						b.Fatal(err)
					}
					if repo.Evaluated != 0 {
						b.Fatalf("CUE evaluated %d records", repo.Evaluated)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/element")
			})
		}
	}
}

// Validation's cost is linear in a record's depth: a change record whose
// post-implementation review nests lists N levels deep, at three depths;
// ns/level stays flat. CUE's evaluator took 0.3 s at 2,000 levels.
func BenchmarkLoadDeep(b *testing.B) {
	for _, n := range []int{2000, 4000, 8000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			m := base(map[string]string{changeFile: deep(n)})
			for b.Loop() {
				repo, err := Load(m, Options{})
				if err != nil {
					b.Fatal(err)
				}
				if repo.Evaluated != 0 || len(repo.Findings) != 1 {
					b.Fatalf("CUE evaluated %d records; findings %+v", repo.Evaluated, repo.Findings)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/level")
		})
	}
}

// nonReference returns the findings other than dangling references.
func nonReference(repo *Repository) []finding.Finding {
	var out []finding.Finding
	for _, f := range repo.Findings {
		if f.Rule != "reference" {
			out = append(out, f)
		}
	}
	return out
}
