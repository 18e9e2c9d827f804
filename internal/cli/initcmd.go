package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/smsctl/smsctl/internal/gitrepo"
	"github.com/smsctl/smsctl/internal/scaffold"
	"github.com/smsctl/smsctl/schema"
)

type initOptions struct {
	env        *Env
	dir        string
	display    string // DIR as the user wrote it
	example    string
	module     string
	org        string
	owner      string
	ownerName  string
	ownerEmail string
	timezone   string
	schemaOnly bool
	noGit      bool
	actionsRef string
}

func newInitCmd(env *Env, g *globals, runF func(*initOptions) error) *cobra.Command {
	opts := &initOptions{env: env}
	cmd := &cobra.Command{
		Use:   "init [--example NAME] DIR",
		Short: "Create an SMS repository: a new empty one, or a bundled example",
		Long: `Init creates an SMS repository in DIR, which must be new or empty: the CUE
module (so the plain cue CLI works there), schema.cue that binds every record
kind to its closed definition, sms.cue, a first role and person, and the CI
workflow (.github/workflows/sms.yml: the smsctl validate action on pull
requests, the attest action on pushes to main, both at the smsctl ref
--actions-ref, by default the release or commit this smsctl was built from,
see smsctl version). DIR becomes a Git repository unless --no-git is given.

With --example, DIR receives a complete example SMS instead, as a Git
repository whose history replays a year of work: changes raised on branches
and merged as pull requests, several authors, dated commits.

With --schema-only, init rewrites schema.cue in an existing SMS repository
with the schema this smsctl ships.`,
		Example: `  # a new SMS for your organisation
  smsctl init --organisation "Example Ltd" --owner jane-doe --owner-name "Jane Doe" sms

  # the acme example with a year of history
  smsctl init --example acme acme
  cd acme && git log --oneline | head

  # refresh schema.cue after upgrading smsctl
  smsctl init --schema-only .`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.dir, opts.display = args[0], args[0]
			if !filepath.IsAbs(opts.dir) {
				opts.dir = filepath.Join(g.baseDir(env), opts.dir)
			}
			if opts.example != "" && opts.schemaOnly {
				return usageErrorf("give --example or --schema-only, not both")
			}
			if runF != nil {
				return runF(opts)
			}
			return initRun(opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.example, "example", "", "create the bundled example `NAME` ("+joinNames(scaffold.ExampleNames())+")")
	f.StringVar(&opts.module, "module", "", "CUE module path (default sms.example/<name of DIR>)")
	f.StringVar(&opts.org, "organisation", "", "organisation that operates the SMS (default: the name of DIR)")
	f.StringVar(&opts.owner, "owner", "sms-owner", "ID of the first person, who approves the policy")
	f.StringVar(&opts.ownerName, "owner-name", "SMS owner", "name of the first person")
	f.StringVar(&opts.ownerEmail, "owner-email", "", "e-mail (and Git address) of the first person")
	f.StringVar(&opts.timezone, "timezone", "UTC", "IANA time zone of the business calendar")
	f.BoolVar(&opts.schemaOnly, "schema-only", false, "only rewrite schema.cue in an existing SMS repository")
	f.BoolVar(&opts.noGit, "no-git", false, "do not make DIR a Git repository")
	f.StringVar(&opts.actionsRef, "actions-ref", "", "the smsctl commit, tag or branch `REF` whose actions the workflow uses (default: the release or commit this smsctl was built from, else main)")
	_ = cmd.RegisterFlagCompletionFunc("example", cobra.FixedCompletions(scaffold.ExampleNames(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func joinNames(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}

func initRun(opts *initOptions) error {
	out := opts.env.Stdout
	if opts.schemaOnly {
		if _, err := os.Stat(filepath.Join(opts.dir, "sms.cue")); err != nil {
			return fmt.Errorf("%s: not an SMS repository (no sms.cue); --schema-only updates an existing one", opts.dir)
		}
		if err := scaffold.WriteFileAtomic(filepath.Join(opts.dir, "schema.cue"), schema.Source, true); err != nil {
			return err
		}
		fmt.Fprintf(out, "wrote %s\n", filepath.Join(opts.display, "schema.cue"))
		return nil
	}
	if err := scaffold.CheckTarget(opts.dir); err != nil {
		return err
	}
	if opts.example != "" {
		ex, err := scaffold.LookupExample(opts.example)
		if err != nil {
			return usageErrorf("%v", err)
		}
		if err := ex.AddWorkflow(actionsRef(opts)); err != nil {
			return usageErrorf("%v", err)
		}
		n, err := scaffold.CreateExample(opts.dir, ex)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "created the %s example in %s: %d files, %d commits\n", ex.Name, opts.display, ex.FileCount(), n)
		return nil
	}
	name := scaffold.Slug(filepath.Base(opts.dir))
	module := opts.module
	if module == "" {
		module = "sms.example/" + name
	}
	org := opts.org
	if org == "" {
		org = filepath.Base(opts.dir)
	}
	files, err := scaffold.EmptyFiles(scaffold.InitOptions{
		Module: module, Organisation: org, OwnerID: opts.owner, OwnerName: opts.ownerName,
		OwnerEmail: opts.ownerEmail, Today: opts.env.Now(), TimeZone: opts.timezone,
		ActionsRef: actionsRef(opts),
	})
	if err != nil {
		return usageErrorf("%v", err)
	}
	if err := scaffold.WriteFiles(opts.dir, files); err != nil {
		return err
	}
	if !opts.noGit {
		if err := gitrepo.Init(opts.dir); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "created an SMS repository in %s (%d files)\nnext: smsctl validate %s\n", opts.display, len(files), opts.display)
	return nil
}

// actionsRef is the ref the workflow's actions are pinned to: --actions-ref,
// else the release or commit this smsctl was built from, else main (with a
// note, since a branch moves).
func actionsRef(opts *initOptions) string {
	if opts.actionsRef != "" {
		return opts.actionsRef
	}
	if ref := buildVersion().ActionsRef(); ref != "" {
		return ref
	}
	fmt.Fprintln(opts.env.Stderr, "smsctl: this smsctl knows no release or commit of its own (a development build): the workflow uses the smsctl actions at main; pin them with --actions-ref COMMIT")
	return "main"
}
