package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/smsctl/smsctl/internal/finding"
	gatepkg "github.com/smsctl/smsctl/internal/gate"
	"github.com/smsctl/smsctl/internal/policy"
	"github.com/smsctl/smsctl/internal/records"
	"github.com/smsctl/smsctl/internal/render"
	"github.com/smsctl/smsctl/internal/sms"
)

type validateOptions struct {
	env          *Env
	g            *globals
	dir          string // as the user named it, for display
	absDir       string
	rev          string
	output       string
	workers      int
	now          string
	policiesFrom string
	base         string
	noPolicies   bool
	failOnWarn   bool
	sarifWaived  bool
	// pull requests (pullrequest.go)
	pr       string
	github   githubFlags
	comment  bool
	checkRun bool
}

func newValidateCmd(env *Env, g *globals, runF func(*validateOptions) error) *cobra.Command {
	opts := &validateOptions{env: env, g: g}
	cmd := &cobra.Command{
		Use:   "validate [DIR]",
		Short: "Check every record against the schema and its references",
		Long: `Validate checks an SMS repository: every .cue file is parsed, every record is
checked against its closed schema definition, its file must be where its
kind and ID say, and every ID it names must exist. Every failing record is
reported, not just the first. Then the policies judge the whole SMS: the
built-in ISO/IEC 20000-1 rules and the repository's own policies/*.rego
(see smsctl policy list); waivers move the findings they cover aside.

DIR defaults to the repository of -C, or the working directory. With --rev,
the records are read from that Git revision's tree without a checkout. In a
pull request, --base BASE judges the transitions from the base and
--policies-from BASE judges with the base's policies and waivers, so the
pull request cannot weaken the gate that judges it.

With --pr N (or --pr event inside GitHub Actions), the pull request's
facts come from GitHub and the change rules judge the changes it adds or
edits by its real approvals: reviewers are mapped to people by the github
field of their records; the author's and the last pusher's approvals,
approvals of an older head commit and dismissed reviews do not count. The
token is read from GITHUB_TOKEN or GH_TOKEN, the API from GITHUB_API_URL
(GitHub Enterprise Server), the repository from --github-repo, else
GITHUB_REPOSITORY, else the origin remote. A pull request from a fork is
only judged with --policies-from (its base). --comment keeps one comment on
the pull request up to date with the markdown summary; --check-run adds a
check run with the findings as annotations.

Output: text (grouped by file), json, sarif, junit, github (workflow
annotations) or markdown (a pull-request comment).

Exit codes: 0 no errors (warnings allowed, unless --fail-on-warn), 1 errors
found, 2 usage, 3 could not run (not an SMS repository, unknown revision,
a policy that does not compile, ...).`,
		Example: `  # the CI gate on the current repository
  smsctl validate

  # another directory, as JSON
  smsctl validate examples/acme -o json

  # the records as they stood one commit ago, or at a tag
  smsctl validate --rev HEAD~1
  smsctl validate --rev audit-2026

  # the gate on a pull request, as the GitHub Action runs it
  smsctl validate --base origin/main --policies-from origin/main -o github

  # as of another day (time-based rules: reviews, audits, waivers)
  smsctl validate --now 2027-01-31

  # judge pull request 42's real approvals, and comment the verdict on it
  GITHUB_TOKEN=... smsctl validate --pr 42 --base origin/main --policies-from origin/main --comment`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.dir = g.chdir
			if len(args) == 1 {
				if g.chdir != "" && !filepath.IsAbs(args[0]) {
					opts.dir = filepath.Join(g.chdir, args[0])
				} else {
					opts.dir = args[0]
				}
			}
			if opts.dir == "" {
				opts.dir = "."
			}
			opts.absDir = opts.dir
			if !filepath.IsAbs(opts.absDir) {
				opts.absDir = filepath.Join(env.Dir, opts.dir)
			}
			// From a subfolder of the SMS, the SMS is judged, as from its
			// root.
			opts.absDir = sms.FindRoot(opts.absDir)
			if opts.workers < 0 {
				return usageErrorf("--workers %d: give 0 (one per CPU) or more", opts.workers)
			}
			if opts.pr == "" && (opts.comment || opts.checkRun) {
				return usageErrorf("--comment and --check-run report on a pull request: give --pr")
			}
			if opts.pr != "" && opts.noPolicies {
				return usageErrorf("--pr gives the policies a pull request to judge: it cannot go with --no-policies")
			}
			if runF != nil {
				return runF(opts)
			}
			return validateRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.rev, "rev", "", "validate the tree of Git revision `REV` (branch, tag, commit, HEAD~N) instead of the work tree")
	cmd.Flags().IntVar(&opts.workers, "workers", 0, "records validated in parallel (default: one per CPU)")
	cmd.Flags().StringVar(&opts.now, "now", "", "the date time-based rules take as today (RFC 3339 or YYYY-MM-DD; default: the clock)")
	cmd.Flags().StringVar(&opts.policiesFrom, "policies-from", "", "judge with the policies and waivers of Git revision `REV` (e.g. the pull request's base), so a change cannot weaken the gate that judges it")
	cmd.Flags().StringVar(&opts.base, "base", "", "judge the change from Git revision `REV` (e.g. the pull request's base): lifecycle transitions, edits of closed records, reused IDs")
	cmd.Flags().BoolVar(&opts.noPolicies, "no-policies", false, "check schema and references only")
	cmd.Flags().BoolVar(&opts.failOnWarn, "fail-on-warn", false, "exit 1 on warnings too")
	cmd.Flags().BoolVar(&opts.sarifWaived, "sarif-waived", false, "keep waived findings in -o sarif, as suppressed results (GitHub code scanning opens alerts for them too)")
	cmd.Flags().StringVar(&opts.pr, "pr", "", "judge the approvals of GitHub pull request `N` (\"event\": the one GITHUB_EVENT_PATH names)")
	cmd.Flags().BoolVar(&opts.comment, "comment", false, "create or update smsctl's comment on the pull request with the verdict (needs --pr)")
	cmd.Flags().BoolVar(&opts.checkRun, "check-run", false, "create a check run with the findings on the pull request's head commit (needs --pr)")
	opts.github.add(cmd)
	g.addPolicyTimeout(cmd)
	outputFlag(cmd, &opts.output, "text", "json", "sarif", "junit", "github", "markdown")
	return cmd
}

func validateRun(ctx context.Context, opts *validateOptions) error {
	// Validation holds the whole SMS in memory at once: collecting less
	// often trades some memory for time (about 15% at 20,000 records).
	// GOGC, when set, still decides.
	if opts.env.Getenv == nil || opts.env.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(800))
	}
	if info, err := os.Stat(opts.absDir); err != nil {
		return fmt.Errorf("%s: no such directory", opts.dir)
	} else if !info.IsDir() {
		return fmt.Errorf("%s: not a directory", opts.dir)
	}
	repo, err := opts.g.openRepo(opts.absDir)
	if err != nil {
		return err
	}
	repo.Workers = opts.workers
	// Compile the policies that judge while the records load.
	repo.CompileEarly = !opts.noPolicies && opts.policiesFrom == ""
	head, err := openSnapshot(ctx, repo, opts.rev, "--rev")
	if err != nil {
		if errors.Is(err, records.ErrNotSMS) {
			return fmt.Errorf("%s: %w", opts.dir, err)
		}
		return err
	}
	v := &render.Validation{
		Root: opts.dir, Revision: head.Hash(), Files: head.Records.Files, Records: len(head.Records.Records),
		Findings: head.Records.Findings,
		// formats (internal/render): paths from the Git repository's root,
		// SARIF's UTF-16 columns from the files' text, waived results in
		// SARIF only when asked
		RepoPrefix: filepath.ToSlash(repo.Sub), Source: render.SourceFS(head.FS), SARIFWaived: opts.sarifWaived,
	}
	var gate *pullRequestGate
	if !opts.noPolicies {
		if gate, err = judgeValidation(ctx, opts, repo, head, v); err != nil {
			return err
		}
	}
	errs, warns := finding.Count(v.Findings)
	v.Errors, v.Warnings = errs, warns
	v.Color = opts.output == "text" && colorTerminal(opts.env)
	if err := render.WriteValidation(opts.env.Stdout, opts.output, v); err != nil {
		return err
	}
	if err := writeStepSummary(opts, v); err != nil {
		return err
	}
	if gate != nil {
		if err := gate.report(ctx, opts, v); err != nil {
			return err
		}
	}
	if errs > 0 || (opts.failOnWarn && warns > 0) {
		return errFindings
	}
	return nil
}

// openSnapshot loads the SMS at rev, or in the work tree when rev is "".
func openSnapshot(ctx context.Context, repo *sms.Repo, rev, flag string) (*sms.Snapshot, error) {
	if rev == "" {
		return repo.WorkTree(ctx)
	}
	s, err := repo.At(ctx, rev)
	if err != nil && !errors.Is(err, records.ErrNotSMS) {
		return nil, fmt.Errorf("%s %s: %w", flag, rev, err)
	}
	return s, err
}

// judgeValidation runs the one judge on head: with --policies-from, the
// policies, waivers, settings, people and roles of that revision judge;
// with --base, the transitions from it; with --pr, the pull request's
// reviews, mapped to the trusted people.
func judgeValidation(ctx context.Context, opts *validateOptions, repo *sms.Repo, head *sms.Snapshot, v *render.Validation) (*pullRequestGate, error) {
	now, err := parseNow(opts.env, opts.now)
	if err != nil {
		return nil, err
	}
	// With --base, the pull request answers for what it introduces: the
	// base's own findings are listed apart and do not fail the gate.
	c := gatepkg.Case{Head: head, Now: now, SplitBase: opts.base != ""}
	if opts.policiesFrom != "" {
		if c.Trusted, err = openSnapshot(ctx, repo, opts.policiesFrom, "--policies-from"); err != nil {
			return nil, err
		}
	}
	if opts.base != "" {
		if c.Base, err = openSnapshot(ctx, repo, opts.base, "--base"); err != nil {
			return nil, err
		}
	}
	var g *pullRequestGate
	if opts.pr != "" {
		if g, c.PullRequest, err = fetchPullRequest(ctx, opts, repo); err != nil {
			return nil, err
		}
	}
	verdict, err := gatepkg.Judge(ctx, c)
	if err != nil {
		return nil, err
	}
	if len(verdict.UnknownLogins) > 0 {
		fmt.Fprintf(opts.env.Stderr, "smsctl: pull request #%d: no person record has the GitHub login %s; their reviews do not count (add github: \"LOGIN\" to their people record)\n",
			verdict.PullRequest.Number, strings.Join(verdict.UnknownLogins, ", "))
	}
	v.Findings = verdict.Findings
	v.BaseSplit = c.SplitBase
	v.Waived = verdict.Waived
	v.PolicyDigest = verdict.Engine.Digest
	v.Rules = ruleDocs(verdict.Engine)
	return g, nil
}

// ruleDocs documents the engine's rules for the renderers.
func ruleDocs(e *policy.Engine) map[string]render.RuleDoc {
	out := map[string]render.RuleDoc{}
	for _, r := range e.Rules() {
		out[r.ID] = render.RuleDoc{Title: r.Title, Clause: r.Clause, Severity: r.Severity, Description: r.Description, Remediation: r.Remediation}
	}
	return out
}

// colorTerminal reports whether text for env.Stdout may be in colour: it is
// a terminal (not merely a character device such as /dev/null), NO_COLOR
// (https://no-color.org) is not set and TERM is not dumb.
func colorTerminal(env *Env) bool {
	if env.getenv("NO_COLOR") != "" {
		return false
	}
	return isTerminal(env, env.Stdout)
}

// isTerminal reports whether w is a terminal that takes escape sequences.
func isTerminal(env *Env, w io.Writer) bool {
	if env.getenv("TERM") == "dumb" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// writeStepSummary appends the whole verdict, as markdown, to the job
// summary GitHub Actions names in GITHUB_STEP_SUMMARY, with -o github:
// the annotations show about ten of each kind, and a fork's pull request
// gets no comment.
func writeStepSummary(opts *validateOptions, v *render.Validation) error {
	p := opts.env.getenv("GITHUB_STEP_SUMMARY")
	if p == "" || opts.output != "github" {
		return nil
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("GITHUB_STEP_SUMMARY: %w", err)
	}
	if err := render.WriteStepSummary(f, v); err != nil {
		f.Close()
		return fmt.Errorf("GITHUB_STEP_SUMMARY: %w", err)
	}
	return f.Close()
}
