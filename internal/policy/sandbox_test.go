package policy

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
)

// orgRule is a repository rule module in the organisations' namespace.
func orgRule(name, body string) string {
	return `# METADATA
# title: Test rule ` + name + `
# custom:
#   id: org.` + name + `
#   clause: "8.5.1"
#   severity: error
package smsctl.rules.org.` + name + `

` + body
}

// compileRepo compiles the built-in modules with one repository module.
func compileRepo(t *testing.T, name, src string) (*Engine, error) {
	t.Helper()
	builtin, err := BuiltinModules()
	if err != nil {
		t.Fatal(err)
	}
	return Compile(context.Background(), append(builtin, Module{Name: name, Source: []byte(src)}))
}

// wantRefused checks that err is a refusal whose text has each of wants.
func wantRefused(t *testing.T, err error, wants ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want a refusal mentioning %q", wants)
	}
	if !errors.Is(err, ErrRefused) {
		t.Errorf("error %v does not wrap ErrRefused", err)
	}
	for _, w := range wants {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error:\n%v\nwant it to mention %q", err, w)
		}
	}
}

// A repository module defines rules only inside its own
// data.smsctl.rules.org.<name>, whatever its package and ref heads say.
func TestRepositoryModuleStaysInItsNamespace(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		wants     []string
	}{
		{
			// The attack seen: four lines that switched change.approval off.
			"ref heads into lib and a built-in rule",
			"package smsctl\n\nlib.pr_touches(id) if true\nrules.change.approval.pr_authorised if true\n",
			[]string{
				"policies/x.rego:1: package smsctl is outside the namespace for an organisation's rules (it holds the built-in packages smsctl.lib, ",
				"policies/x.rego:3: rule lib.pr_touches would define data.smsctl.lib.pr_touches, where it belongs to the built-in helpers (lib/lib.rego); a repository module may define rules only inside data.smsctl.rules.org.<name>",
				"policies/x.rego:4: rule rules.change.approval.pr_authorised would define data.smsctl.rules.change.approval.pr_authorised, where it belongs to the built-in rule change.approval (change/approval.rego)",
			},
		},
		{
			"package of a built-in rule",
			"package smsctl.rules.change.approval\n\ndefault pr_authorised := true\n",
			[]string{"policies/x.rego:1: package smsctl.rules.change.approval is outside the namespace for an organisation's rules (it belongs to the built-in rule change.approval (change/approval.rego))"},
		},
		{
			"package of the helpers",
			"package smsctl.lib\n\npr_touches(id) := true\n",
			[]string{"policies/x.rego:1: package smsctl.lib is outside", "it belongs to the built-in helpers (lib/lib.rego)"},
		},
		{
			"package smsctl",
			"package smsctl\n\nx := 1\n",
			[]string{"policies/x.rego:1: package smsctl is outside the namespace", "smsctl.rules.org.<name>"},
		},
		{
			"package smsctl.rules, ref head into another area",
			"package smsctl.rules\n\nchange.approval.deny := set()\n",
			[]string{"policies/x.rego:1: package smsctl.rules is outside", "policies/x.rego:3: rule change.approval.deny would define data.smsctl.rules.change.approval.deny, where it belongs to the built-in rule change.approval"},
		},
		{
			"package smsctl.rules.org, ref head into an org rule",
			"package smsctl.rules.org\n\nx.deny contains \"y\" if true\n",
			[]string{"policies/x.rego:1: package smsctl.rules.org is outside", "policies/x.rego:3: rule x.deny would define data.smsctl.rules.org.x.deny, where it belongs to the organisation rule org.x"},
		},
		{
			"an area of its own",
			"package smsctl.rules.acme.short\n\ndeny contains \"y\" if true\n",
			[]string{"policies/x.rego:1: package smsctl.rules.acme.short is outside"},
		},
		{
			"outside smsctl altogether",
			"package acme\n\nfunc(x) := x\n",
			[]string{"policies/x.rego:1: package acme is outside"},
		},
		{
			"a name that is not an identifier",
			"package smsctl.rules.org[\"a.b\"]\n\ndeny contains \"y\" if true\n",
			[]string{`policies/x.rego:1: package smsctl.rules.org["a.b"] is outside`},
		},
		{
			"a test module in the lib package",
			"package smsctl.lib_test\n\ntest_x if true\n",
			[]string{"policies/x.rego:1: package smsctl.lib_test is outside"},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := compileRepo(t, "policies/x.rego", tt.src)
			wantRefused(t, err, tt.wants...)
			var re *RefusedError
			if !errors.As(err, &re) || re.File != "policies/x.rego" || re.Line == 0 {
				t.Errorf("errors.As: %+v, want a *RefusedError at policies/x.rego and a line", re)
			}
		})
	}
}

// Inside its namespace a module may use any rule form, import the helpers
// and name a rule after them: it still defines only its own documents.
func TestOrgRuleMayUseRefHeadsInside(t *testing.T) {
	src := orgRule("ok", `import data.smsctl.lib as helpers

default allowed := false

checks.title[id] := true if some id, _ in input.records.change

lib.pr_touches(id) if true

deny contains {"kind": "change", "id": id, "msg": "m"} if {
	some id in object.keys(checks.title)
	not allowed
	helpers.pr_touches(id)
}
`)
	e, err := compileRepo(t, "policies/org/ok.rego", src)
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := e.Rule("org.ok"); !ok || r.Builtin {
		t.Fatalf("rule org.ok = %+v, %v", r, ok)
	}
	// lib.pr_touches is the built-in one: no pull request, so no denials;
	// had the rule replaced it, every change would be denied.
	ds, err := e.EvalJSON(context.Background(), []byte(`{"now":"2026-11-23T10:00:00Z","records":{"change":{"CHG-1":{}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.Rule == "org.ok" {
			t.Errorf("org.ok denied %+v: its own lib.pr_touches replaced the built-in helper", d)
		}
	}
}

// Calls to built-ins that reach outside the input, read the clock or
// randomness, or build unbounded values are refused by name and line, in
// any position.
func TestDeniedBuiltinsAreRefused(t *testing.T) {
	for _, tt := range []struct {
		name, body, want string
	}{
		{"http.send", `deny contains r.body if r := http.send({"method": "get", "url": "https://example.com/"})`, "policies/org/x.rego:9: http.send is not available to smsctl policies: it reaches the network"},
		{"net.lookup_ip_addr", "deny contains \"x\" if {\n\tnet.lookup_ip_addr(\"example.com\")\n}", "policies/org/x.rego:10: net.lookup_ip_addr is not available to smsctl policies: it reaches the network"},
		{"time.now_ns", "deny contains \"late\" if time.now_ns() > 0", "policies/org/x.rego:9: time.now_ns is not available to smsctl policies: it reads the clock; take the time from input.now"},
		{"opa.runtime", "deny contains x if x := opa.runtime().env.GITHUB_TOKEN", "opa.runtime is not available to smsctl policies: it reads the environment"},
		{"rand.intn", "deny contains \"x\" if rand.intn(\"s\", 2) == 1", "rand.intn is not available"},
		{"uuid.rfc4122", "deny contains uuid.rfc4122(\"x\") if true", "uuid.rfc4122 is not available"},
		{"trace", "deny contains \"x\" if trace(\"hello\")", "trace is not available"},
		{"nested in a comprehension", "deny contains \"x\" if count([1 | some i in [1]; time.now_ns() > i]) > 0", "time.now_ns is not available"},
		{"net.cidr_expand", "deny contains \"x\" if count(net.cidr_expand(\"10.0.0.0/8\")) > 0", "net.cidr_expand is not available to smsctl policies: it builds every address of a range"},
		{"graph.reachable_paths", "deny contains \"x\" if count(graph.reachable_paths({}, [])) > 0", "graph.reachable_paths is not available"},
		{"strings.render_template", "deny contains strings.render_template(\"{{.x}}\", {\"x\": 1}) if true", "strings.render_template is not available"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := compileRepo(t, "policies/org/x.rego", orgRule("x", tt.body+"\n"))
			wantRefused(t, err, tt.want)
		})
	}
}

// The built-in rules, helpers and tests call no denied built-in (time
// comes from input.now).
func TestBuiltinModulesCallNoDeniedBuiltin(t *testing.T) {
	mods, err := BuiltinModules()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mods {
		mod, err := ast.ParseModuleWithOpts(m.Name, string(m.Source), ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			t.Fatal(err)
		}
		for _, err := range checkBuiltins(m, mod) {
			t.Error(err)
		}
	}
}

// The capabilities the engine compiles with have none of the denied
// built-ins, so a call that the name check misses fails to compile too.
func TestCapabilitiesLeaveOutDeniedBuiltins(t *testing.T) {
	have := map[string]bool{}
	for _, b := range capabilities().Builtins {
		have[b.Name] = true
	}
	for _, name := range []string{"http.send", "net.lookup_ip_addr", "time.now_ns", "opa.runtime", "rand.intn", "uuid.rfc4122", "io.jwt.decode_verify", "json.match_schema", "trace"} {
		if have[name] {
			t.Errorf("capabilities include %s", name)
		}
	}
	for _, name := range []string{"time.parse_rfc3339_ns", "sprintf", "graph.reachable", "numbers.range", "regex.match", "print", "internal.print"} {
		if !have[name] {
			t.Errorf("capabilities lack %s", name)
		}
	}
	for _, b := range ast.CapabilitiesForThisVersion().Builtins {
		if b.Nondeterministic && have[b.Name] {
			t.Errorf("capabilities include the non-deterministic %s", b.Name)
		}
	}
}

// numbers.range and numbers.range_step build at most MaxRange numbers, and
// the breach is an error that names the rule and the line, at once.
func TestRangesAreBounded(t *testing.T) {
	for _, tt := range []struct {
		name, expr, want string
	}{
		{"numbers.range", "count([x | some x in numbers.range(1, 200000000)]) > 0", "numbers.range: would build 200000000 numbers; an smsctl policy may build at most 100000"},
		{"numbers.range reversed", "count(numbers.range(200000000, 1)) > 0", "numbers.range: would build 200000000 numbers"},
		{"numbers.range_step", "count(numbers.range_step(0, 2000000000, 2)) > 0", "numbers.range_step: would build 1000000001 numbers"},
		{"bits.lsh", "bits.lsh(1, 1099511627776) > 0", "bits.lsh: a shift of 1099511627776 bits; an smsctl policy may shift by at most 1024"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e, err := compileRepo(t, "policies/org/big.rego", orgRule("big", "deny contains \"x\" if {\n\t"+tt.expr+"\n}\n"))
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err = e.EvalJSON(context.Background(), []byte(`{}`))
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range []string{"rule org.big: ", "policies/org/big.rego:10", tt.want} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
	// Within the bound, ranges work as in OPA.
	e, err := compileRepo(t, "policies/org/ok.rego", orgRule("ok", "deny contains n if {\n\tn := count(numbers.range(1, 100000)) + count(numbers.range_step(0, 10, 5)) + bits.lsh(1, 10)\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	ds, err := e.EvalJSON(context.Background(), []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	if !containsDenial(ds, "org.ok", "101027") {
		t.Errorf("denials %+v, want org.ok's 101027", ds)
	}
}

func containsDenial(ds []Denial, rule, msg string) bool {
	for _, d := range ds {
		if d.Rule == rule && d.Msg == msg {
			return true
		}
	}
	return false
}

// A rule that would run for hours is stopped at the engine's time limit,
// and the error names it.
func TestTimeoutStopsALongRule(t *testing.T) {
	// 1024^4 = 2^40 iterations.
	src := orgRule("slow", `deny contains "x" if {
	count([1 |
		some a in numbers.range(1, 1024)
		some b in numbers.range(1, 1024)
		some c in numbers.range(1, 1024)
		some d in numbers.range(1, 1024)
	]) > 0
}
`)
	e, err := compileRepo(t, "policies/org/slow.rego", src)
	if err != nil {
		t.Fatal(err)
	}
	e.Timeout = 300 * time.Millisecond
	start := time.Now()
	_, err = e.EvalJSON(context.Background(), []byte(`{"now":"2026-11-23T10:00:00Z"}`))
	elapsed := time.Since(start)
	if elapsed > 3*time.Second {
		t.Errorf("stopped after %v, want about the 300ms limit", elapsed)
	}
	var te *TimeoutError
	if !errors.As(err, &te) || te.Rule != "org.slow" || te.File != "policies/org/slow.rego" || !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want a TimeoutError naming org.slow", err)
	}
	if want := "rule org.slow did not finish within 300ms, the time limit of a policy evaluation (policies/org/slow.rego)"; !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want it to say %q", err, want)
	}
}

// A caller's cancellation is the caller's error, not a rule's timeout.
func TestEvalCancelledByCaller(t *testing.T) {
	e, err := compileRepo(t, "policies/org/ok.rego", orgRule("ok", "deny contains \"x\" if false\n"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.EvalJSON(ctx, []byte(`{}`)); !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimeout) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// noOpenFS fails the test when a file it names is opened.
type noOpenFS struct {
	fstest.MapFS
	t     *testing.T
	sizes map[string]int64
}

func (f noOpenFS) Open(name string) (fs.File, error) {
	if _, ok := f.sizes[name]; ok {
		f.t.Errorf("%s was opened, though its size says it is too large", name)
	}
	return f.MapFS.Open(name)
}

func (f noOpenFS) Stat(name string) (fs.FileInfo, error) {
	info, err := fs.Stat(f.MapFS, name)
	if err != nil {
		return nil, err
	}
	if size, ok := f.sizes[name]; ok {
		return sizedInfo{info, size}, nil
	}
	return info, nil
}

func (f noOpenFS) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(f.MapFS, name)
	for i, e := range entries {
		if size, ok := f.sizes[path.Join(name, e.Name())]; ok {
			info, err := e.Info()
			if err != nil {
				return nil, err
			}
			entries[i] = fs.FileInfoToDirEntry(sizedInfo{info, size})
		}
	}
	return entries, err
}

type sizedInfo struct {
	fs.FileInfo
	size int64
}

func (i sizedInfo) Size() int64 { return i.size }

// Repository modules are size-checked before they are read, one by one
// and in total.
func TestRepositoryModulesAreSizeChecked(t *testing.T) {
	small := orgRule("small", "deny contains \"x\" if false\n")
	fsys := noOpenFS{
		MapFS: fstest.MapFS{
			"policies/org/small.rego": {Data: []byte(small)},
			"policies/org/huge.rego":  {Data: []byte(small)},
		},
		t:     t,
		sizes: map[string]int64{"policies/org/huge.rego": 8 << 30},
	}
	_, err := RepositoryModules(fsys)
	wantRefused(t, err, "policies/org/huge.rego: 8589934592 bytes, larger than the 262144-byte limit for a policy module; refused")

	// A file that is larger than its size said is still cut at the limit.
	grown := fstest.MapFS{"policies/org/grown.rego": {Data: []byte(strings.Repeat("#", MaxModuleSize+1))}}
	_, err = RepositoryModules(sizeLiar{grown})
	wantRefused(t, err, "policies/org/grown.rego: larger than the 262144-byte limit")

	// A symbolic link is checked by its target's size, and must stay in
	// the repository.
	small = orgRule("linked", "deny contains \"x\" if false\n")
	links := fstest.MapFS{
		"shared/ok.rego":        {Data: []byte(small)},
		"shared/big.rego":       {Data: []byte(strings.Repeat("#", MaxModuleSize+1))},
		"policies/org/ok.rego":  {Data: []byte("../../shared/ok.rego"), Mode: fs.ModeSymlink},
		"policies/org/big.rego": {Data: []byte("../../shared/big.rego"), Mode: fs.ModeSymlink},
		"policies/org/out.rego": {Data: []byte("../../../outside.rego"), Mode: fs.ModeSymlink},
	}
	_, err = RepositoryModules(links)
	wantRefused(t, err, "policies/org/big.rego: 262145 bytes, larger than the 262144-byte limit")
	delete(links, "policies/org/big.rego")
	_, err = RepositoryModules(links)
	wantRefused(t, err, "policies/org/out.rego: cannot read: the symbolic link points outside the repository")
	delete(links, "policies/org/out.rego")
	mods, err := RepositoryModules(links)
	if err != nil || len(mods) != 1 || string(mods[0].Source) != small {
		t.Errorf("linked module: %v, %v", mods, err)
	}

	// Ten modules of 250 KiB pass the total.
	many := fstest.MapFS{}
	for i := range 10 {
		many["policies/org/m"+string(rune('a'+i))+".rego"] = &fstest.MapFile{Data: []byte(strings.Repeat("#", 250<<10))}
	}
	_, err = RepositoryModules(many)
	wantRefused(t, err, "the repository's policies pass the 2097152-byte limit for all policy modules together here; refused")
	if !strings.Contains(err.Error(), "policies/org/mi.rego") {
		t.Errorf("err = %v, want it to name the module that passed the total", err)
	}

	// Load returns the same refusal.
	_, err = Load(context.Background(), many, LoadOptions{})
	wantRefused(t, err, "policies/org/mi.rego")
}

// sizeLiar reports every file as 10 bytes.
type sizeLiar struct{ fstest.MapFS }

func (f sizeLiar) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(f.MapFS, name)
	for i, e := range entries {
		if !e.IsDir() {
			info, err := e.Info()
			if err != nil {
				return nil, err
			}
			entries[i] = fs.FileInfoToDirEntry(sizedInfo{info, 10})
		}
	}
	return entries, err
}

// Load compiles the built-in rules alone for a nil file system, and with a
// repository's own rules otherwise, with the time limit asked for.
func TestLoad(t *testing.T) {
	e, err := Load(context.Background(), nil, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := e.Rule("change.approval"); !ok || e.Timeout != 0 {
		t.Errorf("built-ins: change.approval missing or timeout %v", e.Timeout)
	}
	fsys := repoFS(map[string]string{"policies/org/description.rego": ruleSrc})
	e, err = Load(context.Background(), fsys, LoadOptions{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := e.Rule("org.description"); !ok || r.Builtin || e.Timeout != time.Second {
		t.Errorf("org.description = %+v, %v; timeout %v", r, ok, e.Timeout)
	}
	attack := repoFS(map[string]string{"policies/x.rego": "package smsctl\n\nlib.pr_touches(id) if true\nrules.change.approval.pr_authorised if true\n"})
	_, err = Load(context.Background(), attack, LoadOptions{})
	wantRefused(t, err, "policies/x.rego:3: rule lib.pr_touches would define data.smsctl.lib.pr_touches")
}

// policy test applies the same sandbox, and shows what a test prints.
func TestTestIsSandboxedAndCapturesPrint(t *testing.T) {
	builtin, err := BuiltinModules()
	if err != nil {
		t.Fatal(err)
	}
	run := func(name, src string) ([]TestResult, error) {
		return Test(context.Background(), append(builtin, Module{Name: name, Source: []byte(src)}), 10*time.Second)
	}
	_, err = run("policies/org/lib_test.rego", "package smsctl.lib\n\npr_touches(id) := true\n")
	wantRefused(t, err, "policies/org/lib_test.rego:1: package smsctl.lib is outside")
	_, err = run("policies/org/x_test.rego", "package smsctl.rules.org.x_test\n\ntest_net if net.lookup_ip_addr(\"example.com\")\n")
	wantRefused(t, err, "policies/org/x_test.rego:3: net.lookup_ip_addr is not available")

	results, err := run("policies/org/x_test.rego", "package smsctl.rules.org.x_test\n\ntest_prints if {\n\tprint(\"hello from a test\")\n}\n")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range results {
		if r.Name == "test_prints" {
			found = true
			if !r.Pass || !strings.Contains(r.Output, "hello from a test") {
				t.Errorf("result %+v, want a pass with the printed line", r)
			}
		}
	}
	if !found {
		t.Error("test_prints did not run")
	}
}

// print in a rule goes nowhere when the engine judges.
func TestPrintInARuleIsSilent(t *testing.T) {
	e, err := compileRepo(t, "policies/org/p.rego", orgRule("p", "deny contains \"x\" if {\n\tprint(\"leak\", input)\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	ds, err := e.EvalJSON(context.Background(), []byte(`{}`))
	if err != nil || !containsDenial(ds, "org.p", "x") {
		t.Fatalf("denials %+v, %v", ds, err)
	}
}

// selfDoubling is a rule that builds two arrays by doubling one level at a
// time, then compares them with op: values 2^levels leaves large that take
// little memory, as shared structure.
func selfDoubling(levels int, build, op string) string {
	var b strings.Builder
	b.WriteString("deny contains \"x\" if {\n\ta0 := [1, 2]\n\tb0 := [1, 2]\n")
	for i := 1; i <= levels; i++ {
		for _, v := range []string{"a", "b"} {
			fmt.Fprintf(&b, "\t%s%d := "+build+"\n", v, i, v, i-1, v, i-1)
		}
	}
	fmt.Fprintf(&b, "\ta%d %s b%d\n}\n", levels, op, levels)
	return b.String()
}

// OPA's compiler cannot be interrupted, and its type checker takes time
// exponential in the nesting of array literals compared with ==: such a
// module is refused at the time limit instead of hanging every command.
func TestCompileThatLoopsIsRefused(t *testing.T) {
	// 12 levels take OPA about 3.5s; the limit is 500ms.
	src := orgRule("nested", selfDoubling(12, "[%s%d, %s%d]", "=="))
	fsys := fstest.MapFS{"policies/org/nested.rego": {Data: []byte(src)}}
	start := time.Now()
	_, err := Load(context.Background(), fsys, LoadOptions{Timeout: 500 * time.Millisecond})
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("refused after %v, want about 500ms", d)
	}
	wantRefused(t, err, "policies/org/nested.rego: OPA's compiler did not finish with this module within 500ms")

	// policy test compiles under the same limit.
	builtin, err := BuiltinModules()
	if err != nil {
		t.Fatal(err)
	}
	_, err = Test(context.Background(), append(builtin, Module{Name: "policies/org/nested.rego", Source: []byte(src)}), 500*time.Millisecond)
	wantRefused(t, err, "policies/org/nested.rego: OPA's compiler did not finish with this module within 500ms")
}

// A rule stuck in a built-in call that cannot be interrupted still ends
// the evaluation soon after the time limit, named.
func TestUninterruptibleRuleIsLeftBehind(t *testing.T) {
	// != compares 2^25 pairs of leaves in one call: about 4s.
	src := orgRule("stuck", selfDoubling(25, "array.concat([%s%d], [%s%d])", "!="))
	e, err := compileRepo(t, "policies/org/stuck.rego", src)
	if err != nil {
		t.Fatal(err)
	}
	e.Timeout = 200 * time.Millisecond
	start := time.Now()
	_, err = e.EvalJSON(context.Background(), []byte(`{}`))
	if d := time.Since(start); d > 200*time.Millisecond+stopGrace+time.Second {
		t.Errorf("returned after %v, want the limit plus at most %v", d, stopGrace)
	}
	var te *TimeoutError
	if !errors.As(err, &te) || te.Rule != "org.stuck" {
		t.Errorf("err = %v, want a timeout of org.stuck", err)
	}
}
