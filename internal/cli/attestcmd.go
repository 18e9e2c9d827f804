package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
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
	env      *Env
	pr       string
	commit   string
	push     bool
	remote   string
	output   string
	key      string
	keyID    string
	offline  bool
	unsigned bool
	github   githubFlags
}

func newAttestCmd(env *Env, g *globals, runF func(*attestOptions) error) *cobra.Command {
	opts := &attestOptions{env: env}
	cmd := &cobra.Command{
		Use:   "attest [--pr N | --commit REV] (--key FILE | --key-id ID | --unsigned) [--offline]",
		Short: "Keep a merged pull request's approval evidence in Git, as a signed note on its merge commit",
		Long: `Attest runs after a pull request is merged. It reads the pull request from
GitHub (title, author, last pusher, head and merge commits, who merged it,
every review with its reviewer, state, time and the commit reviewed), maps
the reviewers to the SMS's people and roles as they stood at the merge's
first parent, judges the merge commit with the policies of its first parent
(the base the gate judged with) and the pull request's approvals, and
writes all of it, with the verdict and the digest of the policies, as a Git
note on the merge commit under refs/notes/smsctl. smsctl audit log, audit
verify and reconcile read these approvals offline, long after GitHub's own
retention has passed.

The note is signed: an SSH signature (OpenSSH's PROTOCOL.sshsig, namespace
smsctl-attestation@smsctl, as git signs with gpg.format=ssh) over the
attestation's exact bytes. The key is --key FILE, an OpenSSH private key
without a passphrase (the attest action writes it from a repository
secret), or a key of the running ssh-agent (SSH_AUTH_SOCK): --key-id names
it by SHA256: fingerprint, public key line or .pub file, and may be left
out when the agent holds one key the trusted sms.cue lists. Readers count the evidence
only when the key is among the attesters that sms.cue lists at the merge's
first parent (sms.attesters); --unsigned writes evidence they report as
unverified.

The pull request is --pr N, or the one whose merge commit is --commit REV
(default HEAD), found through GitHub. With --offline, GitHub is not asked:
the pull request is the one the merge commit's subject names (or --pr N),
and its reviews are the approvals recorded in the change records the merge
added or edited, by their approvers' GitHub logins; the note says "source":
"offline". The merge commit must be in the local clone, with its first
parent. An existing note on the commit is replaced. With --push, the notes
are first fetched from --remote and then pushed back to it (over HTTPS with
the GitHub token).

The token is read from GITHUB_TOKEN or GH_TOKEN, the API from GITHUB_API_URL,
the repository from --github-repo, else GITHUB_REPOSITORY, else the origin
remote.

Exit codes: 0 evidence written and the gate passes, 1 evidence written but
the policies find errors at the merge commit (a merge the gate should have
stopped), 2 usage, 3 could not run (nothing written).`,
		Example: `  # on the main branch after a merge, as the attest action runs it
  GITHUB_TOKEN=... smsctl attest --key "$RUNNER_TEMP/attester" --push

  # a given pull request, signed by a key in ssh-agent
  smsctl attest --pr 42 --key-id SHA256:GS4g...

  # without GitHub: from the merge and the change records it brought
  smsctl attest --offline --commit HEAD --key ~/.ssh/attester

  # read the evidence back
  git notes --ref=smsctl show HEAD
  smsctl audit log --since 2026-11-01`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.pr != "" && cmd.Flags().Changed("commit") && !opts.offline {
				return usageErrorf("give --pr or --commit, not both")
			}
			if opts.unsigned && (opts.key != "" || opts.keyID != "") {
				return usageErrorf("give --unsigned, or a key (--key, --key-id), not both")
			}
			if opts.key != "" && opts.keyID != "" {
				return usageErrorf("give --key FILE or --key-id ID (a key in ssh-agent), not both")
			}
			if opts.offline && opts.push {
				return usageErrorf("--offline attests without GitHub; push the notes with git push origin %s", gitrepo.NotesRef)
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
	f.StringVar(&opts.key, "key", "", "sign with the OpenSSH private key in `FILE` (no passphrase)")
	f.StringVar(&opts.keyID, "key-id", "", "sign with the ssh-agent key `ID`: a SHA256: fingerprint, a public key line or a .pub file")
	f.BoolVar(&opts.offline, "offline", false, "attest from the merge and its change records, without GitHub")
	f.BoolVar(&opts.unsigned, "unsigned", false, "write the evidence unsigned (readers report it as unverified)")
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
	// A key file is read first: a missing or unreadable key stops attest
	// before it asks GitHub anything.
	var signer attest.Signer
	if opts.key != "" {
		path := opts.key
		if !filepath.IsAbs(path) {
			path = filepath.Join(env.Dir, path)
		}
		data, err := readLimitedFile(path, 64<<10)
		if err != nil {
			return fmt.Errorf("--key: %w", err)
		}
		if signer, err = attest.KeySigner(opts.key, data); err != nil {
			return err
		}
	} else if !opts.unsigned && env.getenv("SSH_AUTH_SOCK") == "" {
		return usageErrorf("attest signs its evidence: give --key FILE (an OpenSSH private key), or run ssh-agent (SSH_AUTH_SOCK) and name its key with --key-id; --unsigned writes evidence that readers report as unverified")
	}

	var (
		merge *gitrepo.Commit
		a     *attest.Attestation
		cred  gitrepo.Credentials
	)
	if opts.offline {
		if merge, a, err = offlineAttestation(ctx, opts, smsRepo, dir); err != nil {
			return err
		}
	} else {
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
		if merge, err = repo.Resolve(pr.MergeCommit); err != nil {
			return fmt.Errorf("pull request #%d: its merge commit %s is not in this clone; fetch it first", number, pr.MergeCommit[:12])
		}
		// the token goes with a push only to this GitHub's own Git host, over https
		cred = gitrepo.Credentials{Token: githubToken(env), Host: client.GitHost()}
		if a, err = attestation(ctx, env, smsRepo, merge, ghRepo.String(), pr); err != nil {
			return err
		}
	}

	// The attesters a reader will trust: those of the merge's first parent.
	trusted := &attest.Trusted{}
	if merge.NumParents() > 0 {
		parent, err := repo.Resolve(merge.Hash + "^1")
		if err != nil {
			return &attest.NoParentError{Commit: merge.Hash}
		}
		if trusted, err = attest.NewResolver(repo, smsRepo.Sub).At(parent.Hash); err != nil {
			return err
		}
	}
	if signer == nil && !opts.unsigned {
		keyID := opts.keyID
		if keyID != "" && !strings.HasPrefix(keyID, "SHA256:") {
			// A public key file (.pub), as git's user.signingKey names one.
			path := keyID
			if !filepath.IsAbs(path) {
				path = filepath.Join(env.Dir, path)
			}
			if data, err := readLimitedFile(path, 64<<10); err == nil {
				keyID = string(data)
			}
		}
		s, closeAgent, err := attest.DialAgent(env.getenv("SSH_AUTH_SOCK"), keyID, trusted.Attesters)
		if err != nil {
			return err
		}
		defer closeAgent()
		signer = s
	}
	note, err := attest.Seal(a, signer)
	if err != nil {
		return err
	}
	// What a reader will find of the note, checked as audit verify checks it.
	n, err := attest.ParseNote(note)
	if err != nil {
		return err
	}
	check := n.Verify(trusted.Attesters, merge.When)
	if check.Status != attest.Verified {
		fmt.Fprintf(env.Stderr, "smsctl: warning: the evidence on %s is %s: audit verify and audit log will not count it; list the signing key in sms.attesters\n", merge.Hash[:12], check.Text())
	}

	msg := fmt.Sprintf("smsctl attest: pull request #%d, merge commit %s\n", a.PullRequest.Number, merge.Hash)
	pushed := ""
	// With --push: fetch, write, push; when another job pushed notes in
	// between, take the remote's notes, write again and push again.
	for attempt := 0; ; attempt++ {
		if opts.push {
			if err := repo.FetchNotes(opts.remote, gitrepo.NotesRef, cred, attempt > 0); err != nil {
				return err
			}
		}
		if _, err := repo.AddNote(gitrepo.NotesRef, merge.Hash, note, signatureNow(env), msg); err != nil {
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
		a.Check = check
		if err := writeJSON(env, a); err != nil {
			return err
		}
	} else {
		writeAttestation(env, a, check, pushed)
	}
	if a.Verdict.Result != "pass" {
		return errFindings
	}
	return nil
}

// offlineAttestation attests the merge --commit names without GitHub: the
// pull request its subject names (or --pr), whose reviews are the
// approvals the change records it added or edited hold, by their
// approvers' GitHub logins in the people of its first parent.
func offlineAttestation(ctx context.Context, opts *attestOptions, smsRepo *sms.Repo, dir string) (*gitrepo.Commit, *attest.Attestation, error) {
	env, repo := opts.env, smsRepo.Git
	merge, err := repo.Resolve(opts.commit)
	if err != nil {
		return nil, nil, err
	}
	hc, err := historyCommit(repo, merge.Hash)
	if err != nil {
		return nil, nil, err
	}
	number := hc.PR
	if opts.pr != "" {
		if number, _, err = prNumber(env, opts.pr); err != nil {
			return nil, nil, err
		}
	}
	if len(hc.Parents) == 0 {
		return nil, nil, fmt.Errorf("commit %s is the repository's first: no pull request merged it", merge.Hash[:12])
	}
	if number == 0 {
		return nil, nil, fmt.Errorf("commit %s names no pull request (its subject is %q): give the pull request it merged with --pr N", merge.Hash[:12], hc.Subject)
	}
	parent, err := repo.Resolve(merge.Hash + "^1")
	if err != nil {
		return nil, nil, &attest.NoParentError{Commit: merge.Hash}
	}
	trusted := &records.Repository{}
	if base, err := smsRepo.AtCommit(ctx, parent); err == nil {
		trusted = base.Records
	} else if !errors.Is(err, records.ErrNotSMS) {
		return nil, nil, err
	}
	head, err := smsRepo.AtCommit(ctx, merge)
	if err != nil {
		return nil, nil, err
	}
	headAuthor := hc.Author.Email
	if len(hc.Parents) == 2 {
		hd, err := historyCommit(repo, hc.Parents[1])
		if err != nil {
			return nil, nil, err
		}
		headAuthor = hd.Author.Email
	}
	pr, skipped := attest.Offline{Merge: hc, HeadAuthor: headAuthor, Number: number, Sub: smsRepo.Sub, Trusted: trusted, Head: head.Records}.PullRequest()
	for _, s := range skipped {
		fmt.Fprintf(env.Stderr, "smsctl: %s is not a review: %s\n", s, "an offline review needs the approver's GitHub login and the approval's time")
	}
	name := ""
	if r, err := opts.github.githubRepo(env, dir); err == nil {
		name = r.String()
	}
	a, err := attestation(ctx, env, smsRepo, merge, name, pr)
	if err != nil {
		return nil, nil, err
	}
	a.Source = attest.SourceOffline
	return merge, a, nil
}

// historyCommit is one commit as History reports it, with its changes
// against its first parent.
func historyCommit(repo *gitrepo.Repo, hash string) (*gitrepo.HistoryCommit, error) {
	var out *gitrepo.HistoryCommit
	err := repo.History(gitrepo.HistoryOptions{Rev: hash}, func(c *gitrepo.HistoryCommit) error {
		out = c
		return gitrepo.ErrStop
	})
	if err == nil && out == nil {
		err = fmt.Errorf("commit %s: not found", hash[:12])
	}
	return out, err
}

// attestation judges the merge commit with the policies, waivers,
// settings, people and roles of its first parent (the base the gate judged
// with) and the pull request's approvals, and builds the evidence.
func attestation(ctx context.Context, env *Env, repo *sms.Repo, merge *gitrepo.Commit, ghRepo string, pr *github.PullRequest) (*attest.Attestation, error) {
	facts, _ := github.Facts(pr, &records.Repository{}, repo.Sub)
	v, err := gate.JudgeMerge(ctx, repo, gate.Merge{Commit: merge, PullRequest: facts, Now: env.Now()})
	if err != nil {
		return nil, err
	}
	if len(v.UnknownLogins) > 0 {
		fmt.Fprintf(env.Stderr, "smsctl: pull request #%d: no person record has the GitHub login %s; their reviews do not count\n", pr.Number, strings.Join(v.UnknownLogins, ", "))
	}
	return attest.Build(ghRepo, pr, v.PullRequest, v.Findings, len(v.Waived), v.Engine.Digest, env.Now(), "smsctl "+buildVersion().String()), nil
}

func writeAttestation(env *Env, a *attest.Attestation, check *attest.Check, pushed string) {
	p := a.PullRequest
	by := p.MergedBy
	if by == "" {
		by = "(no GitHub login known)"
	}
	fmt.Fprintf(env.Stdout, "pull request #%d %q, merged by %s at %s\n", p.Number, p.Title, by, p.MergedAt.Format(time.RFC3339))
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
	if a.Source == attest.SourceOffline {
		fmt.Fprintln(env.Stdout, "  source: offline (the merge and its change records; GitHub was not asked)")
	}
	fmt.Fprintf(env.Stdout, "  evidence: %s\n", check.Text())
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
// repository's notes, each checked against the attesters and people of its
// merge's first parent (attest.Resolver): evidence that is not verified is
// kept, marked, and has no approvals. A note that is not smsctl's evidence
// is skipped with a warning: notes are not the audit trail itself.
func attestations(env *Env, repo *gitrepo.Repo, sub string) (map[string]*attest.Attestation, error) {
	return attest.ReadNotes(repo, sub, func(commit string, err error) {
		fmt.Fprintf(env.Stderr, "smsctl: warning: %s note on %s: %v\n", gitrepo.NotesRef, commit[:min(12, len(commit))], err)
	})
}
