package cli

import (
	"io"
	"os"
	"path/filepath"

	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/smsctl/smsctl/internal/gate"
	"github.com/smsctl/smsctl/internal/policy"
	"github.com/smsctl/smsctl/internal/records"
	"github.com/smsctl/smsctl/internal/render"
)

// parseNow reads --now: RFC 3339 or a date (midnight UTC); empty is the clock.
func parseNow(env *Env, s string) (time.Time, error) {
	if s == "" {
		return env.Now(), nil
	}
	return parseWhen("now", s, false)
}

// policyModules returns the built-in rule modules and, when policyFS is an
// SMS repository, its own policies/*.rego (size-checked before reading).
func policyModules(policyFS fs.FS) ([]policy.Module, error) {
	mods, err := policy.BuiltinModules()
	if err != nil {
		return nil, err
	}
	if policyFS == nil {
		return mods, nil
	}
	repoMods, err := policy.RepositoryModules(policyFS)
	if err != nil {
		return nil, err
	}
	return append(mods, repoMods...), nil
}

// loadEngine compiles the built-in rules and the repository's own from
// policyFS (the SMS repository, at the revision whose policies judge; nil
// for the built-in rules alone), with the default time limit per
// evaluation. A refused policy (policy.ErrRefused: a module outside its
// namespace, a denied built-in, too large, not compiling) exits 3.
func loadEngine(ctx context.Context, policyFS fs.FS) (*policy.Engine, error) {
	return loadEngineWith(ctx, policyFS, policy.LoadOptions{})
}

// loadEngineWith is loadEngine with options: the time limit that
// --policy-timeout sets.
func loadEngineWith(ctx context.Context, policyFS fs.FS, opts policy.LoadOptions) (*policy.Engine, error) {
	e, err := policy.Load(ctx, policyFS, opts)
	if err != nil {
		return nil, err
	}
	return e, nil
}

// policyTimeoutFlag adds --policy-timeout to a command that evaluates the
// rules; checkPolicyTimeout validates the value.
func policyTimeoutFlag(cmd *cobra.Command, d *time.Duration) {
	cmd.Flags().DurationVar(d, "policy-timeout", policy.DefaultTimeout, "stop the rules after `DURATION` (exit 3, naming the rule that was running)")
}

func checkPolicyTimeout(d time.Duration) error {
	if d <= 0 {
		return usageErrorf("--policy-timeout %s: give a positive duration such as 30s or 2m", d)
	}
	return nil
}

// engineHere compiles the rules that apply where the command runs: the
// built-in ones, and the repository's own inside an SMS repository.
func engineHere(ctx context.Context, env *Env, g *globals) (*policy.Engine, error) {
	fsys, err := repoFS(env, g)
	if err != nil {
		fsys = nil // outside an SMS repository: the built-in rules only
	}
	return loadEngine(ctx, fsys)
}

func newPolicyCmd(env *Env, g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "List, explain and test the Rego rules that judge the SMS",
		Long: `The policies are Rego rules: smsctl's built-in ISO/IEC 20000-1 library and the
repository's own in policies/*.rego. Each rule lives in its own package,
smsctl.rules.<area>.<name>, whose ID is <area>.<name>; a METADATA block above
the package gives its title, clause, severity, description and remediation,
and its "deny" set holds the findings.

A repository's own rules are untrusted code: each module's package is
smsctl.rules.org.<name> (rule ID org.<name>) and it may define nothing
outside it; built-ins that reach the network, the environment, the clock or
randomness are refused; ranges are bounded; and each evaluation stops at
--policy-timeout. A refused module exits 3 with its file and line.`,
		Example: `  smsctl policy list
  smsctl policy explain change.segregation
  smsctl policy test
  smsctl policy input --now 2026-11-23 > input.json   # for opa eval`,
	}
	cmd.AddCommand(newPolicyListCmd(env, g), newPolicyExplainCmd(env, g), newPolicyTestCmd(env, g), newPolicyInputCmd(env, g), newPolicyEvalCmd(env, g))
	return cmd
}

// repoFS opens the SMS repository the command runs in, for its own
// policies; outside an SMS repository (no sms.cue) it returns an error and
// the built-in rules stand alone.
func repoFS(env *Env, g *globals) (fs.FS, error) {
	dir := g.repoDir(env)
	fsys, _, err := openSMS(dir, dir, "")
	if err != nil {
		return nil, err
	}
	if _, err := fs.Stat(fsys, "sms.cue"); err != nil {
		return nil, records.ErrNotSMS
	}
	return fsys, nil
}

func newPolicyListCmd(env *Env, g *globals) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List the rules with their clause and severity",
		Example: "  smsctl policy list\n  smsctl policy list -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			e, err := engineHere(cmd.Context(), env, g)
			if err != nil {
				return err
			}
			rules := e.Rules()
			if output == "json" {
				return render.WriteJSONDoc(env.Stdout, render.SchemaPolicyList, map[string]any{"rules": rules})
			}
			for _, r := range rules {
				origin := "built-in"
				if !r.Builtin {
					origin = "repository: " + r.File
				}
				fmt.Fprintf(env.Stdout, "%-36s %-8s %-12s %s (%s)\n", r.ID, r.Severity, r.Clause, r.Title, origin)
			}
			return nil
		},
	}
	outputFlag(cmd, &output, "text", "json")
	return cmd
}

func newPolicyExplainCmd(env *Env, g *globals) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:     "explain RULE",
		Short:   "Print a rule's documentation",
		Example: "  smsctl policy explain change.backout_tested",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			e, err := engineHere(cmd.Context(), env, g)
			if err != nil {
				return err
			}
			r, ok := e.Rule(args[0])
			if !ok {
				var ids []string
				for _, r := range e.Rules() {
					if strings.HasPrefix(r.ID, strings.SplitN(args[0], ".", 2)[0]) {
						ids = append(ids, r.ID)
					}
				}
				hint := ""
				if len(ids) > 0 {
					hint = "; rules of that area: " + strings.Join(ids, ", ")
				}
				return usageErrorf("no rule %q%s (see `smsctl policy list`)", args[0], hint)
			}
			if output == "json" {
				return writeJSON(env, r)
			}
			fmt.Fprintf(env.Stdout, "%s: %s\n\nclause:      %s\nseverity:    %s\ndefined in:  %s\n\n%s\n\nremediation: %s\n",
				r.ID, r.Title, r.Clause, r.Severity, r.File, r.Description, r.Remediation)
			return nil
		},
	}
	outputFlag(cmd, &output, "text", "json")
	return cmd
}

func newPolicyTestCmd(env *Env, g *globals) *cobra.Command {
	var output string
	var verbose bool
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "test",
		Short: "Run the Rego unit tests of the built-in and repository policies",
		Long: `Test runs every test_* rule of the built-in policies and of policies/*_test.rego
in the repository with OPA's tester, each within --policy-timeout. It exits 1
when a test fails; what a test prints shows with -v and in -o json.`,
		Example: "  smsctl policy test\n  smsctl policy test -v\n  smsctl policy test -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkPolicyTimeout(timeout); err != nil {
				return err
			}
			fsys, err := repoFS(env, g)
			if err != nil {
				fsys = nil
			}
			mods, err := policyModules(fsys)
			if err != nil {
				return err
			}
			results, err := policy.Test(cmd.Context(), mods, timeout)
			if err != nil {
				return err
			}
			failed := 0
			for _, r := range results {
				if !r.Pass {
					failed++
				}
			}
			if output == "json" {
				if err := writeJSON(env, results); err != nil {
					return err
				}
			} else {
				for _, r := range results {
					if !r.Pass {
						fmt.Fprintf(env.Stdout, "FAIL %s:%d: %s.%s: %s\n", r.File, r.Line, strings.TrimPrefix(r.Package, "data."), r.Name, r.Error)
					} else if verbose {
						fmt.Fprintf(env.Stdout, "PASS %s:%d: %s.%s\n", r.File, r.Line, strings.TrimPrefix(r.Package, "data."), r.Name)
					}
					if verbose && r.Output != "" {
						for line := range strings.Lines(r.Output) {
							fmt.Fprintf(env.Stdout, "    %s", line)
						}
						if !strings.HasSuffix(r.Output, "\n") {
							fmt.Fprintln(env.Stdout)
						}
					}
				}
				fmt.Fprintf(env.Stdout, "%d passed, %d failed\n", len(results)-failed, failed)
			}
			if failed > 0 {
				return errFindings
			}
			if len(results) == 0 {
				return fmt.Errorf("no policy tests found")
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "list passing tests too, and what tests print")
	policyTimeoutFlag(cmd, &timeout)
	outputFlag(cmd, &output, "text", "json")
	return cmd
}

func newPolicyInputCmd(env *Env, g *globals) *cobra.Command {
	var now, rev, pr string
	var gf githubFlags
	cmd := &cobra.Command{
		Use:   "input",
		Short: "Print the policy input: the whole SMS as one JSON document",
		Long: `Input prints the document the rules judge, for writing rules and for running
them with other tools (opa eval -i, conftest): {"now", "today", "sms",
"records": {"<kind>": {"<id>": {...}}}, "rules": {...}, "measurements":
{"sla": {"<agreement>": [closed months]}}}. Records that fail the schema
are left out. measurements.sla is each agreement's attainment and
availability in every calendar month that ended before --now (see smsctl
report sla). With --pr N, the input has the pull request's
facts from GitHub too, as validate --pr gives them to the rules
("pull_request": number, author, last_pusher, head_sha, changes, reviews).`,
		Example: "  smsctl policy input --now 2026-11-23 > input.json\n  opa eval -d policies -i input.json 'data.smsctl.rules'\n\n  # with pull request 42's approvals\n  GITHUB_TOKEN=... smsctl policy input --pr 42 | smsctl policy eval --input -",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := parseNow(env, now)
			if err != nil {
				return err
			}
			repo, err := g.openRepo(g.repoDir(env))
			if err != nil {
				return err
			}
			snap, err := openSnapshot(cmd.Context(), repo, rev, "--rev")
			if err != nil {
				return err
			}
			e, err := snap.Engine(cmd.Context())
			if err != nil {
				return err
			}
			jo := policy.Options{Now: t}
			if pr != "" {
				// The input is only printed, so a fork's pull request may be
				// shown too.
				_, facts, err := pullRequestFacts(cmd.Context(), env, pr, &gf, repo, true)
				if err != nil {
					return err
				}
				jo.PullRequest, _ = gate.MapPeople(facts, snap.Records)
			}
			_, err = env.Stdout.Write(append(e.Document(snap.Records, jo), '\n'))
			return err
		},
	}
	cmd.Flags().StringVar(&now, "now", "", "the date rules take as today (RFC 3339 or YYYY-MM-DD; default: the clock)")
	cmd.Flags().StringVar(&rev, "rev", "", "read the records at Git revision `REV`")
	cmd.Flags().StringVar(&pr, "pr", "", "add GitHub pull request `N`'s facts (\"event\": the one GITHUB_EVENT_PATH names)")
	gf.add(cmd)
	return cmd
}

func writeJSON(env *Env, v any) error {
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func newPolicyEvalCmd(env *Env, g *globals) *cobra.Command {
	var input, output string
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "eval --input FILE",
		Short: "Evaluate the rules on a policy input document",
		Long: `Eval evaluates the built-in rules, and the repository's own when run in an SMS
repository, on an input document such as ` + "`smsctl policy input`" + ` prints, and
prints what each rule denies. It exits 1 when a rule denies anything, and 3
when a rule runs past --policy-timeout. Waivers are not applied: they belong
to validate.`,
		Example: `  smsctl policy input > input.json
  smsctl policy eval --input input.json -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if input == "" {
				return usageErrorf("give the input document: --input FILE, or --input - for standard input")
			}
			if err := checkPolicyTimeout(timeout); err != nil {
				return err
			}
			var data []byte
			var err error
			if input == "-" {
				data, err = io.ReadAll(env.Stdin)
			} else {
				p := input
				if !filepath.IsAbs(p) {
					p = filepath.Join(g.baseDir(env), p)
				}
				data, err = os.ReadFile(p)
			}
			if err != nil {
				return err
			}
			e, err := engineHere(cmd.Context(), env, g)
			if err != nil {
				return err
			}
			e.Timeout = timeout
			denials, err := e.EvalJSON(cmd.Context(), data)
			if err != nil {
				return fmt.Errorf("%s: %w", input, err)
			}
			if output == "json" {
				if denials == nil {
					denials = []policy.Denial{}
				}
				err = writeJSON(env, denials)
			} else {
				for _, d := range denials {
					fmt.Fprintf(env.Stdout, "%s/%s: %s [%s]\n", d.Kind, d.ID, d.Msg, d.Rule)
				}
				fmt.Fprintf(env.Stdout, "%d denied\n", len(denials))
			}
			if err != nil {
				return err
			}
			if len(denials) > 0 {
				return errFindings
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&input, "input", "i", "", "the input document (JSON), - for standard input")
	policyTimeoutFlag(cmd, &timeout)
	outputFlag(cmd, &output, "text", "json")
	return cmd
}
