package scaffold

import (
	"os/exec"
	"strings"
	"testing"

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

// The plan is deterministic: the same example gives the same commits.
func TestAcmeHistoryIsReproducible(t *testing.T) {
	ex, err := LookupExample("acme")
	if err != nil {
		t.Fatal(err)
	}
	var heads []string
	for range 2 {
		dir := t.TempDir()
		if _, err := CreateExample(dir, ex); err != nil {
			t.Fatal(err)
		}
		repo, err := gitrepo.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		c, err := repo.Resolve("HEAD")
		if err != nil {
			t.Fatal(err)
		}
		heads = append(heads, c.Hash)
	}
	if heads[0] != heads[1] {
		t.Errorf("two replays gave heads %s and %s", heads[0], heads[1])
	}
}
