package cli

import (
	"os"
	"testing"
)

// /dev/null is a character device but no terminal: no colour, no
// progress line, on it.
func TestDevNullIsNoTerminal(t *testing.T) {
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	env := &Env{Stdout: f, Stderr: f, Getenv: func(string) string { return "" }}
	if colorTerminal(env) {
		t.Error("colour on /dev/null")
	}
	if progress(env, "commits") != nil {
		t.Error("a progress line on /dev/null")
	}
}

func TestDumbTerminalHasNoColour(t *testing.T) {
	env := &Env{Stdout: os.Stdout, Getenv: func(k string) string {
		if k == "TERM" {
			return "dumb"
		}
		return ""
	}}
	if colorTerminal(env) {
		t.Error("colour with TERM=dumb")
	}
}
