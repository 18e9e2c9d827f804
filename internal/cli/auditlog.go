package cli

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/smsctl/smsctl/internal/audit"
	"github.com/smsctl/smsctl/internal/gitrepo"
	"github.com/smsctl/smsctl/internal/render"
	"github.com/smsctl/smsctl/internal/sigcheck"
)

// signatureVerifier reads --keyring and --allowed-signers; nil when
// neither is given.
func signatureVerifier(env *Env, g *globals, keyring, allowed string) (func(payload, signature string, when time.Time) gitrepo.SignatureCheck, error) {
	if keyring == "" && allowed == "" {
		return nil, nil
	}
	read := func(name string) ([]byte, error) {
		if name == "" {
			return nil, nil
		}
		path := name
		if !filepath.IsAbs(path) {
			path = filepath.Join(env.Dir, path)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		return data, nil
	}
	keys, err := read(keyring)
	if err != nil {
		return nil, err
	}
	signers, err := read(allowed)
	if err != nil {
		return nil, err
	}
	v, err := sigcheck.New(keyring, keys, allowed, signers)
	if err != nil {
		return nil, err
	}
	return func(payload, signature string, when time.Time) gitrepo.SignatureCheck {
		r := v.Verify(payload, signature, when)
		return gitrepo.SignatureCheck{Status: string(r.Status), Signer: r.Signer, Reason: r.Reason}
	}, nil
}

func newAuditLogCmd(env *Env, g *globals) *cobra.Command {
	var opts audit.Options
	var since, until, output string
	var noCache bool
	var keyring, allowedSigners string
	cmd := &cobra.Command{
		Use:   "log [ID]",
		Short: "Each record's trail: who changed which fields, when, through which pull request",
		Long: `Log lists, newest first, every commit on the first-parent line (or every commit
with --all-commits) that changed the selected records, with author,
committer, times, the pull request it came through and, for each record,
the fields that changed: a semantic diff of the record's value at the
parent and at the commit, not a text diff.

Signed commits show the kind of signature (gpg, ssh, x509). With
--keyring (OpenPGP public keys) or --allowed-signers (SSH keys, in the
format git's gpg.ssh.allowedSignersFile uses), each signature is also
verified, as git verify-commit does: verified (and by whom), bad (it does
not match the commit), unknown-key (no key given can check it) or
unchecked (a kind of signature neither file covers). A merge commit that smsctl
attest annotated (refs/notes/smsctl) also shows the pull request's
approvals, reviewers' roles and the gate's verdict; fetch the notes with
git fetch origin refs/notes/smsctl:refs/notes/smsctl.

Select with an ID (CHG-2026-0007, or kind/ID when an ID is used by several
kinds), --kind, or --paths with a glob (** crosses folders, {a,b} and [abc] as in a shell; it admits files
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
  smsctl audit log -o jsonl | jq 'select(.pr == null)'
  smsctl audit log --allowed-signers .github/allowed_signers --keyring keys.asc -o jsonl | jq 'select(.signature_status != "verified")'`,
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
			if opts.Verify, err = signatureVerifier(env, g, keyring, allowedSigners); err != nil {
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
			if aw.Attestations, err = attestations(env, repo, sub); err != nil {
				return err
			}
			entries := 0
			err = audit.Each(repo, opts, func(e audit.Entry) error {
				entries++
				return aw.Write(e)
			})
			endProgress(env, opts.Progress)
			if err != nil {
				out.Flush()
				if strings.Contains(err.Error(), "unknown kind") || strings.Contains(err.Error(), "path glob") {
					return usageErrorf("%v", err)
				}
				return err
			}
			if err := aw.Close(); err != nil {
				return err
			}
			if err := out.Flush(); err != nil {
				return err
			}
			if entries == 0 {
				fmt.Fprintln(env.Stderr, "smsctl: no commit in the history read changed what the selection names; check the ID, --kind, --paths and the dates")
			}
			return nil
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
	f.StringVar(&keyring, "keyring", "", "verify OpenPGP-signed commits against the public keys in `FILE` (gpg --export, armored or not)")
	f.StringVar(&allowedSigners, "allowed-signers", "", "verify SSH-signed commits against `FILE`, in ssh-keygen's allowed-signers format (as git's gpg.ssh.allowedSignersFile)")
	outputFlag(cmd, &output, render.AuditFormats...)
	return cmd
}
