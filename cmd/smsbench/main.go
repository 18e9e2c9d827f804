// Command smsbench generates synthetic SMS repositories of a given size and
// compares smsctl with what a user would otherwise run on them.
//
// The generated repository has N change records and the people, roles,
// services, CIs, suppliers, agreements, audits and reviews they need: it
// passes the schema and every built-in policy as of 2026-11-23T10:00:00Z,
// the moment it is built around. smsbench runs smsctl with SMSCTL_NOW set
// to that moment.
//
// Each scenario is a subcommand:
//
//	smsbench validate --changes 5000 [--runs 3] [--workers W]
//
// generates the repository, then times `smsctl validate DIR` (schema,
// references and policies) against `cue vet ./...` (the schema) run in the
// repository. Progress and a table go to stderr; stdout ends with one
// machine-readable line:
//
//	RESULT scenario=validate n=5000 smsctl_s=1.234 ref_s=5.678 ratio=0.217 smsctl_rss_mb=45.6 ref_rss_mb=172.0
//
//	smsbench policy --changes 5000 [--runs 3]
//
// generates the repository, exports its policy input with `smsctl policy
// input --now 2026-11-23 > input.json`, then times `smsctl policy eval
// --input input.json -o json` against `opa eval -d policies -i input.json`
// with the same query, and fails if their numbers of denials differ. Its
// RESULT line ends with denials=D.
//
//	smsbench history --commits 50000 --files 20000 [--runs 1]
//
// writes a Git repository with `git fast-import`: F change record files,
// then N commits on main that each modify one to three of them, every 10th
// a merge of a pull request's branch. It times `smsctl audit log --paths
// '**' -o jsonl` against `git log --first-parent --name-status
// --no-renames`; runs default to 1, the first (cold) run. Its RESULT line
// has commits=N files=F in place of n=N.
//
// The smsctl, cue and opa binaries are built from the enclosing module (cue
// and opa are pinned as tools in go.mod) unless --smsctl, --cue or --opa
// name them.
//
//	smsbench sla --incidents 1000000 [--runs 3]
//
// generates N tickets over 2026 in memory (one in ten a request; pauses,
// priority changes, outages, some still open) against 12 agreements in
// business and 24x7 calendars, and times their measurement from the
// records' JSON to the year's JSON report, in a child process per run. Its
// RESULT line has smsctl_s and smsctl_rss_mb and no reference tool.
//
//	smsbench generate --dir DIR --changes 5000
//
// writes the same repository and measures nothing.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// scenario is one subcommand: a kind of repository and the commands compared
// on it.
type scenario struct {
	name    string
	summary string
	run     func(ctx context.Context, name string, args []string) error
}

// scenarios lists the subcommands. A new one (sla, history, ...) adds an
// entry and a run function built from common, newTools, prepareRepo,
// compare and printResult.
var scenarios = []scenario{
	{"validate", "time `smsctl validate` against `cue vet ./...` on N change records", runValidate},
	{"policy", "time `smsctl policy eval` against `opa eval` on the policy input of N change records", runPolicy},
	{"history", "time `smsctl audit log` against `git log --first-parent` on a Git history of N commits", runHistory},
	{"sla", "time the service level measurement of N generated incidents (no reference tool)", runSLA},
}

// commands are the subcommands that are not scenarios.
var commands = []scenario{
	{"generate", "write a generated repository (--changes N --dir DIR) and measure nothing", runGenerate},
}

// errUsage ends the program with exit code 2; the usage has been printed.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "smsbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		usage(os.Stderr)
		return errUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(os.Stdout)
		return nil
	}
	for _, s := range append(scenarios, commands...) {
		if s.name == args[0] {
			return s.run(ctx, s.name, args[1:])
		}
	}
	fmt.Fprintf(os.Stderr, "smsbench: unknown scenario or command %q\n\n", args[0])
	usage(os.Stderr)
	return errUsage
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Smsbench generates synthetic SMS repositories and compares smsctl with the
tool a user would otherwise run on them.

Usage:

	smsbench SCENARIO [flags]

Scenarios:

`)
	for _, s := range scenarios {
		fmt.Fprintf(w, "\t%-10s %s\n", s.name, s.summary)
	}
	fmt.Fprint(w, "\nOther commands:\n\n")
	for _, s := range commands {
		fmt.Fprintf(w, "\t%-10s %s\n", s.name, s.summary)
	}
	fmt.Fprint(w, `
Run "smsbench SCENARIO -h" for a scenario's flags. Progress goes to stderr;
stdout ends with one line "RESULT scenario=... n=... smsctl_s=... ref_s=...
ratio=... smsctl_rss_mb=... ref_rss_mb=..." (the policy scenario adds
denials=...; the history scenario has commits=... files=... for n=...).
`)
}

// common are the flags every scenario takes.
type common struct {
	dir    string
	keep   bool
	runs   int
	seed   uint64
	smsctl string
	cue    string
	opa    string
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.dir, "dir", "", "generate the repository in `DIR` (new or empty) and keep it, instead of a temporary directory")
	fs.BoolVar(&c.keep, "keep", false, "keep the temporary repository and print where it is")
	fs.IntVar(&c.runs, "runs", 3, "times each command is run; the best wall time and the peak RSS count")
	fs.Uint64Var(&c.seed, "seed", defaultSeed, "seed of the generated data")
	fs.StringVar(&c.smsctl, "smsctl", "", "smsctl binary `PATH` to use instead of building ./cmd/smsctl")
	fs.StringVar(&c.cue, "cue", "", "cue binary `PATH` to use instead of building cuelang.org/go/cmd/cue")
	fs.StringVar(&c.opa, "opa", "", "opa binary `PATH` to use instead of building github.com/open-policy-agent/opa")
}

// parse parses a scenario's flags, which take no arguments.
func parse(fs *flag.FlagSet, c *common, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "smsbench %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	if c.runs < 1 {
		fmt.Fprintf(fs.Output(), "smsbench %s: --runs must be at least 1\n", fs.Name())
		return errUsage
	}
	return nil
}

// newFlagSet makes a scenario's flag set with a usage that names it.
func newFlagSet(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: smsbench %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}
