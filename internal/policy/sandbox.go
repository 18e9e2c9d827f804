package policy

// The sandbox for Rego. A repository's policies are code that someone with
// write access committed; smsctl runs them in every command that judges, in
// CI with tokens around. So, for built-in and repository modules alike:
//
//   - a repository module defines rules only inside its own namespace,
//     data.smsctl.rules.org.<name>, checked rule by rule (package path plus
//     the rule's ref head), so it cannot add to or replace a built-in rule
//     or helper, or another organisation rule;
//   - modules compile with OPA capabilities that leave out every built-in
//     that reaches outside the input (network, environment, clock,
//     randomness) or builds an unbounded value from a small one, and a call
//     to one is refused by name before OPA sees it;
//   - the built-ins that build large values from small arguments
//     (numbers.range, numbers.range_step, bits.lsh) are bounded;
//   - compiling and each evaluation have a time limit (Engine.Timeout,
//     LoadOptions.Timeout); past it, the work OPA cannot interrupt is left
//     running in its goroutine and the caller gets the error;
//   - repository files are size-checked before they are read.
//
// What is not bounded: memory, and OPA's own recursion. A rule can build
// values by doubling (concat, array.concat, [x, x]) or unify huge arrays
// (OPA recurses per element and can overflow the stack, which is fatal).
// That makes the command fail, never pass.
//
// Imports are allowed as they are: an import defines nothing, and an alias
// (even one named lib, or one that imports data.smsctl.lib) only names a
// document inside the importing module. `with` is allowed too: it replaces
// a document or function for the one expression it is attached to, in the
// module's own evaluation, and never in another rule's.

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/open-policy-agent/opa/v1/topdown/builtins"
)

// Limits on repository policies and on what a rule can build.
const (
	// MaxModuleSize is the largest repository .rego file read (256 KiB).
	MaxModuleSize = 256 << 10
	// MaxPoliciesSize is the most a repository's .rego files may hold
	// together (2 MiB).
	MaxPoliciesSize = 2 << 20
	// MaxModules is the most .rego files a repository may have.
	MaxModules = 1000
	// MaxRange is the most numbers one numbers.range or
	// numbers.range_step call may build.
	MaxRange = 100_000
	// MaxShift is the largest bits.lsh shift, in bits.
	MaxShift = 1024
)

// OrgNamespace is the package under which a repository's own rules live:
// package smsctl.rules.org.<name>, rule ID org.<name>.
const OrgNamespace = "smsctl.rules.org"

var orgRef = ast.MustParseRef("data." + OrgNamespace)

// deniedBuiltins are the OPA built-ins no smsctl policy may call, with why.
// Besides these, every built-in OPA marks non-deterministic is denied (see
// denial), so an OPA upgrade that adds one does not open a hole.
var deniedBuiltins = map[string]string{
	"http.send":              "it reaches the network",
	"net.lookup_ip_addr":     "it reaches the network (DNS)",
	"opa.runtime":            "it reads the environment and OPA's configuration",
	"time.now_ns":            "it reads the clock; take the time from input.now or input.today",
	"rand.intn":              "it is random",
	"uuid.rfc4122":           "it is random",
	"io.jwt.decode_verify":   "it reads the clock",
	"io.jwt.encode_sign":     "it is random",
	"io.jwt.encode_sign_raw": "it is random",
	"json.match_schema":      "a schema's remote $ref makes it reach the network",
	"json.verify_schema":     "a schema's remote $ref makes it reach the network",
	"crypto.x509.parse_and_verify_certificates":              "it reads the clock and the system's root certificates",
	"crypto.x509.parse_and_verify_certificates_with_options": "it reads the clock and the system's root certificates",
	"trace":                   "it writes to OPA's tracer, which smsctl does not show; return what you need in a finding",
	"net.cidr_expand":         "it builds every address of a range: a small argument, an unbounded result",
	"graph.reachable_paths":   "it enumerates every path, exponentially many, and cannot be stopped; use graph.reachable",
	"strings.render_template": "a Go template can loop without bound and cannot be stopped; use sprintf or concat",
}

// denial says why a built-in is denied; empty when it is allowed.
func denial(name string) string {
	if why, ok := deniedBuiltins[name]; ok {
		return why
	}
	if b, ok := ast.BuiltinMap[name]; ok && b.Nondeterministic {
		return "its result is not determined by its arguments (OPA marks it non-deterministic)"
	}
	return ""
}

// capabilities is OPA's built-in set for this version less the denied
// built-ins, with no network hosts allowed.
func capabilities() *ast.Capabilities {
	c := ast.CapabilitiesForThisVersion()
	kept := make([]*ast.Builtin, 0, len(c.Builtins))
	for _, b := range c.Builtins {
		if denial(b.Name) == "" {
			kept = append(kept, b)
		}
	}
	c.Builtins = kept
	c.AllowNet = []string{}
	return c
}

// checkBuiltins refuses each call in mod to a denied built-in, naming it
// and why. A call whose first name is one of the module's own rules or
// imports is not a built-in's, as Rego resolves it.
func checkBuiltins(m Module, mod *ast.Module) []error {
	local := map[ast.Var]bool{}
	for _, r := range mod.Rules {
		if v, ok := r.Head.Ref()[0].Value.(ast.Var); ok {
			local[v] = true
		}
	}
	for _, imp := range mod.Imports {
		local[imp.Name()] = true
	}
	var errs []error
	check := func(op *ast.Term) {
		ref, ok := op.Value.(ast.Ref)
		if !ok || len(ref) == 0 {
			return
		}
		if v, ok := ref[0].Value.(ast.Var); ok && local[v] {
			return
		}
		name := ref.String()
		if why := denial(name); why != "" {
			line := 0
			if op.Location != nil {
				line = op.Location.Row
			}
			errs = append(errs, refusef(m.Name, line, "%s is not available to smsctl policies: %s", name, why))
		}
	}
	ast.WalkExprs(mod, func(e *ast.Expr) bool {
		if e.IsCall() {
			check(e.OperatorTerm())
		}
		return false
	})
	ast.WalkTerms(mod, func(t *ast.Term) bool {
		if c, ok := t.Value.(ast.Call); ok && len(c) > 0 {
			check(c[0])
		}
		return false
	})
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].(*RefusedError).Line < errs[j].(*RefusedError).Line })
	return errs
}

// builtinOwners maps each built-in module's package path to what it is,
// for telling a repository module whose ground it is on.
type builtinOwners map[string]string

func (o builtinOwners) add(pkg ast.Ref, m Module) {
	what := "the built-in helpers (" + m.Name + ")"
	if id, ok := strings.CutPrefix(pkg.String(), rulesPrefix); ok {
		what = "the built-in rule " + id + " (" + m.Name + ")"
		if m.IsTest() {
			what = "the built-in tests " + id + " (" + m.Name + ")"
		}
	}
	o[pkg.String()] = what
}

// where says whose ground path is on: a built-in package, a parent of
// built-in packages, or another organisation rule; empty when none.
func (o builtinOwners) where(path ast.Ref) string {
	s := path.String()
	var below []string
	for pkg, what := range o {
		if s == pkg || strings.HasPrefix(s, pkg+".") || strings.HasPrefix(s, pkg+"[") {
			return "it belongs to " + what
		}
		if strings.HasPrefix(pkg, s+".") {
			below = append(below, strings.TrimPrefix(pkg, "data."))
		}
	}
	if len(below) > 0 {
		sort.Strings(below)
		more := ""
		if len(below) > 3 {
			more = fmt.Sprintf(" and %d more", len(below)-3)
			below = below[:3]
		}
		return "it holds the built-in packages " + strings.Join(below, ", ") + more
	}
	if path.HasPrefix(orgRef) && len(path) > len(orgRef) {
		return "it belongs to the organisation rule org." + strings.Trim(path[len(orgRef)].String(), `"`)
	}
	return ""
}

// ownNamespace returns the namespace a repository module's package gives
// it, data.smsctl.rules.org.<name>; ok is false for any other package.
func ownNamespace(pkg ast.Ref) (ast.Ref, bool) {
	if len(pkg) != len(orgRef)+1 || !pkg.HasPrefix(orgRef) {
		return nil, false
	}
	// The name is a plain identifier, so the rule ID org.<name> is one.
	if name, ok := pkg[len(orgRef)].Value.(ast.String); !ok || !ast.IsVarCompatibleString(string(name)) {
		return nil, false
	}
	return pkg, true
}

const namespaceRule = "a repository module's package is " + OrgNamespace + ".<name> (rule ID org.<name>), and it may define rules only inside it"

// checkNamespace refuses a repository module whose package, or any rule's
// full path (package path plus the rule's ref head: complete, partial,
// default and function rules alike), lies outside its own namespace.
func checkNamespace(m Module, mod *ast.Module, owners builtinOwners) []error {
	pkg := mod.Package.Path
	own, ok := ownNamespace(pkg)
	var errs []error
	at := func(loc *ast.Location) int {
		if loc == nil {
			return 0
		}
		return loc.Row
	}
	if !ok {
		why := owners.where(pkg)
		if why != "" {
			why = " (" + why + ")"
		}
		errs = append(errs, refusef(m.Name, at(mod.Package.Location), "package %s is outside the namespace for an organisation's rules%s; %s",
			strings.TrimPrefix(pkg.String(), "data."), why, namespaceRule))
	}
	for _, r := range mod.Rules {
		path := pkg.Extend(r.Head.Ref())
		if ok && len(path) > len(own) && path.HasPrefix(own) {
			continue
		}
		if !ok && len(r.Head.Ref()) == 1 {
			continue // a plain rule of a refused package: said above
		}
		why := owners.where(path.GroundPrefix())
		if why != "" {
			why = ", where " + why
		}
		inside := "data." + OrgNamespace + ".<name>"
		if ok {
			inside = own.String()
		}
		errs = append(errs, refusef(m.Name, at(r.Location), "rule %s would define %s%s; a repository module may define rules only inside %s",
			r.Head.Ref(), path, why, inside))
	}
	return errs
}

// The bounded built-ins replace OPA's own implementations, process-wide:
// OPA looks a default built-in's implementation up in its global registry
// first, so a per-query custom function of the same name would not be
// called. The policy package is the program's one door to OPA, so every
// evaluation and test run in smsctl has the bounds.
func init() {
	bound := func(name string, check func(bctx topdown.BuiltinContext, ops []*ast.Term) string) {
		orig := topdown.GetBuiltin(name)
		if orig == nil {
			panic("policy: OPA has no built-in " + name)
		}
		topdown.RegisterBuiltinFunc(name, func(bctx topdown.BuiltinContext, ops []*ast.Term, iter func(*ast.Term) error) error {
			if msg := check(bctx, ops); msg != "" {
				// A Halt stops the evaluation with this error, where a plain
				// built-in error would only make the expression undefined.
				return topdown.Halt{Err: &topdown.Error{Code: topdown.BuiltinErr, Message: name + ": " + msg, Location: bctx.Location}}
			}
			return orig(bctx, ops, iter)
		})
	}
	rangeCheck := func(stepped bool) func(topdown.BuiltinContext, []*ast.Term) string {
		return func(_ topdown.BuiltinContext, ops []*ast.Term) string {
			if len(ops) < 2 {
				return ""
			}
			x, err1 := builtins.BigIntOperand(ops[0].Value, 1)
			y, err2 := builtins.BigIntOperand(ops[1].Value, 2)
			if err1 != nil || err2 != nil {
				return "" // OPA reports the bad operand
			}
			n := new(big.Int).Sub(y, x)
			n.Abs(n)
			if stepped && len(ops) > 2 {
				step, err := builtins.BigIntOperand(ops[2].Value, 3)
				if err != nil || step.Sign() <= 0 {
					return ""
				}
				n.Quo(n, step)
			}
			n.Add(n, big.NewInt(1))
			if n.Cmp(big.NewInt(MaxRange)) > 0 {
				return fmt.Sprintf("would build %s numbers; an smsctl policy may build at most %d at once", n, MaxRange)
			}
			return ""
		}
	}
	bound(ast.NumbersRange.Name, rangeCheck(false))
	bound(ast.NumbersRangeStep.Name, rangeCheck(true))
	bound(ast.BitsShiftLeft.Name, func(_ topdown.BuiltinContext, ops []*ast.Term) string {
		if len(ops) < 2 {
			return ""
		}
		s, err := builtins.BigIntOperand(ops[1].Value, 2)
		if err != nil || s.Cmp(big.NewInt(MaxShift)) <= 0 {
			return ""
		}
		return fmt.Sprintf("a shift of %s bits; an smsctl policy may shift by at most %d", s, MaxShift)
	})
}

// within runs f and waits for it at most limit, or until ctx is done, and
// reports whether f finished. When it has not, f goes on in its goroutine
// and the caller must not touch what f uses: OPA's compiler and some
// built-in calls cannot be interrupted, and in a command about to report
// the error and exit, a goroutine left running is better than a hang.
func within(ctx context.Context, limit time.Duration, f func()) bool {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	t := time.NewTimer(limit)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

// compileTimeout is the refusal of modules that OPA's compiler did not
// finish with in time: the repository's, since the built-in ones compile
// in a fraction of a second.
func compileTimeout(mods []Module, limit time.Duration) error {
	var repo []string
	for _, m := range mods {
		if !m.Builtin {
			repo = append(repo, m.Name)
		}
	}
	const why = "(a rule whose types grow without bound, such as arrays built from themselves, makes it loop)"
	switch len(repo) {
	case 0:
		return fmt.Errorf("compiling the built-in policies did not finish within %s", limit)
	case 1:
		return refusef(repo[0], 0, "OPA's compiler did not finish with this module within %s %s; refused", limit, why)
	}
	if len(repo) > 5 {
		repo = append(repo[:5:5], "...")
	}
	return &RefusedError{File: "policies", Msg: fmt.Sprintf("OPA's compiler did not finish within %s with the repository's modules %s %s; refused", limit, strings.Join(repo, ", "), why)}
}
