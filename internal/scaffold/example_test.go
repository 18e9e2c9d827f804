package scaffold

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/smsctl/smsctl/internal/attest"

	"github.com/smsctl/smsctl/internal/finding"
	"github.com/smsctl/smsctl/internal/gitrepo"
	"github.com/smsctl/smsctl/internal/records"
)

// Commits on the main line of the replayed acme history validates, as
// it would have had to pass the CI gate, and the last one holds exactly the
// example's files.
func TestAcmeHistoryValidatesAtEveryCommit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	ex, err := LookupExample("acme")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	n, err := CreateExample(dir, ex)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("git", "-C", dir, "rev-list", "--first-parent", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	revs := strings.Fields(string(out))
	if len(revs) < 100 || n <= len(revs) {
		t.Fatalf("%d commits on the main line of %d; want a year of pull requests", len(revs), n)
	}
	repo, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i, rev := range revs {
		// Every third commit and both ends keep the test quick; the
		// differences between neighbours are single records.
		if i%3 != 0 && i != len(revs)-1 {
			continue
		}
		c, err := repo.Resolve(rev)
		if err != nil {
			t.Fatal(err)
		}
		fsys, err := repo.FS(c, ".")
		if err != nil {
			t.Fatal(err)
		}
		loaded, err := records.Load(fsys, records.Options{})
		if err != nil {
			t.Fatalf("%s: %v", rev, err)
		}
		if errs, _ := finding.Count(loaded.Findings); errs > 0 {
			t.Errorf("%s %q: %d errors, first %s: %s", rev[:12], c.Subject, errs, loaded.Findings[0].Location(), loaded.Findings[0].Message)
		}
		if i == 0 && len(loaded.Records) != 214 {
			t.Errorf("head has %d records, want the example's 214", len(loaded.Records))
		}
	}
	status, err := exec.Command("git", "-C", dir, "status", "--porcelain").Output()
	if err != nil || len(status) != 0 {
		t.Fatalf("work tree differs from the last commit: %s %v", status, err)
	}
}

// replayAcme writes the acme example, with its replayed history, into a
// new folder.
func replayAcme(t *testing.T) (string, *gitrepo.Repo) {
	t.Helper()
	ex, err := LookupExample("acme")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := CreateExample(dir, ex); err != nil {
		t.Fatal(err)
	}
	repo, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, repo
}

// The plan is deterministic: the same example gives the same commits and
// the same approval evidence.
func TestAcmeHistoryIsReproducible(t *testing.T) {
	var heads, notesRefs []string
	for range 2 {
		dir, repo := replayAcme(t)
		c, err := repo.Resolve("HEAD")
		if err != nil {
			t.Fatal(err)
		}
		heads = append(heads, c.Hash)
		ref, err := exec.Command("git", "-C", dir, "rev-parse", gitrepo.NotesRef).Output()
		if err != nil {
			t.Fatal(err)
		}
		notesRefs = append(notesRefs, strings.TrimSpace(string(ref)))
	}
	if heads[0] != heads[1] {
		t.Errorf("two replays gave heads %s and %s", heads[0], heads[1])
	}
	if notesRefs[0] != notesRefs[1] {
		t.Errorf("two replays gave notes %s and %s", notesRefs[0], notesRefs[1])
	}
}

// The replay keeps approval evidence for every merged pull request, signed
// by the example's attester key, which the example's sms.cue trusts; the
// reviews are the approvals the change records hold.
func TestAcmeHistoryAttestsPullRequests(t *testing.T) {
	_, repo := replayAcme(t)
	raw, err := repo.Notes(gitrepo.NotesRef)
	if err != nil {
		t.Fatal(err)
	}
	notes, err := attest.ReadNotes(repo, "", func(commit string, err error) { t.Errorf("note on %s: %v", commit, err) })
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != len(raw) {
		t.Fatalf("%d notes read of %d", len(notes), len(raw))
	}
	var merges int
	err = repo.History(gitrepo.HistoryOptions{}, func(c *gitrepo.HistoryCommit) error {
		if c.PR > 0 {
			merges++
			if notes[c.Hash] == nil {
				t.Errorf("pull request #%d (%s) has no note", c.PR, c.Hash[:12])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var withChanges, approved, raised int
	found := false
	for commit, a := range notes {
		if a.Check.Status != attest.Verified || a.Check.Attester != "acme example attester (for the example only)" || a.Source != attest.SourceOffline {
			t.Errorf("note on %s: %+v, source %q", commit, a.Check, a.Source)
		}
		if a.PullRequest.MergeCommit != commit || a.PullRequest.Number == 0 {
			t.Errorf("note on %s: pull request %+v", commit, a.PullRequest)
		}
		if len(a.Changes) == 0 {
			if len(a.Reviews) != 0 {
				t.Errorf("note on %s: reviews %+v without a change record", commit, a.Reviews)
			}
			continue
		}
		withChanges++
		if len(a.Approvals()) > 0 {
			approved++
		} else {
			raised++
		}
		if a.PullRequest.Number == 6 {
			found = true
			if a.Changes[0] != "CHG-2025-0001" || len(a.Reviews) != 1 || a.Reviews[0].Person != "priya-shah" || a.Reviews[0].Login != "pshah-acme" || !a.Reviews[0].OnHead {
				t.Errorf("#6: changes %v, reviews %+v; want CHG-2025-0001 approved by priya-shah (pshah-acme)", a.Changes, a.Reviews)
			}
			if a.Verdict.Result != VerdictNotJudged || a.PullRequest.HeadSHA == "" || a.PullRequest.HeadSHA == commit {
				t.Errorf("#6: verdict %q, head %q", a.Verdict.Result, a.PullRequest.HeadSHA)
			}
		}
	}
	if len(notes) != merges || !found || approved < 20 || raised < 10 {
		t.Errorf("%d notes for %d merges (%d with changes: %d approved, %d raised without approvals), #6 found %v", len(notes), merges, withChanges, approved, raised, found)
	}
}

// The example's attester key is the one its sms.cue lists, as an
// identity that says it is for the example only.
func TestExampleAttesterListed(t *testing.T) {
	ex, err := LookupExample("acme")
	if err != nil {
		t.Fatal(err)
	}
	_, _, data, err := records.Data("sms.cue", ex.files["sms.cue"])
	if err != nil {
		t.Fatal(err)
	}
	var sms struct {
		Attesters []attest.Attester `json:"attesters"`
	}
	if err := json.Unmarshal(data, &sms); err != nil {
		t.Fatal(err)
	}
	who, ok := attest.Listed(ExampleAttester().PublicKey(), sms.Attesters)
	if !ok || !strings.Contains(who, "for the example only") {
		t.Errorf("the example key is not listed as the example's attester: %+v", sms.Attesters)
	}
}
