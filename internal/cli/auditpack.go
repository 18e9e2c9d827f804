package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/smsctl/smsctl/internal/pack"
	"github.com/smsctl/smsctl/internal/render"
)

// packParams are what a pack was built from; data/params.json keeps them
// so that --verify rebuilds the same pack.
type packParams struct {
	Head       string `json:"head"`
	Now        string `json:"now"`
	Since      string `json:"since,omitempty"`
	Until      string `json:"until,omitempty"`
	Seed       string `json:"seed"`
	SampleSize int    `json:"sample_size"`
}

func newAuditPackCmd(env *Env, g *globals) *cobra.Command {
	var p packParams
	var rev, now, output string
	var check bool
	var gh githubFlags
	cmd := &cobra.Command{
		Use:   "pack [--since DATE] [--until DATE] DIR | --verify DIR",
		Short: "A self-contained evidence pack for an audit period: HTML, JSON, CSV and a SHA-256 manifest",
		Long: `Pack writes an evidence pack for the period into DIR (a new or empty folder):

  index.html        one page that opens offline, with nothing fetched from
                    elsewhere: navigation by clause; the readiness matrix;
                    audit verify's controls and findings; every change of
                    the period with its approvals and its trail (commits,
                    pull requests, approvals attested); the incidents; the
                    samples; the records
  sla.html          the service level report for the period
  data/*.json, *.csv  the same data (data/pack.json holds all of it)
  data/params.json  what the pack was built from: head commit, now,
                    period, seed
  MANIFEST.sha256   the SHA-256 of every other file (sha256sum -c reads it)

Records are read from --rev (default HEAD) in Git, not the work tree. The
pack holds no wall-clock time but --now (default SMSCTL_NOW, else the
clock), so the same repository and parameters give the same bytes.

pack --verify DIR checks every file against the manifest, then rebuilds
the pack from the repository with the parameters in data/params.json and
compares them file by file: it shows nothing was altered since the pack
was made. (New attestation notes or checkpoints since then change the
verify section and show as differences.)

Samples: --sample-size records per kind (change, incident, request) with
--seed, drawn as audit sample draws.

Exit codes: 0 written (or verified), 1 --verify found differences, 2 usage,
3 could not run (nothing written).`,
		Example: `  smsctl audit pack --since 2026-01-01 --until 2026-10-31 --seed stage2-2026 audit-2026
  sha256sum -c audit-2026/MANIFEST.sha256 --quiet --strict
  smsctl audit pack --verify audit-2026`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			if check {
				return packVerify(cmd.Context(), env, g, dir, &gh, output)
			}
			at, err := parseNow(env, now)
			if err != nil {
				return err
			}
			p.Now = at.UTC().Format(time.RFC3339)
			for _, w := range []struct{ flag, v string }{{"since", p.Since}, {"until", p.Until}} {
				if _, err := parseWhen(w.flag, w.v, false); err != nil {
					return err
				}
			}
			if p.SampleSize < 0 {
				return usageErrorf("--sample-size %d: give 0 or more", p.SampleSize)
			}
			a, err := openAudit(env, g, rev)
			if err != nil {
				return err
			}
			p.Head = a.head.Hash
			files, err := buildPack(cmd.Context(), env, g, a, p, &gh)
			if err != nil {
				return err
			}
			if err := pack.Write(dir, files); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "evidence pack for %s written to %s: %d files, index.html and MANIFEST.sha256\n", packPeriod(p), dir, len(files)+1)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&p.Since, "since", "", "the period's first `DATE` (RFC 3339 or YYYY-MM-DD)")
	f.StringVar(&p.Until, "until", "", "the period's last `DATE`")
	f.StringVar(&p.Seed, "seed", "smsctl", "the samples' seed `S`")
	f.IntVar(&p.SampleSize, "sample-size", 5, "`N` sampled changes, incidents and requests each")
	f.StringVar(&rev, "rev", "HEAD", "build from Git revision `REV`")
	f.StringVar(&now, "now", "", "the pack's moment (RFC 3339 or YYYY-MM-DD; default SMSCTL_NOW, else the clock)")
	f.BoolVar(&check, "verify", false, "check the pack in DIR against its manifest and a rebuild from the repository")
	gh.add(cmd)
	g.addPolicyTimeout(cmd)
	outputFlag(cmd, &output, "text", "json")
	return cmd
}

func packPeriod(p packParams) string {
	since, _ := parseWhen("since", p.Since, false)
	until, _ := parseWhen("until", p.Until, true)
	return render.VerifyPeriod(since, until)
}

// buildPack opens the repository once, runs audit verify for the period,
// and builds every file of the pack but the manifest.
func buildPack(ctx context.Context, env *Env, g *globals, a *auditRepo, p packParams, gh *githubFlags) (map[string][]byte, error) {
	now, err := time.Parse(time.RFC3339, p.Now)
	if err != nil {
		return nil, fmt.Errorf("params: now %q: %w", p.Now, err)
	}
	snap, err := a.repo.AtCommit(ctx, a.head)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", a.head.Hash[:12], err)
	}
	v, err := verifyOptions(env, g, p.Since, p.Until, a.head.Hash, gh)
	if err != nil {
		return nil, err
	}
	verify, err := runVerify(ctx, env, g, a, v)
	if err != nil {
		return nil, err
	}
	return pack.Build(pack.Input{
		Repo: a.repo, Head: a.head, Records: snap.Records, Notes: a.notes, Verify: verify,
		Now: now, Since: v.opts.Since, Until: v.opts.Until, Seed: p.Seed, SampleSize: p.SampleSize, Params: p,
	})
}

// packVerify checks a pack against its manifest and a rebuild.
func packVerify(ctx context.Context, env *Env, g *globals, dir string, gh *githubFlags, output string) error {
	files, err := pack.Read(dir)
	if err != nil {
		return err
	}
	problems := append([]pack.Problem{}, pack.CheckManifest(files)...)
	var p packParams
	rebuilt := false
	if err := json.Unmarshal(files["data/params.json"], &p); err != nil || p.Head == "" {
		problems = append(problems, pack.Problem{Path: "data/params.json", Message: "missing or unreadable: the pack cannot be rebuilt"})
	} else {
		a, err := openAudit(env, g, p.Head)
		if err != nil {
			return err
		}
		again, err := buildPack(ctx, env, g, a, p, gh)
		if err != nil {
			return err
		}
		rebuilt = true
		problems = append(problems, pack.Compare(files, again)...)
	}
	if output == "json" {
		if err := writeJSON(env, map[string]any{"dir": dir, "files": len(files), "head": p.Head, "rebuilt": rebuilt, "problems": problems}); err != nil {
			return err
		}
	} else {
		for _, pr := range problems {
			fmt.Fprintf(env.Stdout, "%s: %s\n", pr.Path, pr.Message)
		}
		if len(problems) == 0 {
			fmt.Fprintf(env.Stdout, "pack %s: %d files match MANIFEST.sha256 and a rebuild from commit %s\n", dir, len(files), p.Head[:12])
		} else {
			fmt.Fprintf(env.Stdout, "pack %s: %s\n", dir, plural(len(problems), "problem"))
		}
	}
	if len(problems) > 0 {
		return errFindings
	}
	return nil
}
