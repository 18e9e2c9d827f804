package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/smsctl/smsctl/internal/gitrepo"
	"github.com/smsctl/smsctl/internal/records"
	"github.com/smsctl/smsctl/internal/scaffold"
)

type newOptions struct {
	env   *Env
	dir   string
	kind  string
	id    string
	title string
	as    string
	year  int
}

func newNewCmd(env *Env, g *globals, runF func(*newOptions) error) *cobra.Command {
	opts := &newOptions{env: env}
	cmd := &cobra.Command{
		Use:   "new KIND",
		Short: "Create a record from a template, with the next free ID",
		Long: `New writes a record of KIND to the file its kind and ID name, ready to edit:
every required field has a value of the right form (existing IDs where a
field names another record, the current time where it takes a time) and the
optional fields are listed in a comment with what each is for. Numbered kinds
get the next free ID (changes, incidents and requests count per year);
kinds named by slugs (service, agreement, supplier, role, person, ci) need
--id. It prints the path it wrote and never overwrites a file.

Kinds: ` + strings.Join(records.KindNames(), ", ") + `.`,
		Example: `  # the next change record, raised by you
  smsctl new change --as jane-doe --title "Renew the web TLS certificate"

  # a new service
  smsctl new service --id payroll --title "Payroll"`,
		Args: cobra.ExactArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return records.KindNames(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.kind = args[0]
			opts.dir = g.repoDir(env)
			if runF != nil {
				return runF(opts)
			}
			return newRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.id, "id", "", "the record's ID (required for kinds named by slugs)")
	cmd.Flags().StringVar(&opts.title, "title", "", "the record's title or name")
	cmd.Flags().StringVar(&opts.as, "as", "", "person `ID` to name as requester, owner or author")
	cmd.Flags().IntVar(&opts.year, "year", 0, "year of a yearly ID (default: the current year)")
	return cmd
}

func newRun(opts *newOptions) error {
	kind, ok := records.LookupKind(opts.kind)
	if !ok {
		return usageErrorf("unknown kind %q; the kinds are %s", opts.kind, strings.Join(records.KindNames(), ", "))
	}
	fsys, _, err := openSMS(opts.dir, opts.dir, "")
	if err != nil {
		return err
	}
	repo, err := records.Load(fsys, records.Options{})
	if err != nil {
		return fmt.Errorf("%s: %w", opts.dir, err)
	}
	now := opts.env.Now()
	id := opts.id
	switch {
	case id != "":
		if !kind.ValidID(id) {
			return usageErrorf("invalid %s ID %q: IDs take the form %s", kind.Name, id, kind.IDForm())
		}
	case kind.Prefix == "":
		return usageErrorf("a %s is named, not numbered: give its ID with --id (%s)", kind.Name, kind.IDForm())
	default:
		year := opts.year
		if year == 0 {
			year = now.Year()
		}
		taken, err := takenIDs(opts.dir, kind)
		if err != nil {
			return err
		}
		id = records.NextID(repo, kind, year, taken...)
	}
	if r := repo.Lookup(kind.Name, id); r != nil {
		return fmt.Errorf("%s %s already exists in %s", kind.Name, id, r.File)
	}
	if opts.as != "" && repo.Lookup("person", opts.as) == nil {
		return usageErrorf("--as %s: no such person (people/%s.cue)", opts.as, opts.as)
	}
	src, err := records.Template(kind, id, records.TemplateHints{
		Now: now, Title: opts.title,
		Pick: func(target string) string {
			if target == "person" && opts.as != "" {
				return opts.as
			}
			return records.FirstID(repo, target)
		},
	})
	if err != nil {
		return err
	}
	path := kind.PathFor(id)
	if err := scaffold.WriteFileAtomic(filepath.Join(opts.dir, filepath.FromSlash(path)), src, false); err != nil {
		return err
	}
	fmt.Fprintln(opts.env.Stdout, path)
	return nil
}

// takenIDs lists the IDs of a kind that any branch (local or
// remote-tracking) holds or any of their histories ever held, so that two
// branches do not take the same new ID and a deleted record's ID is not
// handed out again. Outside Git there are none.
func takenIDs(dir string, kind records.Kind) ([]string, error) {
	repo, err := gitrepo.Open(dir)
	if errors.Is(err, gitrepo.ErrNoRepository) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	sub, err := repo.RelPath(dir)
	if err != nil {
		return nil, err
	}
	if repo.Shallow() {
		return nil, fmt.Errorf("this is a shallow clone, so the IDs its history used cannot be known and a new ID could repeat one; %s", gitrepo.ShallowFix)
	}
	tips, err := repo.BranchTips()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range tips {
		ever, err := repo.PathsEver(c, sub)
		if err != nil {
			return nil, fmt.Errorf("read the history of %s: %w", c.Hash[:12], err)
		}
		for p := range ever {
			if k, id, ok := records.ParsePath(p); ok && k.Name == kind.Name {
				out = append(out, id)
			}
		}
	}
	return out, nil
}
