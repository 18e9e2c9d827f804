package auditctl

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"time"
)

func hashes(n int, prefix string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = strings.Repeat(prefix, 40)[:39] + string(rune('a'+i))
	}
	return out
}

// The chain is the documented one: c0 = SHA-256("smsctl-checkpoint\0" h0),
// ci = SHA-256(c(i-1) hi).
func TestChainOf(t *testing.T) {
	line := hashes(3, "1")
	c0 := sha256.Sum256([]byte("smsctl-checkpoint\x00" + line[0]))
	c1 := sha256.Sum256(append(c0[:], line[1]...))
	c2 := sha256.Sum256(append(c1[:], line[2]...))
	if got, want := ChainOf(line), hex.EncodeToString(c2[:]); got != want {
		t.Errorf("ChainOf = %s, want %s", got, want)
	}
	if ChainOf(line[:2]) == ChainOf(line) {
		t.Error("a shorter line has the same chain")
	}
}

func TestCheckpointCheck(t *testing.T) {
	line := hashes(5, "2")
	cp, err := NewCheckpoint(line[:4], time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	rewritten := append(append([]string{}, line[:2]...), hashes(3, "3")...)
	altered := *cp
	altered.Commits = append([]string{}, cp.Commits...)
	altered.Commits[1] = rewritten[2]
	for _, tc := range []struct {
		name    string
		cp      *Checkpoint
		line    []string
		held    bool
		missing []string
		problem bool
	}{
		{"same line", cp, line[:4], true, nil, false},
		{"line grew", cp, line, true, nil, false},
		{"rewritten from the third commit", cp, rewritten, false, line[2:4], false},
		{"last commit removed", cp, line[:3], false, line[3:4], false},
		{"checkpoint altered", &altered, line, false, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.cp.Check(tc.line)
			if res.Held != tc.held || !slices.Equal(res.Missing, tc.missing) || (res.Problem != "") != tc.problem {
				t.Errorf("Check = %+v, want held %v, missing %v, problem %v", res, tc.held, tc.missing, tc.problem)
			}
		})
	}
	back, err := ParseCheckpoint(cp.Marshal())
	if err != nil || back.Chain != cp.Chain || !slices.Equal(back.Commits, cp.Commits) {
		t.Errorf("round trip: %+v, %v", back, err)
	}
	if _, err := ParseCheckpoint([]byte(`{"smsctl_checkpoint": 9}`)); err == nil {
		t.Error("a newer format was read")
	}
}
