package scaffold

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/smsctl/smsctl/internal/attest"
	"github.com/smsctl/smsctl/internal/gitrepo"
)

// exampleAttesterKey signs the replayed examples' approval evidence. It is
// a test key FOR THE EXAMPLES ONLY: it ships inside every smsctl binary, so
// anyone can sign with it, and evidence it signs proves nothing outside
// the example. The example's sms.cue lists its public half as an attester;
// a real SMS never does.
//
//go:embed example_attester_key
var exampleAttesterKey []byte

// ExampleAttesterPrivateKey is the example's attester key itself, for
// tests that sign as the example does (for the examples only).
func ExampleAttesterPrivateKey() any {
	k, err := ssh.ParseRawPrivateKey(exampleAttesterKey)
	if err != nil {
		panic("the example attester key does not parse: " + err.Error())
	}
	return k
}

// ExampleAttester is the signer of the replayed examples' evidence (see
// exampleAttesterKey: for the examples only).
func ExampleAttester() ssh.Signer {
	s, err := ssh.ParsePrivateKey(exampleAttesterKey)
	if err != nil {
		panic("the example attester key does not parse: " + err.Error())
	}
	return s
}

// ReplayTool is the attestation's tool field in the replayed example: the
// evidence was built from the change records' approvals when the history
// was replayed, and no gate judged it then (its verdict says so).
const ReplayTool = "smsctl init --example (replayed history)"

// VerdictNotJudged is the verdict of evidence no gate judged.
const VerdictNotJudged = "not judged"

// WriteAttestations writes, for each pull request of the replayed history,
// the approval evidence `smsctl attest --offline` would have kept: a note
// under refs/notes/smsctl on its merge commit, signed by the example's
// attester key (for the example only), whose reviews are the approvals the
// change records it brought hold at that commit (a change raised for
// review holds none yet; a pull request of other records has none).
// ghRepo is OWNER/NAME. Call it after Write.
func (h *History) WriteAttestations(repo *gitrepo.Repo, ghRepo string) error {
	signer := ExampleAttester()
	type personInfo struct {
		GitHub string   `json:"github"`
		Roles  []string `json:"roles"`
	}
	people := map[string]personInfo{}
	for _, r := range h.records {
		if r.Kind == "person" {
			var p personInfo
			_ = json.Unmarshal(r.Data, &p)
			people[r.ID] = p
		}
	}
	login := func(id string) string { return people[id].GitHub }
	for _, m := range h.merged {
		var changes []string
		var reviews []attest.Review
		paths := make([]string, 0, len(m.step.changes))
		for p := range m.step.changes {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		for _, p := range paths {
			r := h.records[p]
			if r == nil || r.Kind != "change" {
				continue
			}
			changes = append(changes, r.ID)
			// The raised version of a change is its final file with the
			// approvals taken out: only the final version holds them.
			if !bytes.Equal(m.step.changes[p], h.final[p]) {
				continue
			}
			var c struct {
				Approvals []struct {
					By       string `json:"by"`
					At       string `json:"at"`
					Decision string `json:"decision"`
				} `json:"approvals"`
			}
			if err := json.Unmarshal(r.Data, &c); err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			for _, a := range c.Approvals {
				gh := login(a.By)
				if gh == "" || a.By == m.step.author {
					// No GitHub account, no review on GitHub; and GitHub
					// does not let a pull request's author review it (a
					// pull request of several records may hold one the
					// author approved as someone else's change).
					continue
				}
				at, ok := parseWhen(a.At)
				if !ok || at.After(m.at) {
					at = m.at.Add(-30 * time.Minute)
				}
				state := "APPROVED"
				if a.Decision != "approved" {
					state = "CHANGES_REQUESTED"
				}
				reviews = append(reviews, attest.Review{
					Login: gh, Person: a.By, Roles: append([]string{}, people[a.By].Roles...), State: state,
					CommitID: m.head, SubmittedAt: at.UTC(), OnHead: true,
				})
			}
		}
		if changes == nil {
			changes = []string{}
		}
		if reviews == nil {
			reviews = []attest.Review{}
		}
		s := m.step
		a := &attest.Attestation{
			Version: attest.Version, Repository: ghRepo,
			PullRequest: attest.PullRequest{
				Number: m.number, Title: s.title, URL: fmt.Sprintf("https://github.com/%s/pull/%d", ghRepo, m.number),
				Author: login(s.author), AuthorPerson: s.author, LastPusher: login(s.author), LastPusherPerson: s.author,
				BaseRef: "main", HeadSHA: m.head, MergeCommit: m.merge, MergedBy: login(s.merger), MergedAt: m.at.UTC(),
				Labels: []string{},
			},
			Changes: changes, Reviews: reviews,
			Verdict:    attest.Verdict{Result: VerdictNotJudged, Findings: []attest.Finding{}},
			AttestedAt: m.at.Add(5 * time.Minute).UTC(), Tool: ReplayTool, Source: attest.SourceOffline,
		}
		note, err := attest.Seal(a, signer)
		if err != nil {
			return err
		}
		who := h.people[s.merger]
		msg := fmt.Sprintf("smsctl attest: pull request #%d, merge commit %s\n", m.number, m.merge)
		if _, err := repo.AddNote(gitrepo.NotesRef, m.merge, note, gitrepo.Signature{Name: who.name, Email: who.email, When: a.AttestedAt}, msg); err != nil {
			return fmt.Errorf("attest pull request #%d: %w", m.number, err)
		}
	}
	return nil
}
