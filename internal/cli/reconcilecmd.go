package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/smsctl/smsctl/internal/attest"
	"github.com/smsctl/smsctl/internal/finding"
	"github.com/smsctl/smsctl/internal/gate"
	"github.com/smsctl/smsctl/internal/github"
	"github.com/smsctl/smsctl/internal/gitrepo"
	"github.com/smsctl/smsctl/internal/reconcile"
	"github.com/smsctl/smsctl/internal/records"
	"github.com/smsctl/smsctl/internal/render"
)

type reconcileOptions struct {
	list   bool
	apply  bool
	check  bool
	force  bool
	commit bool
	author string
	only   []string
	plan   string
	output string
	github githubFlags
}

func newReconcileCmd(env *Env, g *globals) *cobra.Command {
	opts := &reconcileOptions{}
	cmd := &cobra.Command{
		Use:   "reconcile [--apply [--commit] | --check] [--only NAME]",
		Short: "Bring records in line with their evidence: history, attestations, owners",
		Long: `Reconcile compares what the records say with what the evidence says and
plans the edits that bring them in line. Each reconciler is a named unit
(list them with --list):

  changes     fills a change's pull_request and merge_commit from the merge
              that carried it, appends the approvals that count from the
              smsctl attest evidence of the merges that edited it, and moves
              its status forward only: to approved when such approvals
              exist, to implemented (with actual.start and actual.end) when
              the pull request it names merged after it was approved.
  codeowners  writes .github/CODEOWNERS between smsctl's markers from the
              owners of services, agreements, suppliers and CIs and the
              holders of the roles that approve policies, waivers, changes,
              releases, problems and risks, so GitHub asks them to review.
  references  removes a retired or deleted record from the lists of current
              records that name it (when the list keeps an element) and
              reports every other such reference with its fix.
  sla-summaries
              writes each agreement's measured attainment of every calendar
              month that has ended (measured."YYYY-MM": tickets, met,
              breached, attainment, availability, below_target), as smsctl
              report sla measures it, and corrects a month whose tickets
              changed since.

Every edit of a record is judged with the policies first: an edit that
would give a record a new error finding (a closed record edited, a status
past what the approvals allow) is held back and shown, never written.

By default reconcile prints the plan and writes nothing. --check exits 1
when anything would change (drift detection in CI). --apply writes: each
file is edited in its CUE syntax, keeping every byte outside the edited
fields, written to a temporary file and renamed over the original, and
only if it still has the content the plan read; the work tree must be
clean (--force to skip that check). --commit then commits the written files
with go-git, the author taken from --author, else GIT_AUTHOR_NAME and
GIT_AUTHOR_EMAIL, else the Git configuration. -o json prints the plan as
JSON; --apply --plan FILE writes such a saved plan, refusing any file that
changed since the plan read it.

Exit codes: 0 nothing to do or written, 1 --check found drift, 2 usage,
3 could not run or a file changed on disk (nothing written).`,
		Example: `  # what would change, and why
  smsctl reconcile

  # in CI: fail when the records lag behind their evidence
  smsctl reconcile --check

  # write the edits and commit them
  smsctl reconcile --apply --commit --author "SMS Bot <sms-bot@example.com>"

  # one reconciler; a plan saved, reviewed, then applied
  smsctl reconcile --only codeowners
  smsctl reconcile --only sla-summaries --apply --commit
  smsctl reconcile -o json > plan.json && smsctl reconcile --apply --plan plan.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case opts.apply && opts.check:
				return usageErrorf("give --apply or --check, not both")
			case opts.commit && !opts.apply:
				return usageErrorf("--commit commits what --apply writes: give --apply too")
			case opts.plan != "" && !opts.apply:
				return usageErrorf("--plan FILE is applied with --apply")
			case opts.list && (opts.apply || opts.check):
				return usageErrorf("--list lists the reconcilers; it does not run them")
			}
			return reconcileRun(cmd.Context(), env, g, opts)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&opts.list, "list", false, "list the reconcilers, what they read and what they may change")
	f.BoolVar(&opts.apply, "apply", false, "write the planned edits")
	f.BoolVar(&opts.check, "check", false, "write nothing; exit 1 when anything would change")
	f.BoolVar(&opts.force, "force", false, "with --apply: write even when the work tree has uncommitted changes")
	f.BoolVar(&opts.commit, "commit", false, "with --apply: commit the written files")
	f.StringVar(&opts.author, "author", "", "the commit's author, `\"NAME <EMAIL>\"`")
	f.StringSliceVar(&opts.only, "only", nil, "run only the reconciler `NAME` (repeatable)")
	f.StringVar(&opts.plan, "plan", "", "with --apply: write the plan saved by -o json in `FILE`")
	opts.github.add(cmd)
	g.addPolicyTimeout(cmd)
	outputFlag(cmd, &opts.output, "text", "json")
	return cmd
}

func reconcileRun(ctx context.Context, env *Env, g *globals, opts *reconcileOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	rs, err := reconcile.Lookup(opts.only)
	if err != nil {
		return usageErrorf("%v", err)
	}
	if opts.list {
		if opts.output == "json" {
			return writeJSON(env, rs)
		}
		for _, r := range rs {
			fmt.Fprintf(env.Stdout, "%s\n  reads:      %s\n  may change: %s\n", r.Name, r.Reads, r.Changes)
		}
		return nil
	}
	dir := g.repoDir(env)
	smsRepo, err := g.openRepo(dir)
	if err != nil {
		return err
	}
	root, err := os.OpenRoot(smsRepo.Dir)
	if err != nil {
		return err
	}
	in := &reconcile.Input{Dir: dir, FS: root.FS(), Now: env.Now()}
	repo := smsRepo.Git
	if err := smsRepo.NeedGit(); err != nil && !errors.Is(err, gitrepo.ErrNoRepository) {
		return err
	}
	if repo != nil {
		in.Repo, in.Sub = repo, smsRepo.Sub
		if in.Attestations, err = attestations(env, repo, smsRepo.Sub); err != nil {
			return err
		}
	}

	var saved *reconcile.Plan
	if opts.plan != "" {
		data, err := readLimitedFile(opts.plan, 64<<20)
		if err != nil {
			return err
		}
		saved = &reconcile.Plan{}
		if err := json.Unmarshal(data, saved); err != nil {
			return fmt.Errorf("%s: not a plan of smsctl reconcile -o json: %w", opts.plan, err)
		}
		if rs, err = reconcile.Lookup(saved.Reconcilers); err != nil {
			return fmt.Errorf("%s: %w", opts.plan, err)
		}
	}
	// The plan is made now, and judged by the one judge: the records with
	// its edits against the records as they are, which also judge. A saved
	// plan is data: it is written only as far as this one agrees with it.
	current, err := smsRepo.WorkTree(ctx)
	if err != nil {
		return err
	}
	in.Records = current.Records
	in.Judge = func(ctx context.Context, head *records.Repository) ([]finding.Finding, error) {
		v, err := gate.Judge(ctx, gate.Case{Head: current.Derive(head), Base: current, Trusted: current, Now: in.Now})
		if err != nil {
			return nil, err
		}
		return v.Findings, nil
	}
	if repo != nil && githubToken(env) != "" {
		if in.PullRequest, err = forgeApprovals(env, dir, &opts.github, in.Records, in.Sub); err != nil {
			return err
		}
	}
	plan, err := reconcile.MakePlan(ctx, in, rs)
	if err != nil {
		return err
	}
	if saved != nil {
		if err := reconcile.CheckSaved(saved, plan); err != nil {
			return fmt.Errorf("%s: %w", opts.plan, err)
		}
		plan = saved
	}

	if !opts.apply {
		if opts.output == "json" {
			if err := writeJSON(env, plan); err != nil {
				return err
			}
		} else {
			render.WritePlan(env.Stdout, plan, func(file string) []byte {
				data, _ := readLimitedFile(filepath.Join(dir, filepath.FromSlash(file)), 16<<20)
				return data
			})
		}
		if opts.check && len(plan.Changes) > 0 {
			return errFindings
		}
		return nil
	}

	if !opts.force {
		if repo == nil {
			return fmt.Errorf("%s is not in a Git repository, so its edits could not be reviewed or undone; give --force to write anyway", dir)
		}
		dirty, err := repo.WorkTreeChanges(in.Sub)
		if err != nil {
			return err
		}
		if len(dirty) > 0 {
			return fmt.Errorf("the work tree has uncommitted changes (%s); commit or stash them first, or give --force", summarise(dirty))
		}
	}
	var who gitrepo.Signature
	if opts.commit {
		if repo == nil {
			return fmt.Errorf("%s is not in a Git repository: nothing to commit to", dir)
		}
		if who, err = commitAuthor(env, repo, opts.author); err != nil {
			return err
		}
	}
	written, err := reconcile.Apply(dir, plan)
	for _, f := range written {
		fmt.Fprintf(env.Stderr, "smsctl: wrote %s\n", f)
	}
	if err != nil {
		return err
	}
	if opts.output == "json" {
		if err := writeJSON(env, plan); err != nil {
			return err
		}
	} else {
		render.WritePlan(env.Stdout, plan, func(file string) []byte {
			data, _ := readLimitedFile(filepath.Join(dir, filepath.FromSlash(file)), 16<<20)
			return data
		})
	}
	if len(written) == 0 {
		fmt.Fprintln(env.Stdout, "nothing written")
		return nil
	}
	fmt.Fprintf(env.Stdout, "wrote %s\n", plural(len(written), "file"))
	if opts.commit {
		paths := make([]string, len(written))
		for i, f := range written {
			paths[i] = path.Join(in.Sub, f)
		}
		hash, err := repo.CommitPaths(paths, who, render.PlanCommitMessage(plan))
		if err != nil {
			return fmt.Errorf("the files are written but not committed: %w", err)
		}
		fmt.Fprintf(env.Stdout, "committed %s as %s <%s>\n", hash[:12], who.Name, who.Email)
	}
	return nil
}

// forgeApprovals asks GitHub for a merged pull request's reviews, as the
// evidence of a merge no attestation covers: the same reviews attest would
// record, with the people and roles of the records as they are.
func forgeApprovals(env *Env, dir string, gf *githubFlags, recs *records.Repository, sub string) (func(context.Context, int) (*attest.Attestation, error), error) {
	ghRepo, err := gf.githubRepo(env, dir)
	if err != nil {
		return nil, err
	}
	client, err := githubClient(env)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, number int) (*attest.Attestation, error) {
		pr, err := client.PullRequest(ctx, ghRepo, number)
		if errors.Is(err, github.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		if !pr.Merged {
			return nil, nil
		}
		facts, _ := github.Facts(pr, recs, sub)
		return attest.Build(ghRepo.String(), pr, facts, nil, 0, "", env.Now(), "smsctl reconcile"), nil
	}, nil
}

func summarise(paths []string) string {
	if len(paths) > 3 {
		return strings.Join(paths[:3], ", ") + fmt.Sprintf(" and %d more", len(paths)-3)
	}
	return strings.Join(paths, ", ")
}

// commitAuthor is --author, else GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL, else
// the Git configuration's user.
func commitAuthor(env *Env, repo *gitrepo.Repo, flag string) (gitrepo.Signature, error) {
	now := env.Now().UTC().Truncate(1e9)
	if flag != "" {
		a, err := mail.ParseAddress(flag)
		if err != nil || a.Name == "" {
			return gitrepo.Signature{}, usageErrorf("--author %q: give \"NAME <EMAIL>\"", flag)
		}
		return gitrepo.Signature{Name: a.Name, Email: a.Address, When: now}, nil
	}
	if n, e := env.getenv("GIT_AUTHOR_NAME"), env.getenv("GIT_AUTHOR_EMAIL"); n != "" && e != "" {
		return gitrepo.Signature{Name: n, Email: e, When: now}, nil
	}
	if n, e, ok := repo.ConfigAuthor(); ok {
		return gitrepo.Signature{Name: n, Email: e, When: now}, nil
	}
	return gitrepo.Signature{}, usageErrorf("--commit needs an author: give --author \"NAME <EMAIL>\" or set user.name and user.email in the Git configuration")
}

// readLimitedFile reads a file of at most limit bytes, refusing a larger
// one before reading it.
func readLimitedFile(name string, limit int64) ([]byte, error) {
	return gitrepo.ReadFile(os.DirFS(filepath.Dir(name)), filepath.Base(name), limit)
}
