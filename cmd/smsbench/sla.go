package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/smsctl/smsctl/internal/sla"
	"github.com/smsctl/smsctl/internal/sla/synth"
)

// runSLA is the sla scenario: N generated incidents and requests (one in
// ten a request) over a year, measured against 12 agreements in business
// and 24x7 calendars, from the records' JSON, as the loader returns them,
// to the JSON report of the whole year: `smsctl report sla --period 2026
// -o json` after its files are read. Each run is a child process (smsbench
// itself with --child), so its peak RSS is its own: the generated records
// (held as the loader would hold them) and the measurement.
func runSLA(ctx context.Context, name string, args []string) error {
	var n, runs int
	var seed uint64
	var child bool
	fs := newFlagSet(name, "--incidents N [--runs R] [--seed S]")
	fs.IntVar(&n, "incidents", 100_000, "number of generated tickets (incidents, and one request in ten)")
	fs.IntVar(&runs, "runs", 3, "times the measurement is run, each in a new process; the best wall time and the peak RSS count")
	fs.Uint64Var(&seed, "seed", defaultSeed, "seed of the generated data")
	fs.BoolVar(&child, "child", false, "measure in this process (what each run executes)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 || n < 1 || runs < 1 {
		fmt.Fprintf(fs.Output(), "smsbench %s: want --incidents N >= 1, --runs R >= 1 and no arguments\n", name)
		fs.Usage()
		return errUsage
	}
	if child {
		return slaChild(os.Stdout, n, seed)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "sla: %d tickets, measured against 12 agreements over 2026; %d runs on %d CPUs\n\n", n, runs, runtime.NumCPU())
	fmt.Fprintf(os.Stderr, "%-4s  %9s  %9s  %9s\n", "run", "gen (s)", "sla (s)", "RSS (MB)")
	var best time.Duration
	var peakKB int64
	var last map[string]string
	for run := 1; run <= runs; run++ {
		cmd := exec.CommandContext(ctx, self, name, "--child", "--incidents", strconv.Itoa(n), "--seed", strconv.FormatUint(seed, 10))
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s: %w\n%s", cmd, err, tail(stderr.String(), 20))
		}
		last = map[string]string{}
		for _, f := range strings.Fields(lastLine(stdout.String())) {
			if k, v, ok := strings.Cut(f, "="); ok {
				last[k] = v
			}
		}
		secs, err := strconv.ParseFloat(last["sla_s"], 64)
		if err != nil {
			return fmt.Errorf("child printed %q", lastLine(stdout.String()))
		}
		d := time.Duration(secs * float64(time.Second))
		if run == 1 || d < best {
			best = d
		}
		rss := peakRSSKB(cmd.ProcessState)
		peakKB = max(peakKB, rss)
		fmt.Fprintf(os.Stderr, "%-4d  %9s  %9.3f  %9.1f\n", run, last["gen_s"], secs, float64(rss)/1024)
	}
	fmt.Fprintf(os.Stderr, "%-4s  %9s  %9.3f  %9.1f\n\n", "", "best", best.Seconds(), float64(peakKB)/1024)
	fmt.Printf("RESULT scenario=sla n=%d smsctl_s=%.3f smsctl_rss_mb=%.1f agreements=12 measured=%s breached=%s open=%s cpus=%d\n",
		n, best.Seconds(), float64(peakKB)/1024, last["measured"], last["breached"], last["open"], runtime.NumCPU())
	return nil
}

// slaChild generates the tickets, then times their measurement and the
// JSON report, and writes one line of key=value fields to w.
func slaChild(w io.Writer, n int, seed uint64) error {
	start := time.Now()
	repo := synth.Repository(n, seed)
	gen := time.Since(start)
	runtime.GC()
	start = time.Now()
	d := sla.Load(repo)
	r, err := sla.Measure(d, sla.Options{From: "2026-01-01", To: "2026-12-31", AsOf: synth.Now})
	if err != nil {
		return err
	}
	if err := json.NewEncoder(io.Discard).Encode(r); err != nil {
		return err
	}
	took := time.Since(start)
	if len(d.Problems) > 0 {
		return fmt.Errorf("generated data not measurable: %s", d.Problems[0])
	}
	var measured, breached, open int
	for _, a := range r.Agreements {
		measured += a.Total.Tickets + a.Total.Open
		breached += a.Total.Breached
		open += a.Total.Open
	}
	_, err = fmt.Fprintf(w, "gen_s=%.3f sla_s=%.3f measured=%d breached=%d open=%d\n", gen.Seconds(), took.Seconds(), measured, breached, open)
	return err
}
