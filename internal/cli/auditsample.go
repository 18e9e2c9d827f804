package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/smsctl/smsctl/internal/auditctl"
	"github.com/smsctl/smsctl/internal/render"
)

func newAuditSampleCmd(env *Env, g *globals) *cobra.Command {
	var since, until, output, rev string
	var opts auditctl.SampleOptions
	cmd := &cobra.Command{
		Use:   "sample --kind change|incident|request --size N --seed S",
		Short: "A reproducible (seeded) sample of changes, incidents or requests, each with its trail",
		Long: `Sample draws records for a Stage 2 or surveillance audit from the records at
--rev (default HEAD), and gives each with a summary of its audit trail:
the commits and pull requests that changed it, the approvals attested for
them and the fields that changed.

How the sample is drawn:
` + auditctl.SampleAlgorithm + `

To check a sample, anyone can recompute the keys, e.g.
  printf 'audit-2026\0CHG-2026-0012' | sha256sum

Exit codes: 0 drawn, 2 usage (unknown kind, bad size, unknown stratify
field), 3 could not run.`,
		Example: `  smsctl audit sample --kind change --size 10 --seed audit-2026
  smsctl audit sample --kind incident --size 3 --seed 42 --stratify priority --since 2026-01-01 --until 2026-06-30
  smsctl audit sample --kind request --size 5 --seed stage2 -o csv > requests.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Since, err = parseWhen("since", since, false); err != nil {
				return err
			}
			if opts.Until, err = parseWhen("until", until, true); err != nil {
				return err
			}
			if _, ok := auditctl.SampleKinds[opts.Kind]; !ok {
				return usageErrorf("--kind %q: give change, incident or request", opts.Kind)
			}
			if opts.Size <= 0 {
				return usageErrorf("--size %d: give 1 or more", opts.Size)
			}
			if !cmd.Flags().Changed("seed") {
				return usageErrorf("--seed is required: the same seed gives the same sample")
			}
			a, err := openAudit(env, g, rev)
			if err != nil {
				return err
			}
			snap, err := a.repo.AtCommit(cmd.Context(), a.head)
			if err != nil {
				return fmt.Errorf("%s: %w", rev, err)
			}
			rep, err := auditctl.Sample(snap.Records, opts)
			if err != nil {
				return usageErrorf("%v", err)
			}
			if len(rep.Records) > 0 {
				trails, err := auditctl.Trails(a.repo.Git, a.repo.Sub, a.head.Hash, opts.Kind)
				if err != nil {
					return err
				}
				rep.AddTrails(trails, a.notes)
			}
			return render.WriteSample(env.Stdout, output, rep)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Kind, "kind", "", "draw `K`: change, incident or request")
	f.IntVar(&opts.Size, "size", 0, "`N` records (per stratum with --stratify)")
	f.StringVar(&opts.Seed, "seed", "", "the seed `S` (any text; record it in the audit report)")
	f.StringVar(&opts.Stratify, "stratify", "", "draw N from each value of `FIELD` (priority, type, risk, service, ...)")
	f.StringVar(&since, "since", "", "records dated on or after `DATE` (raised, or opened)")
	f.StringVar(&until, "until", "", "records dated on or before `DATE`")
	f.StringVar(&rev, "rev", "HEAD", "draw from the records of Git revision `REV`")
	outputFlag(cmd, &output, render.SampleFormats...)
	return cmd
}
