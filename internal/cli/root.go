// Package cli is smsctl's command line: one file per command, each built by a
// constructor that takes the injected dependencies (streams, clock,
// environment) so tests run it in-process. Commands parse flags, call a
// library that returns data, and render it; only this package prints, reads
// the environment or the clock.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/smsctl/smsctl/internal/sms"
)

// Env is what a command may use of the outside world. Main fills it from the
// process; tests fill it with buffers and a fixed clock.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Now is the clock.
	Now func() time.Time
	// Getenv reads the environment.
	Getenv func(string) string
	// Dir is the working directory.
	Dir string
}

// Main runs smsctl with the process's arguments and streams and returns the
// exit code. SIGINT and SIGTERM cancel the command's context: history
// walks, loads and policy evaluation stop, and nothing is written half-way.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// Some work (a history walk) does not look at the context: after
		// a grace period the process ends anyway, and a second signal
		// ends it at once. Files are written through a temporary file and
		// a rename, so none is left half-written.
		<-ctx.Done()
		stop()
		time.Sleep(interruptGrace)
		fmt.Fprintln(os.Stderr, "smsctl: interrupted")
		os.Exit(ExitError)
	}()
	wd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(os.Stderr, "smsctl: %v\n", err)
		return ExitError
	}
	now := time.Now
	// SMSCTL_NOW fixes the clock (RFC 3339), so output that depends on the
	// date is reproducible in tests and in audits of a past period.
	if s := os.Getenv("SMSCTL_NOW"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			fmt.Fprintf(os.Stderr, "smsctl: SMSCTL_NOW=%q is not an RFC 3339 time\n", s)
			return ExitUsage
		}
		now = func() time.Time { return t }
	}
	return RunContext(ctx, &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Now: now, Getenv: os.Getenv, Dir: wd}, os.Args[1:])
}

// interruptGrace is how long an interrupted command has to stop by itself.
const interruptGrace = 3 * time.Second

// Run runs smsctl with args and returns the exit code; every error is
// printed exactly once, to Stderr.
func Run(env *Env, args []string) int { return RunContext(context.Background(), env, args) }

// RunContext is Run with a context whose cancellation stops the command.
func RunContext(ctx context.Context, env *Env, args []string) int {
	root := NewRootCmd(env)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(env.Stderr, "smsctl: interrupted; nothing more was written")
		return ExitError
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee == errFindings {
			return ExitFindings
		}
		fmt.Fprintf(env.Stderr, "smsctl: %v\n", ee.err)
		if ee.code == ExitUsage {
			fmt.Fprintf(env.Stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
		}
		return ee.code
	}
	fmt.Fprintf(env.Stderr, "smsctl: %v\n", err)
	return ExitError
}

// typedUsage makes every command-line mistake cobra detects a usage error
// (exit 2) by type, not by its message: argument validators are wrapped,
// and a command group given an unknown subcommand says so instead of
// printing its help with exit 0. Flag errors go through SetFlagErrorFunc.
func typedUsage(cmd *cobra.Command) {
	for _, c := range cmd.Commands() {
		typedUsage(c)
	}
	if cmd.HasSubCommands() && cmd.Run == nil && cmd.RunE == nil {
		cmd.SuggestionsMinimumDistance = 2
		cmd.Args = func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return nil
			}
			msg := fmt.Sprintf("unknown command %q for %q", args[0], c.CommandPath())
			if s := c.SuggestionsFor(args[0]); len(s) > 0 {
				msg += "; did you mean " + strings.Join(s, " or ") + "?"
			}
			return usageErrorf("%s", msg)
		}
		cmd.RunE = func(c *cobra.Command, args []string) error { return c.Help() }
		return
	}
	if validate := cmd.Args; validate != nil {
		cmd.Args = func(c *cobra.Command, args []string) error {
			if err := validate(c, args); err != nil {
				return &exitError{code: ExitUsage, err: err}
			}
			return nil
		}
	}
}

// globals are the flags every command shares.
type globals struct {
	chdir string
	// policyTimeout is --policy-timeout of the commands that judge.
	policyTimeout time.Duration
}

// addPolicyTimeout gives a command that judges --policy-timeout.
func (g *globals) addPolicyTimeout(cmd *cobra.Command) {
	policyTimeoutFlag(cmd, &g.policyTimeout)
	prev := cmd.PreRunE
	cmd.PreRunE = func(c *cobra.Command, args []string) error {
		if err := checkPolicyTimeout(g.policyTimeout); err != nil {
			return err
		}
		if prev != nil {
			return prev(c, args)
		}
		return nil
	}
}

// openRepo opens the SMS repository at dir with the command's limits.
func (g *globals) openRepo(dir string) (*sms.Repo, error) {
	r, err := sms.Open(dir)
	if err != nil {
		return nil, err
	}
	r.PolicyTimeout = g.policyTimeout
	return r, nil
}

// baseDir is -C, else the working directory: where relative paths on the
// command line start.
func (g *globals) baseDir(env *Env) string {
	if g.chdir == "" {
		return env.Dir
	}
	if filepath.IsAbs(g.chdir) {
		return g.chdir
	}
	return filepath.Join(env.Dir, g.chdir)
}

// repoDir is the SMS repository the command acts on: the nearest folder at
// or above baseDir that holds sms.cue, so every command gives the same
// answer from a subfolder of the SMS as from its root; baseDir itself when
// there is none (the command then says it is no SMS repository).
func (g *globals) repoDir(env *Env) string {
	return sms.FindRoot(g.baseDir(env))
}

// NewRootCmd builds the command tree.
func NewRootCmd(env *Env) *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:   "smsctl",
		Short: "A GitOps service management system for ISO/IEC 20000-1",
		Long: `smsctl keeps an ISO/IEC 20000-1 service management system as CUE records in a
Git repository: services, agreements, roles, people, changes, incidents and
the rest. It validates them in CI, and reads the Git history for auditors.`,
		Example: `  # create an example SMS with a year of history, and validate it
  smsctl init --example acme acme && smsctl validate acme

  # validate the repository in the current directory as CI does
  smsctl validate -o json`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	root.SetIn(env.Stdin)
	root.PersistentFlags().StringVarP(&g.chdir, "directory", "C", "", "run as if smsctl was started in `DIR`")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &exitError{code: ExitUsage, err: err}
	})
	root.AddCommand(
		newVersionCmd(env),
		newValidateCmd(env, g, nil),
		newInitCmd(env, g, nil),
		newNewCmd(env, g, nil),
		newPolicyCmd(env, g),
		newAuditCmd(env, g),
		newShowCmd(env, g),
		newReportCmd(env, g),
		newAttestCmd(env, g, nil),
		newReconcileCmd(env, g),
	)
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.Example = `  # load completion into the current bash session
  source <(smsctl completion bash)

  # install it for zsh
  smsctl completion zsh > "${fpath[1]}/_smsctl"`
		}
	}
	typedUsage(root)
	return root
}

// outputFlag adds --output/-o with the formats a command supports.
func outputFlag(cmd *cobra.Command, dst *string, formats ...string) {
	cmd.Flags().StringVarP(dst, "output", "o", formats[0], "output format: "+strings.Join(formats, ", "))
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
	prev := cmd.PreRunE
	cmd.PreRunE = func(c *cobra.Command, args []string) error {
		if !slices.Contains(formats, *dst) {
			return usageErrorf("invalid output format %q: use one of %s", *dst, strings.Join(formats, ", "))
		}
		if prev != nil {
			return prev(c, args)
		}
		return nil
	}
}
