package cli

import (
	"errors"
	"fmt"
)

// Exit codes. README.md documents them; a test keeps the two in step.
const (
	// ExitOK means the command ran and found nothing wrong.
	ExitOK = 0
	// ExitFindings means the command ran and found errors (validation
	// findings, drift): the gate fails.
	ExitFindings = 1
	// ExitUsage means the command line was wrong: unknown command or flag,
	// a bad flag value, a missing or extra argument.
	ExitUsage = 2
	// ExitError means the command could not run: not an SMS repository, a
	// revision that does not exist, an unreadable file system, a file that
	// would be overwritten.
	ExitError = 3
)

// exitCodes lists the codes with their meaning, in order, for the README
// test and `smsctl help exit-codes`.
var exitCodes = []struct {
	Code    int
	Meaning string
}{
	{ExitOK, "success: the command ran and found nothing wrong"},
	{ExitFindings, "findings: validation errors (the gate fails); warnings alone exit 0"},
	{ExitUsage, "usage: unknown command or flag, bad flag value, wrong number of arguments"},
	{ExitError, "could not run: not an SMS repository, unknown revision, unreadable or refused input, nothing written"},
}

// exitError carries an exit code with the error to print.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageErrorf is an error in the command line: exit 2, usage printed.
func usageErrorf(format string, args ...any) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf(format, args...)}
}

// errFindings ends a command that already printed its findings: exit 1 and
// nothing more to say.
var errFindings = &exitError{code: ExitFindings, err: errors.New("findings")}
