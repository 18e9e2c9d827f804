package policy

import (
	"errors"
	"fmt"
	"time"
)

// ErrRefused is wrapped by every error of Load, Compile, RepositoryModules
// and Test about the policies themselves: a module that does not parse or
// compile, defines rules outside its namespace, calls a built-in smsctl
// does not allow, or is too large. Callers map it to "could not run".
var ErrRefused = errors.New("policy refused")

// RefusedError is one reason a Rego module is refused, at its file and
// line (0 when it is about the whole file). Several reasons come joined
// with errors.Join; errors.As finds the first.
type RefusedError struct {
	File string
	Line int
	Msg  string
}

func (e *RefusedError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// Is makes errors.Is(err, ErrRefused) hold.
func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

func refusef(file string, line int, format string, args ...any) *RefusedError {
	return &RefusedError{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// maxReasons caps how many reasons one refusal lists.
const maxReasons = 20

// joinRefusals joins reasons into one error, nil for none.
func joinRefusals(errs []error) error {
	if len(errs) > maxReasons {
		more := len(errs) - maxReasons
		errs = append(errs[:maxReasons:maxReasons], fmt.Errorf("%w: and %d more", ErrRefused, more))
	}
	return errors.Join(errs...)
}

// ErrTimeout is wrapped by the error of an evaluation that ran out of time.
var ErrTimeout = errors.New("policy evaluation timed out")

// TimeoutError is an evaluation stopped at its time limit, naming the rule
// that was running: the one that started first among those unfinished.
type TimeoutError struct {
	Rule  string
	File  string
	Limit time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("rule %s did not finish within %s, the time limit of a policy evaluation (%s); make the rule do less work, or raise the limit with --policy-timeout", e.Rule, e.Limit, e.File)
}

// Is makes errors.Is(err, ErrTimeout) hold.
func (e *TimeoutError) Is(target error) bool { return target == ErrTimeout }
