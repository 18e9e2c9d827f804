package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// policyQuery is the query smsctl's engine evaluates: every finding of
// every rule, with the rule's area and name bound.
const policyQuery = "data.smsctl.rules[area][name].deny[finding]"

// policyInput is the name of the exported policy input in the repository.
const policyInput = "input.json"

// runPolicy is the policy scenario: a repository of N change records is
// exported as one policy input document, then `smsctl policy eval` and
// `opa eval` with the same rules and query judge it. Both must find the
// same number of denials.
func runPolicy(ctx context.Context, name string, args []string) error {
	var c common
	var changes int
	fs := newFlagSet(name, "--changes N [flags]")
	fs.IntVar(&changes, "changes", 1000, "number of change records to generate")
	c.register(fs)
	if err := parse(fs, &c, args); err != nil {
		return err
	}
	if changes < 0 {
		fmt.Fprintln(os.Stderr, "smsbench policy: --changes must not be negative")
		return errUsage
	}
	// opa reads the rules from the module's policies folder, the source of
	// the ones built into smsctl.
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	policies := filepath.Join(root, "policies")
	if _, err := os.Stat(filepath.Join(policies, "lib", "lib.rego")); err != nil {
		return fmt.Errorf("the built-in policies for opa: %w", err)
	}

	t := newTools(c)
	defer t.cleanup()
	if err := t.build(ctx, true, false, true); err != nil {
		return err
	}

	dir, cleanup, err := prepareRepo(ctx, c, "--changes", strconv.Itoa(changes))
	if err != nil {
		return err
	}
	defer cleanup()
	if err := exportInput(ctx, t.smsctl, dir); err != nil {
		return err
	}

	stats, err := compare(ctx, c.runs,
		command{label: "smsctl", path: t.smsctl, args: []string{"policy", "eval", "--input", policyInput, "-o", "json"},
			dir: dir, env: smsctlEnv, exits: []int{1}},
		command{label: "opa eval", path: t.opa, args: []string{"eval", "--format", "json", "-d", policies, "-i", policyInput, policyQuery},
			dir: dir},
	)
	if err != nil {
		if !c.keep && c.dir == "" {
			err = fmt.Errorf("%w(run again with --keep or --dir to look at the repository)", err)
		}
		return err
	}
	ours, err := smsctlDenials(stats[0].stdout)
	if err != nil {
		return err
	}
	theirs, err := opaDenials(stats[1].stdout)
	if err != nil {
		return err
	}
	n, m := total(ours), total(theirs)
	if (n > 0) != (stats[0].exit == 1) {
		return fmt.Errorf("smsctl policy eval reported %d denials but exited %d", n, stats[0].exit)
	}
	if n != m {
		return fmt.Errorf("smsctl found %d denials and opa %d; per rule (smsctl/opa): %s", n, m, ruleDiff(ours, theirs))
	}
	fmt.Fprintf(os.Stderr, "both found %d denials%s\n", n, perRule(ours))
	printResult(name, changes, stats[0], stats[1], fmt.Sprintf("denials=%d", n))
	return nil
}

// exportInput writes the policy input of the repository in dir to
// dir/input.json, as `smsctl policy input --now DATE > input.json` does in
// it, with the date of genNow.
func exportInput(ctx context.Context, smsctl, dir string) error {
	out := filepath.Join(dir, policyInput)
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	start := time.Now()
	args := []string{"-C", dir, "policy", "input", "--now", genNow.Format(time.DateOnly)}
	cmd := exec.CommandContext(ctx, smsctl, args...)
	cmd.Env = append(os.Environ(), smsctlEnv...)
	var stderr strings.Builder
	cmd.Stdout, cmd.Stderr = f, &stderr
	err = cmd.Run()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s %s > %s: %w\n%s", smsctl, strings.Join(args, " "), out, err, tail(stderr.String(), 40))
	}
	info, err := os.Stat(out)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "exported the policy input (%.1f MB) to %s in %.1fs\n",
		float64(info.Size())/(1<<20), out, time.Since(start).Seconds())
	return nil
}

// smsctlDenials counts per rule the denials `smsctl policy eval -o json`
// printed.
func smsctlDenials(stdout string) (map[string]int, error) {
	var denials []struct {
		Rule string `json:"rule"`
	}
	if err := json.Unmarshal([]byte(stdout), &denials); err != nil {
		return nil, fmt.Errorf("read the output of smsctl policy eval: %w", err)
	}
	out := map[string]int{}
	for _, d := range denials {
		out[d.Rule]++
	}
	return out, nil
}

// opaDenials counts per rule the results `opa eval --format json` printed
// for policyQuery: one per finding, with area and name bound.
func opaDenials(stdout string) (map[string]int, error) {
	var doc struct {
		Result []struct {
			Bindings struct {
				Area string `json:"area"`
				Name string `json:"name"`
			} `json:"bindings"`
		} `json:"result"`
		Errors json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		return nil, fmt.Errorf("read the output of opa eval: %w", err)
	}
	if len(doc.Errors) > 0 {
		return nil, errors.New("opa eval reported errors: " + string(doc.Errors))
	}
	out := map[string]int{}
	for _, r := range doc.Result {
		out[r.Bindings.Area+"."+r.Bindings.Name]++
	}
	return out, nil
}

func total(counts map[string]int) int {
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

// perRule lists the rules with denials and their counts, for stderr.
func perRule(counts map[string]int) string {
	if len(counts) == 0 {
		return ""
	}
	var parts []string
	for _, rule := range sortedKeys(counts) {
		parts = append(parts, fmt.Sprintf("%s %d", rule, counts[rule]))
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// ruleDiff lists the rules whose counts differ.
func ruleDiff(ours, theirs map[string]int) string {
	all := map[string]int{}
	for r := range ours {
		all[r] = 0
	}
	for r := range theirs {
		all[r] = 0
	}
	var parts []string
	for _, rule := range sortedKeys(all) {
		if ours[rule] != theirs[rule] {
			parts = append(parts, fmt.Sprintf("%s %d/%d", rule, ours[rule], theirs[rule]))
		}
	}
	return strings.Join(parts, ", ")
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
