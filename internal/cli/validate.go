package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/smsctl/smsctl/internal/finding"
	"github.com/smsctl/smsctl/internal/gitrepo"
	"github.com/smsctl/smsctl/internal/records"
	"github.com/smsctl/smsctl/internal/render"
)

type validateOptions struct {
	env     *Env
	dir     string // as the user named it, for display
	absDir  string
	rev     string
	output  string
	workers int
}

func newValidateCmd(env *Env, g *globals, runF func(*validateOptions) error) *cobra.Command {
	opts := &validateOptions{env: env}
	cmd := &cobra.Command{
		Use:   "validate [DIR]",
		Short: "Check every record against the schema and its references",
		Long: `Validate checks an SMS repository: every .cue file is parsed, every record is
checked against its closed schema definition, its file must be where its
kind and ID say, and every ID it names must exist. Every failing record is
reported, not just the first.

DIR defaults to the repository of -C, or the working directory. With --rev,
the records are read from that Git revision's tree without a checkout.

Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 usage,
3 could not run (not an SMS repository, unknown revision, ...).`,
		Example: `  # the CI gate on the current repository
  smsctl validate

  # another directory, as JSON
  smsctl validate examples/acme -o json

  # the records as they stood one commit ago, or at a tag
  smsctl validate --rev HEAD~1
  smsctl validate --rev audit-2026`,
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
			if runF != nil {
				return runF(opts)
			}
			return validateRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.rev, "rev", "", "validate the tree of Git revision `REV` (branch, tag, commit, HEAD~N) instead of the work tree")
	cmd.Flags().IntVar(&opts.workers, "workers", 0, "records validated in parallel (default: one per CPU)")
	outputFlag(cmd, &opts.output, "text", "json")
	return cmd
}

func validateRun(opts *validateOptions) error {
	fsys, revision, err := openSMS(opts.absDir, opts.dir, opts.rev)
	if err != nil {
		return err
	}
	repo, err := records.Load(fsys, records.Options{Workers: opts.workers})
	if err != nil {
		if errors.Is(err, records.ErrNotSMS) {
			return &exitError{code: ExitError, err: fmt.Errorf("%s: %w", opts.dir, err)}
		}
		return err
	}
	errs, warns := finding.Count(repo.Findings)
	v := &render.Validation{
		Root: opts.dir, Revision: revision, Files: repo.Files, Records: len(repo.Records),
		Errors: errs, Warnings: warns, Findings: repo.Findings,
	}
	if err := render.WriteValidation(opts.env.Stdout, opts.output, v); err != nil {
		return err
	}
	if errs > 0 {
		return errFindings
	}
	return nil
}

// openSMS opens the SMS repository at dir: its work tree, or with rev the
// tree of that Git revision. It returns the file system and the commit hash
// (empty for the work tree).
func openSMS(absDir, dir, rev string) (fs.FS, string, error) {
	info, err := os.Stat(absDir)
	if err != nil {
		return nil, "", &exitError{code: ExitError, err: fmt.Errorf("%s: no such directory", dir)}
	}
	if !info.IsDir() {
		return nil, "", &exitError{code: ExitError, err: fmt.Errorf("%s: not a directory", dir)}
	}
	if rev == "" {
		root, err := os.OpenRoot(absDir)
		if err != nil {
			return nil, "", &exitError{code: ExitError, err: err}
		}
		return root.FS(), "", nil
	}
	repo, err := gitrepo.Open(absDir)
	if err != nil {
		return nil, "", &exitError{code: ExitError, err: err}
	}
	c, err := repo.Resolve(rev)
	if err != nil {
		return nil, "", &exitError{code: ExitError, err: err}
	}
	sub, err := repo.RelPath(absDir)
	if err != nil {
		return nil, "", &exitError{code: ExitError, err: err}
	}
	fsys, err := repo.FS(c, sub)
	if err != nil {
		return nil, "", &exitError{code: ExitError, err: err}
	}
	return fsys, c.Hash, nil
}
