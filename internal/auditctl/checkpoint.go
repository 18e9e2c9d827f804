// Package auditctl answers an auditor's questions about an SMS repository
// over a period: whether the controls held on every commit of the main
// line (Verify), whether history was rewritten since a checkpoint
// (Checkpoint), a reproducible sample of records (Sample), and how ready
// the SMS is clause by clause (Readiness). It returns data; the CLI
// renders it.
package auditctl

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/smsctl/smsctl/internal/gitrepo"
)

// CheckpointRef is the notes ref where `smsctl audit checkpoint` keeps its
// checkpoints, each as a note on the head it recorded. It is apart from
// refs/notes/smsctl so that a checkpoint never replaces approval evidence.
const CheckpointRef = "refs/notes/smsctl-checkpoints"

// CheckpointVersion is the checkpoint format; readers refuse a newer one.
const CheckpointVersion = 1

// Checkpoint records the main line as it stood: its head, every commit of
// the first-parent line from the root to the head, and a SHA-256 hash
// chain over them.
//
// The chain is c(0) = SHA-256("smsctl-checkpoint\x00" || h(0)) and c(i) =
// SHA-256(c(i-1) || h(i)), where h(i) is the i-th commit hash of the line,
// root first, as 40 lowercase hex characters, and c(i-1) is 32 raw bytes.
// Chain is c(n-1) in hex. It ties every commit of the line to the
// checkpoint with SHA-256, independently of Git's SHA-1.
type Checkpoint struct {
	Version int       `json:"smsctl_checkpoint"`
	Head    string    `json:"head"`
	Count   int       `json:"count"`
	Chain   string    `json:"chain"`
	At      time.Time `json:"at"`
	Commits []string  `json:"commits"`
}

// ChainOf returns the hash chain over commits (root first), in hex.
func ChainOf(commits []string) string {
	var c []byte
	for i, h := range commits {
		s := sha256.New()
		if i == 0 {
			s.Write([]byte("smsctl-checkpoint\x00"))
		} else {
			s.Write(c)
		}
		s.Write([]byte(h))
		c = s.Sum(nil)
	}
	return hex.EncodeToString(c)
}

// MainLine returns the first-parent line of rev ("" = HEAD), root first.
func MainLine(repo *gitrepo.Repo, rev string) ([]string, error) {
	var line []string
	err := repo.History(gitrepo.HistoryOptions{Rev: rev, Cache: true}, func(c *gitrepo.HistoryCommit) error {
		line = append(line, c.Hash)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, j := 0, len(line)-1; i < j; i, j = i+1, j-1 {
		line[i], line[j] = line[j], line[i]
	}
	return line, nil
}

// NewCheckpoint builds the checkpoint of a main line (root first).
func NewCheckpoint(line []string, at time.Time) (*Checkpoint, error) {
	if len(line) == 0 {
		return nil, fmt.Errorf("checkpoint: the main line has no commits")
	}
	return &Checkpoint{
		Version: CheckpointVersion, Head: line[len(line)-1], Count: len(line), Chain: ChainOf(line),
		At: at.UTC(), Commits: append([]string{}, line...),
	}, nil
}

// Marshal encodes the checkpoint as the note's JSON.
func (cp *Checkpoint) Marshal() []byte {
	data, _ := json.MarshalIndent(cp, "", "  ") // plain data: cannot fail
	return append(data, '\n')
}

// ParseCheckpoint reads a checkpoint note back.
func ParseCheckpoint(data []byte) (*Checkpoint, error) {
	var cp Checkpoint
	if err := json.Unmarshal(data, &cp); err != nil {
		return nil, fmt.Errorf("not an smsctl checkpoint: %w", err)
	}
	if cp.Version == 0 {
		return nil, fmt.Errorf("not an smsctl checkpoint: no smsctl_checkpoint version")
	}
	if cp.Version > CheckpointVersion {
		return nil, fmt.Errorf("checkpoint of format %d is newer than this smsctl reads (%d)", cp.Version, CheckpointVersion)
	}
	return &cp, nil
}

// Checkpoints reads every checkpoint under CheckpointRef, oldest first. A
// note that does not parse is returned as an error naming its commit: a
// damaged checkpoint is itself a finding for the caller.
func Checkpoints(repo *gitrepo.Repo) ([]*Checkpoint, []error, error) {
	notes, err := repo.Notes(CheckpointRef)
	if err != nil {
		return nil, nil, err
	}
	var out []*Checkpoint
	var bad []error
	for commit, data := range notes {
		cp, err := ParseCheckpoint(data)
		if err != nil {
			bad = append(bad, fmt.Errorf("%s note on %s: %w", CheckpointRef, commit, err))
			continue
		}
		if cp.Head != commit {
			bad = append(bad, fmt.Errorf("%s note on %s records head %s: the note was moved", CheckpointRef, commit, cp.Head))
			continue
		}
		out = append(out, cp)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.Before(out[j].At)
		}
		return out[i].Count < out[j].Count
	})
	sort.Slice(bad, func(i, j int) bool { return bad[i].Error() < bad[j].Error() })
	return out, bad, nil
}

// CheckpointResult is what one checkpoint says of the current main line.
type CheckpointResult struct {
	Head  string    `json:"head"`
	At    time.Time `json:"at"`
	Count int       `json:"count"`
	Chain string    `json:"chain"`
	// Held is true when every checkpointed commit is still on the main
	// line, in its place.
	Held bool `json:"held"`
	// Missing are the checkpointed commits no longer on the main line at
	// their place, root first: the first one is where history was
	// rewritten.
	Missing []string `json:"missing,omitempty"`
	// Problem says why the checkpoint itself cannot be trusted (its chain
	// does not match its commits).
	Problem string `json:"problem,omitempty"`
}

// Check compares the checkpoint with the current main line (root first).
func (cp *Checkpoint) Check(line []string) CheckpointResult {
	res := CheckpointResult{Head: cp.Head, At: cp.At, Count: cp.Count, Chain: cp.Chain}
	if len(cp.Commits) != cp.Count || ChainOf(cp.Commits) != cp.Chain || (cp.Count > 0 && cp.Commits[cp.Count-1] != cp.Head) {
		res.Problem = "the checkpoint's commits do not hash to its chain: the checkpoint was altered"
		return res
	}
	for i, h := range cp.Commits {
		if i >= len(line) || line[i] != h {
			res.Missing = append(res.Missing, cp.Commits[i:]...)
			break
		}
	}
	if len(res.Missing) == 0 && ChainOf(line[:cp.Count]) != cp.Chain {
		res.Problem = "the main line does not hash to the checkpoint's chain"
	}
	res.Held = len(res.Missing) == 0 && res.Problem == ""
	return res
}
