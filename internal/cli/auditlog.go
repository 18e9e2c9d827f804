package cli

import (
	"bufio"
	"fmt"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/smsctl/smsctl/internal/audit"
	"github.com/smsctl/smsctl/internal/render"
)

func newAuditLogCmd(env *Env, g *globals) *cobra.Command {
	var opts audit.Options
	var since, until, output string
	var noCache bool
	cmd := &cobra.Command{
		Use:   "log [ID]",
		Short: "Each record's trail: who changed which fields, when, through which pull request",
		Long: `Log lists, newest first, every commit on the first-parent line (or every commit
with --all-commits) that changed the selected records, with author,
committer, times, the pull request it came through and, for each record,
the fields that changed: a semantic diff of the record's value at the
parent and at the commit, not a text diff. A merge commit that smsctl
attest annotated (refs/notes/smsctl) also shows the pull request's
approvals, reviewers' roles and the gate's verdict; fetch the notes with
git fetch origin refs/notes/smsctl:refs/notes/smsctl.

Select with an ID (CHG-2026-0007, or kind/ID when an ID is used by several
kinds), --kind, or --paths with a glob (** crosses folders; it admits files
that are not records too). Default: every record.

What a run computes is kept in .git/smsctl/ (the first-parent line's
changes, keyed by commit hash, and the records' diffs, keyed by blob hash),
so the next run reads neither trees nor records again and new commits are
added incrementally. The caches are verified before use (checksums, and
each cached commit against its hash) and can be deleted at any time;
--no-cache neither reads nor writes them.`,
		Example: `  smsctl audit log CHG-2026-0007
  smsctl audit log --kind incident --since 2026-04-01 --until 2026-06-30
  smsctl audit log --paths 'agreements/**' -o markdown
  smsctl audit log -o jsonl | jq 'select(.pr == null)'`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.ID = args[0]
			}
			var err error
			if opts.Since, err = parseWhen("since", since, false); err != nil {
				return err
			}
			if opts.Until, err = parseWhen("until", until, true); err != nil {
				return err
			}
			repo, sub, err := openHistory(env, g)
			if err != nil {
				return err
			}
			opts.Sub = sub
			opts.Cache = !noCache
			var warned sync.Mutex
			opts.CacheError = func(err error) {
				warned.Lock()
				defer warned.Unlock()
				fmt.Fprintf(env.Stderr, "smsctl: warning: %v (the trail is computed without it; --no-cache stops this)\n", err)
			}
			opts.Progress = progress(env, "commits read")
			out := bufio.NewWriterSize(env.Stdout, 64<<10)
			aw, err := render.NewAuditWriter(out, output)
			if err != nil {
				return err
			}
			if aw.Attestations, err = attestations(env, repo); err != nil {
				return err
			}
			err = audit.Each(repo, opts, aw.Write)
			endProgress(env, opts.Progress)
			if err != nil {
				out.Flush()
				if strings.Contains(err.Error(), "unknown kind") || strings.Contains(err.Error(), "path glob") {
					return usageErrorf("%v", err)
				}
				return &exitError{code: ExitError, err: err}
			}
			if err := aw.Close(); err != nil {
				return err
			}
			return out.Flush()
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Kind, "kind", "", "every record of kind `K`")
	f.StringVar(&opts.Paths, "paths", "", "paths matching `GLOB` (** crosses folders)")
	f.StringVar(&since, "since", "", "commits made on or after `DATE` (RFC 3339 or YYYY-MM-DD)")
	f.StringVar(&until, "until", "", "commits made on or before `DATE`")
	f.StringVar(&opts.Rev, "rev", "", "start from Git revision `REV` (default HEAD)")
	f.BoolVar(&opts.AllCommits, "all-commits", false, "every reachable commit, not just the first-parent line")
	f.BoolVar(&noCache, "no-cache", false, "neither read nor write the history caches in .git/smsctl/")
	outputFlag(cmd, &output, render.AuditFormats...)
	return cmd
}
