package cli

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/smsctl/smsctl/internal/attest"
	"github.com/smsctl/smsctl/internal/audit"
	"github.com/smsctl/smsctl/internal/gitrepo"
	"github.com/smsctl/smsctl/internal/sms"
)

// parseWhen reads a --since/--until/--at value: RFC 3339, or a date; a
// date as an upper bound means the end of that day (UTC).
func parseWhen(flag, s string, endOfDay bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		if endOfDay {
			t = t.Add(24*time.Hour - time.Nanosecond)
		}
		return t, nil
	}
	return time.Time{}, usageErrorf("--%s %q: give an RFC 3339 time or a YYYY-MM-DD date", flag, s)
}

// openHistory opens the Git repository of the SMS the command runs in and
// the SMS's folder inside it.
func openHistory(env *Env, g *globals) (*gitrepo.Repo, string, error) {
	dir := g.repoDir(env)
	repo, err := gitrepo.Open(dir)
	if err != nil {
		return nil, "", err
	}
	sub, err := repo.RelPath(dir)
	if err != nil {
		return nil, "", err
	}
	return repo, sub, nil
}

// auditRepo is what the audit commands read once and share: the SMS
// repository (whose snapshots and compiled policies are cached), the head
// commit and the evidence notes.
type auditRepo struct {
	repo  *sms.Repo
	head  *gitrepo.Commit
	notes map[string]*attest.Attestation
}

// openAudit opens the SMS repository the command runs in, which must be in
// Git, resolves rev (HEAD when "") and reads the attestation notes.
func openAudit(env *Env, g *globals, rev string) (*auditRepo, error) {
	repo, err := g.openRepo(g.repoDir(env))
	if err != nil {
		return nil, err
	}
	if err := repo.NeedGit(); err != nil {
		return nil, err
	}
	if rev == "" {
		rev = "HEAD"
	}
	c, err := repo.Git.Resolve(rev)
	if err != nil {
		return nil, err
	}
	notes, err := attestations(env, repo.Git, repo.Sub)
	if err != nil {
		return nil, err
	}
	return &auditRepo{repo: repo, head: c, notes: notes}, nil
}

func newAuditCmd(env *Env, g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Read the SMS's Git history for auditors",
		Example: `  smsctl audit log CHG-2026-0007
  smsctl audit log --kind change --since 2026-01-01 -o csv > changes.csv
  smsctl audit checkpoint && smsctl audit verify --since 2026-01-01`,
	}
	cmd.AddCommand(newAuditLogCmd(env, g), newAuditVerifyCmd(env, g), newAuditCheckpointCmd(env, g), newAuditSampleCmd(env, g), newAuditReadinessCmd(env, g), newAuditPackCmd(env, g))
	return cmd
}

func newShowCmd(env *Env, g *globals) *cobra.Command {
	var at, rev, output string
	cmd := &cobra.Command{
		Use:   "show ID [--at DATE|REV]",
		Short: "A record as it stood at a date or revision",
		Long: `Show prints a record's file as it stands, or as it stood at a Git revision or
on a date: --at takes either. For a date, the record is read from the last
commit of the first-parent line of --rev (default HEAD) made by then; a
date alone means the end of that day, UTC. ID is the record's ID, or
kind/ID when an ID is used by several kinds.`,
		Example: `  smsctl show CHG-2026-0007 --at 2026-03-01
  smsctl show service/managed-hosting --at HEAD~10 -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var t time.Time
			if at != "" {
				var err error
				if t, err = parseWhen("at", at, true); err != nil {
					// Not a date: a revision.
					t, rev = time.Time{}, at
				}
			}
			repo, sub, err := openHistory(env, g)
			if err != nil {
				return err
			}
			v, err := audit.Show(repo, args[0], rev, t, sub)
			if err != nil {
				return err
			}
			return writeVersion(env, output, v)
		},
	}
	cmd.Flags().StringVar(&at, "at", "", "as it stood on `DATE` (RFC 3339 or YYYY-MM-DD) or at a Git revision")
	cmd.Flags().StringVar(&rev, "rev", "HEAD", "the branch or revision whose history --at DATE reads")
	outputFlag(cmd, &output, "text", "json")
	return cmd
}

func writeVersion(env *Env, output string, v *audit.Version) error {
	if output == "json" {
		return writeJSON(env, v)
	}
	fmt.Fprintf(env.Stderr, "%s/%s at %s (%s): %s\n", v.Kind, v.ID, v.Commit[:12], v.CommitTime.UTC().Format(time.RFC3339), v.Path)
	_, err := fmt.Fprint(env.Stdout, v.Source)
	return err
}

// progress returns a counter that redraws one line on stderr at most five
// times a second, when stderr is a terminal; nil otherwise.
func progress(env *Env, what string) func(int) {
	f, ok := env.Stderr.(*os.File)
	if !ok || !isTerminal(env, f) {
		return nil
	}
	var last time.Time
	return func(n int) {
		if now := env.Now(); now.Sub(last) >= 200*time.Millisecond {
			last = now
			fmt.Fprintf(f, "\r%d %s", n, what)
		}
	}
}

// endProgress clears the progress line.
func endProgress(env *Env, p func(int)) {
	if p != nil {
		fmt.Fprint(env.Stderr, "\r\033[K")
	}
}
