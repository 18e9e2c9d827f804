package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// smsctlEnv is the environment smsbench adds when it runs smsctl: the clock
// stopped at the moment the generated data is built around, so that the
// time-based policies judge it as of then.
var smsctlEnv = []string{"SMSCTL_NOW=" + genNowText}

// runValidate is the validate scenario: a repository of N change records,
// `smsctl validate DIR` (schema, references and the built-in policies)
// against `cue vet ./...` (the schema only).
func runValidate(ctx context.Context, name string, args []string) error {
	var c common
	var changes, workers int
	fs := newFlagSet(name, "--changes N [flags]")
	fs.IntVar(&changes, "changes", 1000, "number of change records to generate")
	fs.IntVar(&workers, "workers", 0, "pass --workers `W` to smsctl validate (default: smsctl's own default)")
	c.register(fs)
	if err := parse(fs, &c, args); err != nil {
		return err
	}
	if changes < 0 {
		fmt.Fprintln(os.Stderr, "smsbench validate: --changes must not be negative")
		return errUsage
	}

	t := newTools(c)
	defer t.cleanup()
	if err := t.build(ctx, true, true, false); err != nil {
		return err
	}

	dir, cleanup, err := prepareRepo(ctx, c, "--changes", strconv.Itoa(changes))
	if err != nil {
		return err
	}
	defer cleanup()

	smsArgs := []string{"validate"}
	if workers > 0 {
		smsArgs = append(smsArgs, "--workers", strconv.Itoa(workers))
	}
	smsArgs = append(smsArgs, dir)
	stats, err := compare(ctx, c.runs,
		command{label: "smsctl", path: t.smsctl, args: smsArgs, env: smsctlEnv},
		command{label: "cue vet", path: t.cue, args: []string{"vet", "./..."}, dir: dir},
	)
	if err != nil {
		if !c.keep && c.dir == "" {
			err = fmt.Errorf("%w(run again with --keep or --dir to look at the repository)", err)
		}
		return err
	}
	if last := lastLine(stats[0].stdout); last != "" {
		fmt.Fprintf(os.Stderr, "smsctl said: %s\n", last)
	}
	printResult(name, changes, stats[0], stats[1])
	return nil
}

// prepareRepo makes the directory of the generated repository and fills it
// by running `smsbench generate` with genArgs. Generating in a process of
// its own keeps this one small: Linux counts the pages a child shares with
// its parent up to exec in the child's peak RSS, so a parent that had grown
// while generating would inflate every measurement. The cleanup removes a
// temporary directory unless --keep; a --dir is always kept.
func prepareRepo(ctx context.Context, c common, genArgs ...string) (string, func(), error) {
	dir := c.dir
	keep := c.keep || c.dir != ""
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "smsbench-repo-"); err != nil {
			return "", nil, err
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", nil, err
	}
	dir, err := absPath(dir)
	if err != nil {
		return "", nil, err
	}
	cleanup := func() {
		if keep {
			fmt.Fprintf(os.Stderr, "repository kept in %s\n", dir)
			return
		}
		if err := os.RemoveAll(dir); err != nil {
			fmt.Fprintln(os.Stderr, "smsbench: remove the generated repository:", err)
		}
	}
	self, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	start := time.Now()
	args := append([]string{"generate", "--dir", dir, "--seed", strconv.FormatUint(c.seed, 10)}, genArgs...)
	cmd := exec.CommandContext(ctx, self, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if c.dir == "" {
			cleanup()
		}
		if msg := strings.TrimSpace(strings.TrimPrefix(stderr.String(), "smsbench: ")); msg != "" {
			return "", nil, fmt.Errorf("generate the repository: %s", msg)
		}
		return "", nil, fmt.Errorf("generate the repository: %w", err)
	}
	files, size := dirSize(dir)
	fmt.Fprintf(os.Stderr, "generated %d files (%.1f MB) in %s in %.1fs\n",
		files, float64(size)/(1<<20), dir, time.Since(start).Seconds())
	return dir, cleanup, nil
}

// runGenerate is the generate command: the repository of the validate
// scenario, written to --dir, with nothing measured.
func runGenerate(_ context.Context, name string, args []string) error {
	var dir string
	var changes int
	seed := uint64(defaultSeed)
	fs := newFlagSet(name, "--dir DIR [--changes N] [--seed S]")
	fs.StringVar(&dir, "dir", "", "write the repository to `DIR` (new or empty; required)")
	fs.IntVar(&changes, "changes", 1000, "number of change records to generate")
	fs.Uint64Var(&seed, "seed", seed, "seed of the generated data")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if dir == "" || fs.NArg() > 0 || changes < 0 {
		fmt.Fprintf(fs.Output(), "smsbench %s: need --dir, no arguments and --changes of at least 0\n", name)
		fs.Usage()
		return errUsage
	}
	return generate(dir, changes, seed)
}
