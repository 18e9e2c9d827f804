package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/smsctl/smsctl/internal/auditctl"
	"github.com/smsctl/smsctl/internal/render"
)

func newAuditReadinessCmd(env *Env, g *globals) *cobra.Command {
	var output, rev, now string
	var gh githubFlags
	cmd := &cobra.Command{
		Use:   "readiness",
		Short: "The readiness matrix: for each clause 4 to 10, the evidence found, its freshness and a status",
		Long: `Readiness reads the records at --rev (default HEAD) and, for each clause of
ISO/IEC 20000-1 that the SMS's record kinds evidence (4.3 and 4.4 scope,
5.2 policy, 5.3 roles, 6.1 and 6.2 risks and objectives, 7.5 documented
information, 8.2.4 to 8.7.3 the operational clauses, 9.1 to 9.4
performance evaluation, 10.1 and 10.2 improvement), says which records and
evidence were found, the latest date they carry and its age, and a status:

  met      the evidence is there and fresh (audits, reviews and continuity
           tests within the intervals sms.cue sets, 12 months by default;
           process records within the last 12 months)
  partial  some evidence, with the reason it falls short
  missing  no evidence: a gap, since the standard allows no exclusions

Clause 7.5 is judged by audit verify over the whole history (pull
requests, approvals, checkpoints).

Exit codes: 0 every clause met, 1 a clause partial or missing, 2 usage,
3 could not run.`,
		Example: `  smsctl audit readiness
  smsctl audit readiness --now 2026-11-23 -o markdown > readiness.md
  smsctl audit readiness -o json | jq '.clauses[] | select(.status != "met")'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			at, err := parseNow(env, now)
			if err != nil {
				return err
			}
			rep, err := readiness(cmd.Context(), env, g, rev, at, &gh)
			if err != nil {
				return err
			}
			if err := render.WriteReadiness(env.Stdout, output, rep); err != nil {
				return err
			}
			if !rep.Ready() {
				return errFindings
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&rev, "rev", "HEAD", "read the records of Git revision `REV`")
	f.StringVar(&now, "now", "", "judge freshness as of `DATE` (RFC 3339 or YYYY-MM-DD; default the clock)")
	gh.add(cmd)
	g.addPolicyTimeout(cmd)
	outputFlag(cmd, &output, render.ReadinessFormats...)
	return cmd
}

// readiness builds the matrix at rev, with audit verify of the history up
// to rev for clause 7.5.
func readiness(ctx context.Context, env *Env, g *globals, rev string, at time.Time, gh *githubFlags) (*auditctl.ReadinessReport, error) {
	a, err := openAudit(env, g, rev)
	if err != nil {
		return nil, err
	}
	snap, err := a.repo.AtCommit(ctx, a.head)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rev, err)
	}
	v, err := verifyOptions(env, g, "", "", a.head.Hash, gh)
	if err != nil {
		return nil, err
	}
	history, err := runVerify(ctx, env, g, a, v)
	if err != nil {
		return nil, err
	}
	return auditctl.Readiness(snap.Records, at, history), nil
}
