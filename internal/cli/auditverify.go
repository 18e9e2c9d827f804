package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/smsctl/smsctl/internal/attest"
	"github.com/smsctl/smsctl/internal/auditctl"
	"github.com/smsctl/smsctl/internal/github"
	"github.com/smsctl/smsctl/internal/gitrepo"
	"github.com/smsctl/smsctl/internal/render"
)

func newAuditVerifyCmd(env *Env, g *globals) *cobra.Command {
	var since, until, output, rev string
	var keyring, allowedSigners string
	var gh githubFlags
	cmd := &cobra.Command{
		Use:   "verify [--since DATE] [--until DATE]",
		Short: "Check the controls on every main-line commit of a period: pull requests, approvals, segregation, signatures, no rewritten history",
		Long: `Verify walks the first-parent line of --rev (default HEAD) and checks, for
every commit of the period that changed records (record files, sms.cue or
policies/*.rego):

  verify.pull_request  it came through a pull request: a merge commit of two
                       parents ("Merge pull request #N from ...") or a squash
                       merge of one ("Title (#N)"), and evidence other than
                       the subject says so: a verified attestation, or, when
                       GITHUB_TOKEN (or GH_TOKEN) is set, GitHub confirming
                       the pull request and its merge commit; a subject
                       alone is an unverified direct change, and so is a
                       pull request number an earlier main-line commit
                       already carries; the repository's root commit, which
                       no pull request can precede, is exempt
  verify.evidence      the evidence counts and is about this commit: a note
                       smsctl attest keeps under refs/notes/smsctl counts
                       only when it is signed by a key that sms.cue lists in
                       sms.attesters at the merge's first parent; an
                       unsigned note, a bad signature or an unknown key is
                       unverified evidence, reported wherever it lies on the
                       main line, and its approvals count for nothing
  verify.approval      the approvals satisfied the policies in force then:
                       the records at the commit are judged with the
                       policies and waivers of its first parent and the
                       evidence's reviews (rules change.approval and
                       change.cab_approval); a gate that failed at merge
  verify.segregation   no approval by the change's requester or implementer
                       (change.segregation), nor by the pull request's author
  verify.signature     the commit is signed when sms.cue at its parent sets
                       change_management.require_signed_commits; with
                       --keyring or --allowed-signers the signatures are
                       verified as in audit log: a bad one is always a
                       finding, one not verified is where signing is required
  verify.history       every commit recorded by a checkpoint (smsctl audit
                       checkpoint, under refs/notes/smsctl-checkpoints) is
                       still on the main line at its place, and the
                       checkpoint's SHA-256 hash chain matches

Who a reviewer is, and in which roles, is read from the people records of
the merge's first parent, never from the note. Findings name the commit
(and pull request). Fetch the notes of a fresh clone with
  git fetch origin 'refs/notes/smsctl*:refs/notes/smsctl*'

Exit codes: 0 every control held, 1 findings, 2 usage, 3 could not run.`,
		Example: `  smsctl audit verify
  smsctl audit verify --since 2026-01-01 --until 2026-06-30 -o markdown > verify.md
  smsctl audit verify -o json | jq '.findings[] | select(.rule == "verify.history")'
  smsctl audit verify --allowed-signers .github/allowed_signers`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := verifyOptions(env, g, since, until, rev, &gh)
			if err != nil {
				return err
			}
			if opts.opts.VerifySignature, err = signatureVerifier(env, g, keyring, allowedSigners); err != nil {
				return err
			}
			a, err := openAudit(env, g, rev)
			if err != nil {
				return err
			}
			rep, err := runVerify(cmd.Context(), env, g, a, opts)
			if err != nil {
				return err
			}
			if err := render.WriteVerify(env.Stdout, output, rep); err != nil {
				return err
			}
			if len(rep.Findings) > 0 {
				return errFindings
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&since, "since", "", "commits made on or after `DATE` (RFC 3339 or YYYY-MM-DD)")
	f.StringVar(&until, "until", "", "commits made on or before `DATE`")
	f.StringVar(&rev, "rev", "", "the main line's head `REV` (default HEAD)")
	f.StringVar(&keyring, "keyring", "", "verify OpenPGP-signed commits against the public keys in `FILE`")
	f.StringVar(&allowedSigners, "allowed-signers", "", "verify SSH-signed commits against `FILE` (ssh-keygen's allowed-signers format)")
	gh.add(cmd)
	g.addPolicyTimeout(cmd)
	outputFlag(cmd, &output, render.VerifyFormats...)
	return cmd
}

type verifyRun struct {
	opts auditctl.VerifyOptions
	gh   *githubFlags
}

func verifyOptions(env *Env, g *globals, since, until, rev string, gh *githubFlags) (*verifyRun, error) {
	v := &verifyRun{gh: gh}
	var err error
	if v.opts.Since, err = parseWhen("since", since, false); err != nil {
		return nil, err
	}
	if v.opts.Until, err = parseWhen("until", until, true); err != nil {
		return nil, err
	}
	v.opts.Rev = rev
	return v, nil
}

// runVerify opens the repository, reads the evidence and checkpoints, and
// verifies.
func runVerify(ctx context.Context, env *Env, g *globals, a *auditRepo, v *verifyRun) (*auditctl.VerifyReport, error) {
	smsRepo, repo, notes := a.repo, a.repo.Git, a.notes
	opts := v.opts
	opts.Sub = smsRepo.Sub
	cps, bad, err := auditctl.Checkpoints(repo)
	if err != nil {
		return nil, err
	}
	opts.Checkpoints = cps
	var client *github.Client
	var ghRepo github.Repo
	if githubToken(env) != "" {
		if client, err = githubClient(env); err != nil {
			return nil, err
		}
		if ghRepo, err = v.gh.githubRepo(env, g.repoDir(env)); err != nil {
			return nil, err
		}
	}
	opts.Notes = notes
	if client != nil {
		opts.Online = func(c *gitrepo.HistoryCommit) (*attest.Attestation, error) {
			pr, err := client.PullRequest(ctx, ghRepo, c.PR)
			if errors.Is(err, github.ErrNotFound) {
				return nil, nil
			}
			if err != nil {
				return nil, err
			}
			if !pr.Merged || pr.MergeCommit != c.Hash {
				return nil, nil // GitHub does not confirm this commit as the pull request's merge
			}
			merge, err := repo.Resolve(c.Hash)
			if err != nil {
				return nil, err
			}
			a, err := attestation(ctx, env, smsRepo, merge, ghRepo.String(), pr)
			if err != nil {
				return nil, err
			}
			a.Check = &attest.Check{Status: attest.GitHub}
			return a, nil
		}
	}
	opts.Judge = func(c *gitrepo.HistoryCommit, a *attest.Attestation) ([]auditctl.JudgeFinding, error) {
		return auditctl.JudgeMerge(ctx, smsRepo, c, a)
	}
	rep, err := auditctl.Verify(repo, opts)
	if err != nil {
		return nil, err
	}
	for _, b := range bad {
		rep.Findings = append(rep.Findings, auditctl.Finding{Rule: auditctl.RuleHistory, Severity: "error", Message: b.Error()})
	}
	return rep, nil
}

func newAuditCheckpointCmd(env *Env, g *globals) *cobra.Command {
	var output, rev string
	cmd := &cobra.Command{
		Use:   "checkpoint",
		Short: "Record the main line's head and a SHA-256 hash chain of its commits, for audit verify",
		Long: `Checkpoint records the first-parent line of --rev (default HEAD) as it stands:
its head, the number of commits, every commit hash from the root to the
head, and a SHA-256 hash chain over them (c0 = SHA-256("smsctl-checkpoint"
NUL h0), ci = SHA-256(c(i-1) hi), hi the 40-character hex hash), as a JSON
Git note on the head under refs/notes/smsctl-checkpoints. smsctl audit
verify then reports any checkpointed commit that is no longer on the main
line (a rewritten or removed commit, a force push) and names it.

Keep the checkpoint where the main branch's writers cannot rewrite it too:
push the notes ref to a protected remote, or write the printed chain into
the audit report. Exit codes: 0 recorded, 2 usage, 3 could not run.`,
		Example: `  smsctl audit checkpoint
  git push origin refs/notes/smsctl-checkpoints
  smsctl audit verify`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			repo, _, err := openHistory(env, g)
			if err != nil {
				return err
			}
			line, err := auditctl.MainLine(repo, rev)
			if err != nil {
				return err
			}
			cp, err := auditctl.NewCheckpoint(line, env.Now())
			if err != nil {
				return err
			}
			msg := fmt.Sprintf("smsctl audit checkpoint: %s, %d commits\n", cp.Head, cp.Count)
			if _, err := repo.AddNote(auditctl.CheckpointRef, cp.Head, cp.Marshal(), signatureNow(env), msg); err != nil {
				return err
			}
			if output == "json" {
				return writeJSON(env, cp)
			}
			fmt.Fprintf(env.Stdout, "checkpoint of %s: head %s, %d commits, chain sha256:%s\n", cp.At.Format(time.RFC3339), cp.Head, cp.Count, cp.Chain)
			fmt.Fprintf(env.Stdout, "written to %s on %s\n", auditctl.CheckpointRef, cp.Head[:12])
			return nil
		},
	}
	cmd.Flags().StringVar(&rev, "rev", "", "the main line's head `REV` (default HEAD)")
	outputFlag(cmd, &output, "text", "json")
	return cmd
}
