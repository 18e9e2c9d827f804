package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// historyStart is the date a generated history starts from; each commit is
// historyStep after the one before it.
var historyStart = time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)

const historyStep = 10 * time.Minute

// historyMergeEvery makes every historyMergeEvery-th commit of the
// first-parent line a merge of a one-commit side branch.
const historyMergeEvery = 10

// historyMallocTunables keep glibc's malloc from giving memory back to the
// kernel and taking it again at every commit, which made fast-import spend
// most of its time in brk.
const historyMallocTunables = "glibc.malloc.trim_threshold=268435456:glibc.malloc.top_pad=67108864:glibc.malloc.mmap_threshold=268435456"

// historyPerYear is the number of change records of each year, the last
// of which is 2026.
const historyPerYear = 500

var historyAuthors = []string{
	"Ada Lovelace <ada@example.org>",
	"Grace Hopper <grace@example.org>",
	"Alan Turing <alan@example.org>",
	"Edsger Dijkstra <edsger@example.org>",
	"Barbara Liskov <barbara@example.org>",
}

var historyStatuses = []string{"draft", "submitted", "approved", "scheduled", "implemented", "closed"}

// runHistory is the history scenario: a Git repository of F change records
// and N commits on main, `smsctl audit log --paths '**' -o jsonl` against
// `git log --first-parent --name-status --no-renames`.
func runHistory(ctx context.Context, name string, args []string) error {
	var c common
	var commits, files int
	fs := newFlagSet(name, "--commits N --files F [flags]")
	fs.IntVar(&commits, "commits", 1000, "number of commits on main after the first")
	fs.IntVar(&files, "files", 500, "number of change record files")
	var reuse bool
	fs.BoolVar(&reuse, "reuse", false, "with --dir, time the repository a previous run generated there instead of generating it again")
	c.register(fs)
	fs.Lookup("runs").DefValue = "1"
	c.runs = 1
	if err := parse(fs, &c, args); err != nil {
		return err
	}
	if commits < 0 || files < 1 {
		fmt.Fprintln(os.Stderr, "smsbench history: need --commits of at least 0 and --files of at least 1")
		return errUsage
	}
	gitPath, err := exec.LookPath("git")
	if err != nil {
		return err
	}

	t := newTools(c)
	defer t.cleanup()
	if err := t.build(ctx, true, false, false); err != nil {
		return err
	}

	dir := c.dir
	keep := c.keep || c.dir != ""
	if dir == "" {
		if dir, err = os.MkdirTemp("", "smsbench-history-"); err != nil {
			return err
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if dir, err = absPath(dir); err != nil {
		return err
	}
	defer func() {
		if keep {
			fmt.Fprintf(os.Stderr, "repository kept in %s\n", dir)
		} else if err := os.RemoveAll(dir); err != nil {
			fmt.Fprintln(os.Stderr, "smsbench: remove the generated repository:", err)
		}
	}()

	if reuse && isGitRepo(dir) {
		fmt.Fprintf(os.Stderr, "reusing the repository in %s\n", dir)
	} else {
		start := time.Now()
		if err := generateHistory(ctx, dir, commits, files, c.seed); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "generated %d files and %d commits on main in %s in %.1fs\n",
			files, commits+1, dir, time.Since(start).Seconds())
	}

	// Cold: no cache under .git/smsctl, deleted before each run; the run
	// writes it. Warm: the same command again, reading that cache. Both
	// are timed against git log in the same loop, all output to /dev/null.
	cacheDir := filepath.Join(dir, ".git", "smsctl")
	clear := func() error { return os.RemoveAll(cacheDir) }
	smsctl := command{label: "smsctl", path: t.smsctl, args: []string{"-C", dir, "audit", "log", "--paths", "**", "-o", "jsonl"}, env: smsctlEnv, discard: true, before: clear}
	gitLog := command{label: "git log", path: gitPath, args: []string{"-C", dir, "log", "--first-parent", "--name-status", "--no-renames"}, discard: true}
	stats, err := compare(ctx, c.runs, smsctl, gitLog)
	if err != nil {
		return err
	}
	printHistoryResult(name, commits, files, stats[0], stats[1])

	warm := smsctl
	warm.label, warm.before = "warm", nil
	if _, err := os.Stat(filepath.Join(cacheDir, "history.cache")); err != nil {
		return fmt.Errorf("the cold run wrote no history cache: %w", err)
	}
	wstats, err := compare(ctx, c.runs, warm, gitLog)
	if err != nil {
		return err
	}

	// Untimed: a warm and a cold run print the same, byte for byte.
	check := func(c command) (string, error) {
		c.discard, c.digest = false, true
		if c.before != nil {
			if err := c.before(); err != nil {
				return "", err
			}
		}
		_, _, digest, _, err := runOnce(ctx, c)
		return digest, err
	}
	warmSum, err := check(warm)
	if err != nil {
		return err
	}
	coldSum, err := check(smsctl)
	if err != nil {
		return err
	}
	if warmSum != coldSum {
		return fmt.Errorf("the warm run printed other output than the cold run (SHA-256 %s, cold %s)", warmSum, coldSum)
	}
	fmt.Fprintf(os.Stderr, "cold and warm output alike: SHA-256 %s\n", coldSum)
	printHistoryResult(name+"-warm", commits, files, wstats[0], wstats[1])
	return nil
}

// printHistoryResult writes a RESULT line of the history scenarios.
func printHistoryResult(scenario string, commits, files int, tool, ref stats) {
	ratio := 0.0
	if ref.best > 0 {
		ratio = tool.seconds() / ref.seconds()
	}
	fmt.Printf("RESULT scenario=%s commits=%d files=%d smsctl_s=%.3f ref_s=%.3f ratio=%.3f smsctl_rss_mb=%.1f ref_rss_mb=%.1f\n",
		scenario, commits, files, tool.seconds(), ref.seconds(), ratio, tool.rssMB(), ref.rssMB())
}

// isGitRepo reports whether dir holds a Git repository with a main branch.
func isGitRepo(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, ".git", "refs", "heads", "main"))
	if err != nil {
		// A packed ref.
		data, perr := os.ReadFile(filepath.Join(dir, ".git", "packed-refs"))
		return perr == nil && bytes.Contains(data, []byte(" refs/heads/main\n"))
	}
	return true
}

// generateHistory makes dir (new or empty) a Git repository on branch main
// with `git fast-import`: a first commit that adds files change records,
// then commits commits on the first-parent line that each modify one to
// three of them. Every historyMergeEvery-th is a merge of a side branch of
// one commit, which makes the modifications.
func generateHistory(ctx context.Context, dir string, commits, files int, seed uint64) error {
	if entries, err := os.ReadDir(dir); err != nil {
		return err
	} else if len(entries) > 0 {
		return fmt.Errorf("%s is not empty", dir)
	}
	git := func(stdin io.Reader, args ...string) error {
		cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
		cmd.Stdin = stdin
		if stdin != nil { // fast-import
			cmd.Env = append(os.Environ(), "GLIBC_TUNABLES="+historyMallocTunables)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("git %s: %w\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return nil
	}
	if err := git(nil, "init", "-q", "--initial-branch=main"); err != nil {
		return err
	}

	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- git(pr, "fast-import", "--quiet", "--done")
		pr.Close()
	}()
	werr := writeHistoryStream(pw, commits, files, seed)
	pw.CloseWithError(werr)
	ferr := <-done
	if werr != nil && ferr == nil {
		return werr
	}
	if ferr != nil {
		return ferr
	}
	if err := git(nil, "update-ref", "-d", "refs/heads/pr"); err != nil && commits >= historyMergeEvery {
		return err
	}
	// fast-import writes a pack of its own making; a real repository's
	// objects are packed by git gc. Repack, so both tools read the kind of
	// pack they would meet.
	if err := git(nil, "repack", "-a", "-d", "-q"); err != nil {
		return err
	}
	return git(nil, "reset", "-q", "--hard")
}

// writeHistoryStream writes the fast-import stream of generateHistory.
func writeHistoryStream(out io.Writer, commits, files int, seed uint64) error {
	w := bufio.NewWriterSize(out, 1<<16)
	rng := rand.New(rand.NewPCG(seed, seed^0x415708e5))
	revs := make([]int, files)
	// historyPerYear records a year keeps the folders small: fast-import
	// writes a folder's whole tree object at each commit that changes it.
	firstYear := 2026 - (files-1)/historyPerYear
	path := func(i int) (string, string) {
		year, n := firstYear+i/historyPerYear, i%historyPerYear+1
		id := fmt.Sprintf("CHG-%d-%04d", year, n)
		return fmt.Sprintf("changes/%d/%s.cue", year, id), id
	}
	modify := func(i int) {
		p, id := path(i)
		rev := revs[i]
		body := fmt.Sprintf("package sms\n\nchanges: %q: {\n\ttitle: \"Change %d, revision %d\"\n\tstatus: %q\n}\n",
			id, i+1, rev, historyStatuses[rev%len(historyStatuses)])
		fmt.Fprintf(w, "M 100644 inline %s\ndata %d\n%s\n", p, len(body), body)
	}
	mark := 0
	header := func(ref string, msg string) {
		mark++
		when := historyStart.Add(time.Duration(mark) * historyStep).Unix()
		who := historyAuthors[rng.IntN(len(historyAuthors))]
		fmt.Fprintf(w, "commit %s\nmark :%d\nauthor %s %d +0000\ncommitter %s %d +0000\ndata %d\n%s\n",
			ref, mark, who, when, who, when, len(msg), msg)
	}
	// changed picks one to three distinct files and bumps their revisions.
	changed := func() []int {
		n := 1 + rng.IntN(min(3, files))
		var picked []int
		for len(picked) < n {
			i := rng.IntN(files)
			if !slices.Contains(picked, i) {
				picked = append(picked, i)
			}
		}
		for _, i := range picked {
			revs[i]++
		}
		return picked
	}

	header("refs/heads/main", "Add change records")
	for i := range files {
		modify(i)
	}
	w.WriteString("\n")
	for k := 1; k <= commits; k++ {
		picked := changed()
		if k%historyMergeEvery != 0 {
			header("refs/heads/main", fmt.Sprintf("Change %d (#%d)", k, k))
			for _, i := range picked {
				modify(i)
			}
			w.WriteString("\n")
			continue
		}
		// From and merge name branches, not marks: fast-import has their
		// trees at hand, where a mark would make it read the commit back
		// from the pack it is writing.
		header("refs/heads/pr", fmt.Sprintf("Change %d", k))
		w.WriteString("from refs/heads/main\n")
		for _, i := range picked {
			modify(i)
		}
		w.WriteString("\n")
		header("refs/heads/main", fmt.Sprintf("Merge pull request #%d from org/change-%d", k, k))
		w.WriteString("merge refs/heads/pr\n")
		for _, i := range picked {
			modify(i)
		}
		w.WriteString("\n")
	}
	w.WriteString("done\n")
	return w.Flush()
}
