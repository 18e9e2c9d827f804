package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// tools are the binaries a scenario compares: given by flags or built into a
// temporary directory that cleanup removes.
type tools struct {
	smsctl, cue, opa string
	binDir           string
}

func newTools(c common) *tools { return &tools{smsctl: c.smsctl, cue: c.cue, opa: c.opa} }

// build resolves the binaries the scenario needs, building those not given:
// smsctl from ./cmd/smsctl, cue and opa as the tools go.mod pins.
func (t *tools) build(ctx context.Context, smsctl, cue, opa bool) error {
	bins := []struct {
		path *string
		need bool
		name string
		pkg  string
	}{
		{&t.smsctl, smsctl, "smsctl", "./cmd/smsctl"},
		{&t.cue, cue, "cue", "cuelang.org/go/cmd/cue"},
		{&t.opa, opa, "opa", "github.com/open-policy-agent/opa"},
	}
	missing := false
	for _, b := range bins {
		if *b.path != "" {
			p, err := resolveBinary(*b.path)
			if err != nil {
				return err
			}
			*b.path = p
		} else if b.need {
			missing = true
		}
	}
	if !missing {
		return nil
	}
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	if t.binDir, err = os.MkdirTemp("", "smsbench-bin-"); err != nil {
		return err
	}
	for _, b := range bins {
		if *b.path != "" || !b.need {
			continue
		}
		out := filepath.Join(t.binDir, b.name)
		start := time.Now()
		fmt.Fprintf(os.Stderr, "building %s ... ", b.pkg)
		cmd := exec.CommandContext(ctx, "go", "build", "-o", out, b.pkg)
		cmd.Dir = root
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "failed")
			return fmt.Errorf("go build %s (in %s): %w\n%s", b.pkg, root, err, stderr.String())
		}
		fmt.Fprintf(os.Stderr, "%.1fs\n", time.Since(start).Seconds())
		*b.path = out
	}
	return nil
}

func (t *tools) cleanup() {
	if t.binDir != "" {
		os.RemoveAll(t.binDir)
	}
}

// resolveBinary makes a binary named by a flag absolute, so that it still
// works from the generated repository's directory.
func resolveBinary(p string) (string, error) {
	if !strings.ContainsRune(p, filepath.Separator) && !strings.ContainsRune(p, '/') {
		return exec.LookPath(p)
	}
	abs, err := absPath(p)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(abs); err != nil {
		return "", err
	}
	return abs, nil
}

func absPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	return abs, nil
}

// moduleRoot finds the smsctl module: the nearest directory at or above the
// working directory that has a go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil {
			if !bytes.Contains(data, []byte("module github.com/smsctl/smsctl\n")) {
				return "", fmt.Errorf("%s is not the smsctl module; run smsbench inside it", filepath.Join(dir, "go.mod"))
			}
			return dir, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod at or above the working directory; run smsbench inside the smsctl module")
		}
		dir = parent
	}
}

// command is one side of a comparison.
type command struct {
	label string
	path  string
	args  []string
	dir   string   // working directory; the current one when empty
	env   []string // added to smsbench's environment
	// exits are the exit codes besides 0 that count as success, such as
	// 1 for findings.
	exits []int
	// discard sends stdout to /dev/null instead of keeping it, for
	// commands whose output is large and not looked at: keeping it would
	// grow smsbench and, with it, the RSS floor of the commands after.
	discard bool
	// digest makes runOnce return the SHA-256 of stdout (in hex) instead
	// of stdout, for large outputs that two commands must print alike.
	digest bool
	// before runs ahead of each run, untimed: it sets the stage, such as
	// deleting a cache for a cold run.
	before func() error
}

func (c command) String() string {
	s := filepath.Base(c.path) + " " + strings.Join(c.args, " ")
	if c.dir != "" {
		s += "  (in the repository)"
	}
	return s
}

// stats summarise a command's runs.
type stats struct {
	best   time.Duration // minimum wall time
	peakKB int64         // maximum of the runs' peak RSS, in kilobytes
	stdout string        // of the last run
	exit   int           // exit code of the last run
}

func (s stats) seconds() float64 { return s.best.Seconds() }
func (s stats) rssMB() float64   { return float64(s.peakKB) / 1024 }

// compare runs the commands in turn, runs times over, printing a row per
// run to stderr. Every run must exit 0.
func compare(ctx context.Context, runs int, cmds ...command) ([]stats, error) {
	out := make([]stats, len(cmds))
	for _, c := range cmds {
		fmt.Fprintf(os.Stderr, "%-8s = %s\n", c.label, c)
	}
	fmt.Fprintf(os.Stderr, "\n%-4s  %-8s  %9s  %9s\n", "run", "command", "wall (s)", "RSS (MB)")
	for run := 1; run <= runs; run++ {
		for i, c := range cmds {
			if c.before != nil {
				if err := c.before(); err != nil {
					return nil, fmt.Errorf("%s: before the run: %w", c.label, err)
				}
			}
			wall, rss, stdout, exit, err := runOnce(ctx, c)
			if err != nil {
				return nil, err
			}
			fmt.Fprintf(os.Stderr, "%-4d  %-8s  %9.3f  %9.1f\n", run, c.label, wall.Seconds(), float64(rss)/1024)
			s := &out[i]
			if run == 1 || wall < s.best {
				s.best = wall
			}
			s.peakKB = max(s.peakKB, rss)
			s.stdout, s.exit = stdout, exit
		}
	}
	fmt.Fprintf(os.Stderr, "%-4s  %-8s  %9s  %9s\n", "", "", "best", "peak")
	for i, c := range cmds {
		fmt.Fprintf(os.Stderr, "%-4s  %-8s  %9.3f  %9.1f\n", "", c.label, out[i].seconds(), out[i].rssMB())
	}
	if floor := rssFloorKB(); floor > 0 {
		fmt.Fprintf(os.Stderr, "(RSS floor: Linux counts smsbench's own peak, %.1f MB, in each child's)\n", float64(floor)/1024)
	}
	fmt.Fprintln(os.Stderr)
	return out, nil
}

// runOnce runs a command to completion and returns its wall time, its peak
// RSS in kilobytes, its stdout and its exit code. An exit code other than 0
// and c.exits is an error that carries what the command printed.
func runOnce(ctx context.Context, c command) (time.Duration, int64, string, int, error) {
	cmd := exec.CommandContext(ctx, c.path, c.args...)
	cmd.Dir = c.dir
	if len(c.env) > 0 {
		cmd.Env = append(os.Environ(), c.env...)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	sum := sha256.New()
	if c.discard {
		cmd.Stdout = nil // /dev/null
	} else if c.digest {
		cmd.Stdout = sum
	}
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	exit := 0
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) && slices.Contains(c.exits, exitErr.ExitCode()) {
		exit, err = exitErr.ExitCode(), nil
	}
	if err != nil {
		return 0, 0, "", 0, fmt.Errorf("%s failed: %w\n--- stdout\n%s--- stderr\n%s", c, err, tail(stdout.String(), 40), tail(stderr.String(), 40))
	}
	out := stdout.String()
	if c.digest {
		out = hex.EncodeToString(sum.Sum(nil))
	}
	return wall, peakRSSKB(cmd.ProcessState), out, exit, nil
}

// tail keeps the last n lines of s.
func tail(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) <= n {
		return s
	}
	return fmt.Sprintf("[%d lines omitted]\n", len(lines)-n) + strings.Join(lines[len(lines)-n:], "")
}

func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	return s[strings.LastIndexByte(s, '\n')+1:]
}

// printResult writes the line that ends stdout; extra are further
// key=value fields a scenario adds at its end.
func printResult(scenario string, n int, tool, ref stats, extra ...string) {
	ratio := 0.0
	if ref.best > 0 {
		ratio = tool.seconds() / ref.seconds()
	}
	fmt.Printf("RESULT scenario=%s n=%d smsctl_s=%.3f ref_s=%.3f ratio=%.3f smsctl_rss_mb=%.1f ref_rss_mb=%.1f",
		scenario, n, tool.seconds(), ref.seconds(), ratio, tool.rssMB(), ref.rssMB())
	for _, kv := range extra {
		fmt.Printf(" %s", kv)
	}
	fmt.Println()
}

// dirSize counts the regular files under dir and their bytes.
func dirSize(dir string) (files int, size int64) {
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				files++
				size += info.Size()
			}
		}
		return nil
	})
	return files, size
}
