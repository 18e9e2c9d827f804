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
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"

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
	// Origin is "builtin" or "repository" (an organisation's own rule,
	// ID org.<name>).
	Origin string `json:"origin"`
}

// rulesPrefix is the package path under which rules live: a rule's package
// is smsctl.rules.<area>.<name> and its ID is <area>.<name>.
const rulesPrefix = "data.smsctl.rules."

// BuiltinModules returns the embedded rules, helpers and tests.
func BuiltinModules() ([]Module, error) {
	return collect(policies.FS, ".", true)
}

// RepositoryModules returns the .rego files under policies/ in an SMS
// repository; none when it has no such folder. Each file's size is checked
// before it is read: a file over MaxModuleSize, more than MaxPoliciesSize
// in all, or more than MaxModules files are refused (ErrRefused).
func RepositoryModules(fsys fs.FS) ([]Module, error) {
	if _, err := fs.Stat(fsys, "policies"); err != nil {
		return nil, nil
	}
	var out []Module
	total := int64(0)
	err := fs.WalkDir(fsys, "policies", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return refusef(p, 0, "cannot read: %v", err)
		}
		if d.IsDir() || !strings.HasSuffix(p, ".rego") {
			return nil
		}
		if len(out) == MaxModules {
			return refusef(p, 0, "more than %d .rego files under policies/; refused", MaxModules)
		}
		// The size comes from the directory entry (for a Git tree, the
		// object's header), or the link's target's, without reading the file.
		info, err := d.Info()
		if err == nil && d.Type()&fs.ModeSymlink != 0 {
			info, err = linkTarget(fsys, p)
		}
		if err != nil {
			return refusef(p, 0, "cannot read: %v", err)
		}
		if !info.Mode().IsRegular() {
			return refusef(p, 0, "not a regular file; refused")
		}
		if err := checkSize(p, info.Size(), &total); err != nil {
			return err
		}
		src, err := readModule(fsys, p)
		if err != nil {
			return err
		}
		out = append(out, Module{Name: p, Source: src})
		return nil
	})
	return out, err
}

// linkTarget describes the file a symbolic link in the repository points
// to, without following further links or leaving the repository.
func linkTarget(fsys fs.FS, name string) (fs.FileInfo, error) {
	target, err := fs.ReadLink(fsys, name)
	if err != nil {
		return nil, err
	}
	resolved := path.Join(path.Dir(name), target)
	if path.IsAbs(target) || !fs.ValidPath(resolved) {
		return nil, errors.New("the symbolic link points outside the repository")
	}
	return fs.Lstat(fsys, resolved)
}

// checkSize refuses a module of size bytes that is too large, alone or with
// the total so far, and adds it to the total.
func checkSize(name string, size int64, total *int64) error {
	if size > MaxModuleSize {
		return refusef(name, 0, "%d bytes, larger than the %d-byte limit for a policy module; refused", size, MaxModuleSize)
	}
	*total += size
	if *total > MaxPoliciesSize {
		return refusef(name, 0, "the repository's policies pass the %d-byte limit for all policy modules together here; refused", MaxPoliciesSize)
	}
	return nil
}

// readModule reads a module already size-checked, reading at most one byte
// more than the limit in case the file grew or its size was misreported.
func readModule(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, refusef(name, 0, "cannot read: %v", err)
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, MaxModuleSize+1))
	if err != nil {
		return nil, refusef(name, 0, "cannot read: %v", err)
	}
	if len(src) > MaxModuleSize {
		return nil, refusef(name, 0, "larger than the %d-byte limit for a policy module; refused", MaxModuleSize)
	}
	return src, nil
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

// DefaultTimeout is the time limit of one evaluation when Engine.Timeout
// is not set.
const DefaultTimeout = 30 * time.Second

// stopGrace is how long Eval waits, after the time limit, for a rule that
// a built-in call keeps from noticing it was cancelled.
const stopGrace = time.Second

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
	// Timeout is the time limit of one evaluation (every rule on one
	// input); DefaultTimeout when zero or less.
	Timeout time.Duration
}

// LoadOptions say how Load builds an engine.
type LoadOptions struct {
	// Timeout is the engine's time limit per evaluation (Engine.Timeout),
	// and the limit on compiling the policies; DefaultTimeout when zero.
	Timeout time.Duration
}

// Load compiles the built-in rules and, when fsys is not nil, the SMS
// repository's own policies/**/*.rego from fsys (the revision whose
// policies judge), into an engine. Every error it returns about the
// policies wraps ErrRefused, with the file and line at fault.
func Load(ctx context.Context, fsys fs.FS, opts LoadOptions) (*Engine, error) {
	mods, err := BuiltinModules()
	if err != nil {
		return nil, err
	}
	if fsys != nil {
		repo, err := RepositoryModules(fsys)
		if err != nil {
			return nil, err
		}
		mods = append(mods, repo...)
	}
	e, err := compile(ctx, mods, opts.Timeout)
	if err != nil {
		return nil, err
	}
	e.Timeout = opts.Timeout
	return e, nil
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

// parse parses modules (Rego v1) with their annotations, built-in ones
// first, and refuses repository modules that step outside their namespace
// and modules that call a denied built-in.
func parse(mods []Module) (map[string]*ast.Module, error) {
	mods = slices.Clone(mods)
	slices.SortStableFunc(mods, func(a, b Module) int {
		if a.Builtin != b.Builtin {
			if a.Builtin {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	parsed := map[string]*ast.Module{}
	owners := builtinOwners{}
	var errs []error
	for _, m := range mods {
		mod, err := ast.ParseModuleWithOpts(m.Name, string(m.Source), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
		if err != nil {
			errs = append(errs, refusals(m.Name, err)...)
			continue
		}
		if _, dup := parsed[m.Name]; dup {
			errs = append(errs, refusef(m.Name, 0, "two modules of this name"))
			continue
		}
		pkg := mod.Package.Path
		if m.Builtin {
			if pkg.HasPrefix(orgRef) {
				errs = append(errs, refusef(m.Name, mod.Package.Location.Row, "a built-in module in the organisations' namespace %s", OrgNamespace))
			}
			owners.add(pkg, m)
		} else {
			errs = append(errs, checkNamespace(m, mod, owners)...)
		}
		errs = append(errs, checkBuiltins(m, mod)...)
		parsed[m.Name] = mod
	}
	if len(errs) > 0 {
		return nil, joinRefusals(errs)
	}
	return parsed, nil
}

// refusals turns OPA's parse or compile errors into refusals at their
// file and line.
func refusals(name string, err error) []error {
	var astErrs ast.Errors
	if !errors.As(err, &astErrs) {
		return []error{refusef(name, 0, "%v", err)}
	}
	out := make([]error, 0, len(astErrs))
	for _, e := range astErrs {
		file, line := name, 0
		if e.Location != nil {
			if e.Location.File != "" {
				file = e.Location.File
			}
			line = e.Location.Row
		}
		out = append(out, refusef(file, line, "%s: %s", e.Code, e.Message))
	}
	return out
}

// newCompiler returns a compiler with smsctl's capabilities.
func newCompiler(print bool) *ast.Compiler {
	return ast.NewCompiler().WithCapabilities(capabilities()).WithEnablePrintStatements(print)
}

// Compile compiles modules (Module.Builtin says which are trusted) with
// smsctl's capabilities and prepares one query per rule that collects its
// findings. Every error about the modules wraps ErrRefused.
//
// OPA's compiler cannot be interrupted, and some modules make it loop; when
// compiling takes longer than DefaultTimeout it is left behind and the
// modules refused.
func Compile(ctx context.Context, mods []Module) (*Engine, error) {
	return compile(ctx, mods, DefaultTimeout)
}

func compile(ctx context.Context, mods []Module, limit time.Duration) (*Engine, error) {
	if limit <= 0 {
		limit = DefaultTimeout
	}
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
	// print calls are compiled away: a rule's output is its findings.
	compiler := newCompiler(false)
	if !within(ctx, limit, func() { compiler.Compile(parsed) }) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return nil, compileTimeout(rules, limit)
	}
	if compiler.Failed() {
		return nil, joinRefusals(refusals("policies", compiler.Errors))
	}
	e := &Engine{rules: map[string]Rule{}}
	h := sha256.New()
	var errs []error
	for _, m := range rules {
		fmt.Fprintf(h, "%s\x00%d\x00", m.Name, len(m.Source))
		h.Write(m.Source)
		r, ok, err := ruleOf(m, parsed[m.Name])
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !ok {
			continue
		}
		if prev, dup := e.rules[r.ID]; dup {
			errs = append(errs, refusef(m.Name, parsed[m.Name].Package.Location.Row, "rule %s is also defined in %s", r.ID, prev.File))
			continue
		}
		e.rules[r.ID] = r
	}
	if len(errs) > 0 {
		return nil, joinRefusals(errs)
	}
	e.Digest = "sha256:" + hex.EncodeToString(h.Sum(nil))
	for _, r := range e.Rules() {
		q, err := rego.New(
			rego.Query("data.smsctl.rules."+r.ID+".deny[finding]"),
			rego.Compiler(compiler),
		).PrepareForEval(ctx)
		if err != nil {
			return nil, fmt.Errorf("%w: prepare rule %s: %w", ErrRefused, r.ID, err)
		}
		e.queries = append(e.queries, ruleQuery{id: r.ID, file: r.File, q: q})
	}
	return e, nil
}

type ruleQuery struct {
	id, file string
	q        rego.PreparedEvalQuery
}

// ruleOf reads a rule module's METADATA; ok is false for modules that are
// not rules (helpers).
func ruleOf(m Module, mod *ast.Module) (Rule, bool, error) {
	pkg := mod.Package.Path.String()
	if !strings.HasPrefix(pkg, rulesPrefix) {
		return Rule{}, false, nil
	}
	line := mod.Package.Location.Row
	id := strings.TrimPrefix(pkg, rulesPrefix)
	if strings.Count(id, ".") != 1 {
		return Rule{}, false, refusef(m.Name, line, "package %s: a rule's package is smsctl.rules.<area>.<name>", strings.TrimPrefix(pkg, "data."))
	}
	hasDeny := slices.ContainsFunc(mod.Rules, func(r *ast.Rule) bool { return r.Head.Name.String() == "deny" || r.Head.Ref().String() == "deny" })
	if !hasDeny {
		return Rule{}, false, refusef(m.Name, line, "rule %s has no deny rule", id)
	}
	var a *ast.Annotations
	for _, an := range mod.Annotations {
		if an.Scope == "package" {
			a = an
		}
	}
	if a == nil {
		return Rule{}, false, refusef(m.Name, line, "rule %s has no METADATA annotation above its package", id)
	}
	str := func(k string) string {
		s, _ := a.Custom[k].(string)
		return strings.TrimSpace(s)
	}
	r := Rule{
		ID: id, Title: a.Title, Description: strings.TrimSpace(a.Description),
		Clause: str("clause"), Severity: str("severity"), Remediation: str("remediation"),
		File: m.Name, Builtin: m.Builtin, Origin: "repository",
	}
	if m.Builtin {
		r.Origin = "builtin"
	}
	if got := str("id"); got != id {
		return Rule{}, false, refusef(m.Name, line, "METADATA custom.id is %q, but the package makes the rule %q", got, id)
	}
	if r.Severity != "error" && r.Severity != "warning" {
		return Rule{}, false, refusef(m.Name, line, "rule %s: METADATA custom.severity must be error or warning, not %q", id, r.Severity)
	}
	if r.Title == "" || r.Clause == "" {
		return Rule{}, false, refusef(m.Name, line, "rule %s: METADATA needs a title and custom.clause", id)
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
// the CPUs; the denials come in rule order. The evaluation as a whole has
// the engine's time limit: when it runs out, Eval returns a *TimeoutError
// naming the rule that was running (the earliest started, when several
// were), at the latest stopGrace after the limit even if a built-in call
// keeps that rule from stopping at once. Any other failure of a rule comes
// back as an error that names the rule.
func (e *Engine) Eval(ctx context.Context, input ast.Value) ([]Denial, error) {
	return e.evalRules(ctx, input, e.queries)
}

// EvalRules evaluates only the rules named (all of them when only is nil).
func (e *Engine) EvalRules(ctx context.Context, input ast.Value, only []string) ([]Denial, error) {
	if only == nil {
		return e.Eval(ctx, input)
	}
	var queries []ruleQuery
	for _, q := range e.queries {
		if slices.Contains(only, q.id) {
			queries = append(queries, q)
		}
	}
	return e.evalRules(ctx, input, queries)
}

func (e *Engine) evalRules(ctx context.Context, input ast.Value, queries []ruleQuery) ([]Denial, error) {
	limit := e.Timeout
	if limit <= 0 {
		limit = DefaultTimeout
	}
	ectx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	n := len(queries)
	results := make([][]Denial, n)
	errs := make([]error, n)
	// state is 0 before a rule starts, 1 while it runs, 2 when it is done;
	// a rule's result and error are written before its state becomes 2.
	state := make([]atomic.Int32, n)
	// late marks a rule that finished only after the time limit ran out
	// (a built-in call it was in could not be interrupted): over the
	// limit is over the limit, whatever it returned.
	late := make([]atomic.Bool, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ectx.Err() != nil {
					return
				}
				state[i].Store(1)
				results[i], errs[i] = queries[i].eval(ectx, input)
				late[i].Store(ectx.Err() != nil)
				state[i].Store(2)
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ectx.Done():
		grace := time.NewTimer(stopGrace)
		select {
		case <-done:
		case <-grace.C:
		}
		grace.Stop()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if ectx.Err() != nil {
		// Rules are started in order, so the first unfinished one is the
		// one that ran longest.
		for i := range n {
			s := state[i].Load()
			if s != 2 || late[i].Load() || topdown.IsCancel(errs[i]) {
				return nil, &TimeoutError{Rule: queries[i].id, File: queries[i].file, Limit: limit}
			}
		}
	}
	var out []Denial
	for i, ds := range results {
		if errs[i] != nil {
			return nil, fmt.Errorf("rule %s: %w", queries[i].id, errs[i])
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
