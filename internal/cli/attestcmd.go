package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/smsctl/smsctl/internal/attest"
	"github.com/smsctl/smsctl/internal/gate"
	"github.com/smsctl/smsctl/internal/github"
	"github.com/smsctl/smsctl/internal/gitrepo"
	"github.com/smsctl/smsctl/internal/records"
	"github.com/smsctl/smsctl/internal/sms"
)

type attestOptions struct {
	env    *Env
	pr     string
	commit string
	push   bool
	remote string
	output string
	github githubFlags
}

func newAttestCmd(env *Env, g *globals, runF func(*attestOptions) error) *cobra.Command {
	opts := &attestOptions{env: env}
	cmd := &cobra.Command{
		Use:   "attest [--pr N | --commit REV]",
		Short: "Keep a merged pull request's approval evidence in Git, as a note on its merge commit",
		Long: `Attest runs after a pull request is merged. It reads the pull request from
GitHub (title, author, last pusher, head and merge commits, who merged it,
every review with its reviewer, state, time and the commit reviewed), maps
the reviewers to the SMS's people and roles as they stood at the merge
commit, judges the merge commit with the policies of its first parent (the
base the gate judged with) and the pull request's approvals, and writes all
of it, with the verdict and the digest of the policies, as a Git note on the
merge commit under refs/notes/smsctl. smsctl audit log shows these
approvals offline, long after GitHub's own retention has passed.

The pull request is --pr N, or the one whose merge commit is --commit REV
(default HEAD), found through GitHub. The merge commit must be in the
local clone. An existing note on the commit is replaced. With --push, the
notes are first fetched from --remote and then pushed back to it (over
HTTPS with the GitHub token).

The token is read from GITHUB_TOKEN or GH_TOKEN, the API from GITHUB_API_URL,
the repository from --github-repo, else GITHUB_REPOSITORY, else the origin
remote.

Exit codes: 0 evidence written and the gate passes, 1 evidence written but
the policies find errors at the merge commit (a merge the gate should have
stopped), 2 usage, 3 could not run (nothing written).`,
		Example: `  # on the main branch after a merge, as the attest action runs it
  GITHUB_TOKEN=... smsctl attest --push

  # a given pull request, without pushing
  smsctl attest --pr 42

  # read the evidence back
  git notes --ref=smsctl show HEAD
  smsctl audit log --since 2026-11-01`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.pr != "" && cmd.Flags().Changed("commit") {
				return usageErrorf("give --pr or --commit, not both")
			}
			if runF != nil {
				return runF(opts)
			}
			return attestRun(cmd.Context(), g, opts, g.repoDir(env))
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.pr, "pr", "", "the merged pull request `N` (default: the one whose merge commit is --commit)")
	f.StringVar(&opts.commit, "commit", "HEAD", "the merge commit `REV` whose pull request to attest")
	f.BoolVar(&opts.push, "push", false, "fetch refs/notes/smsctl from --remote first, and push it after writing")
	f.StringVar(&opts.remote, "remote", "origin", "the remote `NAME` --push uses")
	opts.github.add(cmd)
	g.addPolicyTimeout(cmd)
	outputFlag(cmd, &opts.output, "text", "json")
	return cmd
}

func attestRun(ctx context.Context, g *globals, opts *attestOptions, dir string) error {
	env := opts.env
	smsRepo, err := g.openRepo(dir)
	if err != nil {
		return err
	}
	if err := smsRepo.NeedGit(); err != nil {
		return err
	}
	repo := smsRepo.Git
	ghRepo, err := opts.github.githubRepo(env, dir)
	if err != nil {
		return err
	}
	client, err := githubClient(env)
	if err != nil {
		return err
	}
	var number int
	if opts.pr != "" {
		if number, _, err = prNumber(env, opts.pr); err != nil {
			return err
		}
	} else {
		c, err := repo.Resolve(opts.commit)
		if err != nil {
			return err
		}
		if number, err = client.MergedPullRequest(ctx, ghRepo, c.Hash); err != nil {
			return err
		}
	}
	pr, err := client.PullRequest(ctx, ghRepo, number)
	if err != nil {
		return err
	}
	if !pr.Merged || pr.MergeCommit == "" {
		return fmt.Errorf("pull request #%d is not merged: attest records the evidence of a merge", number)
	}
	merge, err := repo.Resolve(pr.MergeCommit)
	if err != nil {
		return fmt.Errorf("pull request #%d: its merge commit %s is not in this clone; fetch it first", number, pr.MergeCommit[:12])
	}
	// the token goes with a push only to this GitHub's own Git host, over https
	cred := gitrepo.Credentials{Token: githubToken(env), Host: client.GitHost()}
	a, err := attestation(ctx, env, smsRepo, merge, ghRepo, pr)
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("smsctl attest: pull request #%d, merge commit %s\n", pr.Number, pr.MergeCommit)
	pushed := ""
	// With --push: fetch, write, push; when another job pushed notes in
	// between, take the remote's notes, write again and push again.
	for attempt := 0; ; attempt++ {
		if opts.push {
			if err := repo.FetchNotes(opts.remote, gitrepo.NotesRef, cred, attempt > 0); err != nil {
				return err
			}
		}
		if _, err := repo.AddNote(gitrepo.NotesRef, merge.Hash, a.Marshal(), signatureNow(env), msg); err != nil {
			return err
		}
		if !opts.push {
			break
		}
		err := repo.PushNotes(opts.remote, gitrepo.NotesRef, cred)
		if err == nil {
			pushed = " and pushed to " + opts.remote
			break
		}
		if !errors.Is(err, gitrepo.ErrNotesMoved) || attempt == 2 {
			return fmt.Errorf("the note is written locally, but: %w", err)
		}
	}
	if opts.output == "json" {
		if err := writeJSON(env, a); err != nil {
			return err
		}
	} else {
		writeAttestation(env, a, pushed)
	}
	if a.Verdict.Result != "pass" {
		return errFindings
	}
	return nil
}

// attestation judges the merge commit with the policies, waivers,
// settings, people and roles of its first parent (the base the gate judged
// with) and the pull request's approvals, and builds the evidence.
func attestation(ctx context.Context, env *Env, repo *sms.Repo, merge *gitrepo.Commit, ghRepo github.Repo, pr *github.PullRequest) (*attest.Attestation, error) {
	facts, _ := github.Facts(pr, &records.Repository{}, repo.Sub)
	v, err := gate.JudgeMerge(ctx, repo, gate.Merge{Commit: merge, PullRequest: facts, Now: env.Now()})
	if err != nil {
		return nil, err
	}
	if len(v.UnknownLogins) > 0 {
		fmt.Fprintf(env.Stderr, "smsctl: pull request #%d: no person record has the GitHub login %s; their reviews do not count\n", pr.Number, strings.Join(v.UnknownLogins, ", "))
	}
	return attest.Build(ghRepo.String(), pr, v.PullRequest, v.Findings, len(v.Waived), v.Engine.Digest, env.Now(), "smsctl "+buildVersion().String()), nil
}

func writeAttestation(env *Env, a *attest.Attestation, pushed string) {
	p := a.PullRequest
	fmt.Fprintf(env.Stdout, "pull request #%d %q, merged by %s at %s\n", p.Number, p.Title, p.MergedBy, p.MergedAt.Format(time.RFC3339))
	fmt.Fprintf(env.Stdout, "  merge commit %s, head %s\n", p.MergeCommit, p.HeadSHA)
	if len(a.Changes) > 0 {
		fmt.Fprintf(env.Stdout, "  changes: %s\n", strings.Join(a.Changes, ", "))
	}
	approvals := a.Approvals()
	if len(approvals) == 0 {
		fmt.Fprintln(env.Stdout, "  no approval of the merged head commit")
	}
	for _, r := range approvals {
		fmt.Fprintf(env.Stdout, "  approved by %s\n", reviewerText(r))
	}
	fmt.Fprintf(env.Stdout, "  gate: %s (%s, %s, %d waived); policies %s\n", a.Verdict.Result,
		plural(a.Verdict.Errors, "error"), plural(a.Verdict.Warnings, "warning"), a.Verdict.Waived, a.PolicyDigest)
	for _, f := range a.Verdict.Findings {
		fmt.Fprintf(env.Stdout, "    %s %s: %s\n", f.Severity, f.Rule, f.Message)
	}
	fmt.Fprintf(env.Stdout, "evidence written to %s on %s%s\n", gitrepo.NotesRef, p.MergeCommit[:12], pushed)
}

// reviewerText is "person (login; role, role) at TIME".
func reviewerText(r attest.Review) string {
	who := r.Login
	if r.Person != "" {
		who = r.Person + " (" + r.Login
		if len(r.Roles) > 0 {
			who += "; " + strings.Join(r.Roles, ", ")
		}
		who += ")"
	}
	return who + " at " + r.SubmittedAt.Format(time.RFC3339)
}

// attestations reads the approval evidence `smsctl attest` kept in the
// repository's notes. A note that is not smsctl's evidence is skipped with
// a warning: notes are not the audit trail itself.
func attestations(env *Env, repo *gitrepo.Repo) (map[string]*attest.Attestation, error) {
	notes, err := repo.Notes(gitrepo.NotesRef)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*attest.Attestation, len(notes))
	for commit, data := range notes {
		a, err := attest.Parse(data)
		if err != nil {
			fmt.Fprintf(env.Stderr, "smsctl: warning: %s note on %s: %v\n", gitrepo.NotesRef, commit[:12], err)
			continue
		}
		out[commit] = a
	}
	return out, nil
}
