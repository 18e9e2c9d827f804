package policy

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestResult is the outcome of one Rego unit test.
type TestResult struct {
	Package string `json:"package"`
	Name    string `json:"name"`
	File    string `json:"file"`
	Line    int    `json:"line"`
	Pass    bool   `json:"pass"`
	Error   string `json:"error,omitempty"`
	// Output is what the test printed with print().
	Output   string        `json:"output,omitempty"`
	Duration time.Duration `json:"duration_ns"`
}

// Test runs the Rego unit tests (rules named test_*) among mods with OPA's
// tester, each test bounded by timeout. The modules are checked and
// compiled as Compile does (namespace, capabilities), except that print
// works: what a test prints is in its result.
func Test(ctx context.Context, mods []Module, timeout time.Duration) ([]TestResult, error) {
	parsed, err := parse(mods)
	if err != nil {
		return nil, err
	}
	store := inmem.New()
	txn, err := store.NewTransaction(ctx)
	if err != nil {
		return nil, err
	}
	// The transaction is aborted only once the tester is done with it: a
	// test left running past its time limit may still read the store.
	finished := false
	defer func() {
		if finished {
			store.Abort(ctx, txn)
		}
	}()
	runner := tester.NewRunner().
		SetCompiler(newCompiler(true)).
		SetStore(store).
		SetModules(parsed).
		SetTimeout(timeout).
		CapturePrintOutput(true)
	var ch chan *tester.Result
	// RunTests compiles before it returns, and OPA's compiler cannot be
	// interrupted: give it the time limit, as Compile does.
	if !within(ctx, timeout, func() { ch, err = runner.RunTests(ctx, txn) }) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return nil, compileTimeout(mods, timeout)
	}
	if err != nil {
		finished = true
		var astErrs ast.Errors
		if errors.As(err, &astErrs) {
			return nil, joinRefusals(refusals("policies", err))
		}
		return nil, fmt.Errorf("run policy tests: %w", err)
	}
	results := []*tester.Result{}
	for {
		// A test stops at its time limit, unless a built-in call it is in
		// cannot be interrupted: wait a little longer, then give up on it.
		var r *tester.Result
		var more bool
		if !within(ctx, timeout+stopGrace, func() { r, more = <-ch }) {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("%w: a policy test did not finish within %s, its time limit, after %d tests", ErrTimeout, timeout, len(results))
		}
		if !more {
			break
		}
		results = append(results, r)
	}
	finished = true
	var out []TestResult
	for _, r := range results {
		tr := TestResult{Package: r.Package, Name: r.Name, Pass: r.Pass(), Duration: r.Duration, Output: string(r.Output)}
		if r.Location != nil {
			tr.File, tr.Line = r.Location.File, r.Location.Row
		}
		if r.Error != nil {
			tr.Error = r.Error.Error()
		} else if r.Fail {
			tr.Error = "test failed"
			if r.FailedAt != nil {
				tr.Error = "failed at " + r.FailedAt.String()
			}
		}
		out = append(out, tr)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Line < out[j].Line
	})
	return out, nil
}
