// Package policy is smsctl's one door to OPA: it compiles the built-in Rego
// rules and a repository's own once, evaluates them on the whole SMS as one
// input document, applies waivers, and turns what the rules deny into
// findings with the record's file and line. It also runs the rules' unit
// tests.
package policy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/smsctl/smsctl/policies"
)

// Module is one Rego file.
type Module struct {
	// Name is the file's path: "change/approval.rego" for a built-in,
	// "policies/acme/x.rego" for a repository's own.
	Name    string
	Source  []byte
	Builtin bool
}

// Rule is a rule's documentation, from its METADATA annotation.
type Rule struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Clause      string `json:"clause"`
	Severity    string `json:"severity"`
	Description string `json:"description"`
	Remediation string `json:"remediation"`
	File        string `json:"file"`
	Builtin     bool   `json:"builtin"`
}

// rulesPrefix is the package path under which rules live: a rule's package
// is smsctl.rules.<area>.<name> and its ID is <area>.<name>.
const rulesPrefix = "data.smsctl.rules."

// BuiltinModules returns the embedded rules, helpers and tests.
func BuiltinModules() ([]Module, error) {
	return collect(policies.FS, ".", true)
}

// RepositoryModules returns the .rego files under policies/ in an SMS
// repository; none when it has no such folder.
func RepositoryModules(fsys fs.FS) ([]Module, error) {
	if _, err := fs.Stat(fsys, "policies"); err != nil {
		return nil, nil
	}
	return collect(fsys, "policies", false)
}

func collect(fsys fs.FS, root string, builtin bool) ([]Module, error) {
	var out []Module
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rego") {
			return err
		}
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		out = append(out, Module{Name: p, Source: src, Builtin: builtin})
		return nil
	})
	return out, err
}

// IsTest reports whether a module holds Rego unit tests.
func (m Module) IsTest() bool { return strings.HasSuffix(m.Name, "_test.rego") }

// Engine is a compiled set of rules, ready to judge any number of inputs.
// It is safe for concurrent use.
type Engine struct {
	// queries holds one prepared query per rule, so rules can be evaluated
	// in parallel on the same input.
	queries []ruleQuery
	rules   map[string]Rule
	// Digest is the SHA-256 of the rule modules (not tests), in name order:
	// which policies judged.
	Digest string
}

// Rules lists the rules, sorted by ID.
func (e *Engine) Rules() []Rule {
	out := make([]Rule, 0, len(e.rules))
	for _, r := range e.rules {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Rule returns a rule by ID.
func (e *Engine) Rule(id string) (Rule, bool) {
	r, ok := e.rules[id]
	return r, ok
}

// parse parses modules (Rego v1) with their annotations.
func parse(mods []Module) (map[string]*ast.Module, error) {
	parsed := map[string]*ast.Module{}
	reserved := map[string]string{}
	for _, m := range mods {
		mod, err := ast.ParseModuleWithOpts(m.Name, string(m.Source), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
		if err != nil {
			return nil, err
		}
		pkg := mod.Package.Path.String()
		if m.Builtin {
			reserved[pkg] = m.Name
		} else if owner, ok := reserved[pkg]; ok || pkg == "data.smsctl.lib" {
			if owner == "" {
				owner = "the built-in helpers"
			}
			return nil, fmt.Errorf("%s: package %s belongs to %s; a repository may add rules, not change built-in ones (waive a rule instead)", m.Name, strings.TrimPrefix(pkg, "data."), owner)
		}
		parsed[m.Name] = mod
	}
	return parsed, nil
}

// Compile compiles modules (built-in ones first, so a repository module
// that claims a built-in package is refused) and prepares the query that
// collects every rule's findings.
func Compile(ctx context.Context, mods []Module) (*Engine, error) {
	var rules []Module
	for _, m := range mods {
		if !m.IsTest() {
			rules = append(rules, m)
		}
	}
	slices.SortStableFunc(rules, func(a, b Module) int {
		if a.Builtin != b.Builtin {
			if a.Builtin {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	parsed, err := parse(rules)
	if err != nil {
		return nil, err
	}
	compiler := ast.NewCompiler().WithEnablePrintStatements(false)
	if compiler.Compile(parsed); compiler.Failed() {
		return nil, fmt.Errorf("compile policies: %v", compiler.Errors)
	}
	e := &Engine{rules: map[string]Rule{}}
	h := sha256.New()
	for _, m := range rules {
		fmt.Fprintf(h, "%s\x00%d\x00", m.Name, len(m.Source))
		h.Write(m.Source)
		r, ok, err := ruleOf(m, parsed[m.Name])
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		if prev, dup := e.rules[r.ID]; dup {
			return nil, fmt.Errorf("%s: rule %s is also defined in %s", m.Name, r.ID, prev.File)
		}
		e.rules[r.ID] = r
	}
	e.Digest = "sha256:" + hex.EncodeToString(h.Sum(nil))
	for _, r := range e.Rules() {
		q, err := rego.New(
			rego.Query("data.smsctl.rules."+r.ID+".deny[finding]"),
			rego.Compiler(compiler),
		).PrepareForEval(ctx)
		if err != nil {
			return nil, fmt.Errorf("prepare rule %s: %w", r.ID, err)
		}
		e.queries = append(e.queries, ruleQuery{id: r.ID, q: q})
	}
	return e, nil
}

type ruleQuery struct {
	id string
	q  rego.PreparedEvalQuery
}

// ruleOf reads a rule module's METADATA; ok is false for modules that are
// not rules (helpers).
func ruleOf(m Module, mod *ast.Module) (Rule, bool, error) {
	pkg := mod.Package.Path.String()
	if !strings.HasPrefix(pkg, rulesPrefix) {
		return Rule{}, false, nil
	}
	id := strings.TrimPrefix(pkg, rulesPrefix)
	if strings.Count(id, ".") != 1 {
		return Rule{}, false, fmt.Errorf("%s: package %s: a rule's package is smsctl.rules.<area>.<name>", m.Name, strings.TrimPrefix(pkg, "data."))
	}
	hasDeny := slices.ContainsFunc(mod.Rules, func(r *ast.Rule) bool { return r.Head.Name.String() == "deny" || r.Head.Ref().String() == "deny" })
	if !hasDeny {
		return Rule{}, false, fmt.Errorf("%s: rule %s has no deny rule", m.Name, id)
	}
	var a *ast.Annotations
	for _, an := range mod.Annotations {
		if an.Scope == "package" {
			a = an
		}
	}
	if a == nil {
		return Rule{}, false, fmt.Errorf("%s: rule %s has no METADATA annotation above its package", m.Name, id)
	}
	str := func(k string) string {
		s, _ := a.Custom[k].(string)
		return strings.TrimSpace(s)
	}
	r := Rule{
		ID: id, Title: a.Title, Description: strings.TrimSpace(a.Description),
		Clause: str("clause"), Severity: str("severity"), Remediation: str("remediation"),
		File: m.Name, Builtin: m.Builtin,
	}
	if got := str("id"); got != id {
		return Rule{}, false, fmt.Errorf("%s: METADATA custom.id is %q, but the package makes the rule %q", m.Name, got, id)
	}
	if r.Severity != "error" && r.Severity != "warning" {
		return Rule{}, false, fmt.Errorf("%s: rule %s: METADATA custom.severity must be error or warning, not %q", m.Name, id, r.Severity)
	}
	if r.Title == "" || r.Clause == "" {
		return Rule{}, false, fmt.Errorf("%s: rule %s: METADATA needs a title and custom.clause", m.Name, id)
	}
	return r, true, nil
}

// Denial is one finding a rule returned.
type Denial struct {
	Rule  string `json:"rule"`
	Kind  string `json:"kind,omitempty"`
	ID    string `json:"id,omitempty"`
	Msg   string `json:"msg"`
	Field string `json:"field,omitempty"`
}

// Eval evaluates every rule on one input document, the rules spread over
// the CPUs; the denials come in rule order.
func (e *Engine) Eval(ctx context.Context, input ast.Value) ([]Denial, error) {
	results := make([][]Denial, len(e.queries))
	errs := make([]error, len(e.queries))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(e.queries)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i], errs[i] = e.queries[i].eval(ctx, input)
			}
		}()
	}
	for i := range e.queries {
		next <- i
	}
	close(next)
	wg.Wait()
	var out []Denial
	for i, ds := range results {
		if errs[i] != nil {
			return nil, fmt.Errorf("evaluate rule %s: %w", e.queries[i].id, errs[i])
		}
		out = append(out, ds...)
	}
	return out, nil
}

func (rq ruleQuery) eval(ctx context.Context, input ast.Value) ([]Denial, error) {
	rs, err := rq.q.Eval(ctx, rego.EvalParsedInput(input))
	if err != nil {
		return nil, err
	}
	out := make([]Denial, 0, len(rs))
	for _, r := range rs {
		d := Denial{Rule: rq.id}
		switch f := r.Bindings["finding"].(type) {
		case map[string]any:
			d.Kind, _ = f["kind"].(string)
			d.ID, _ = f["id"].(string)
			d.Msg, _ = f["msg"].(string)
			d.Field, _ = f["field"].(string)
		case string:
			d.Msg = f
		default:
			d.Msg = fmt.Sprint(f)
		}
		out = append(out, d)
	}
	return out, nil
}

// EvalJSON evaluates every rule on an input document given as JSON.
func (e *Engine) EvalJSON(ctx context.Context, doc []byte) ([]Denial, error) {
	t, err := jsonTerm(doc)
	if err != nil {
		return nil, fmt.Errorf("not a JSON document: %w", err)
	}
	return e.Eval(ctx, t.Value)
}
