package gitrepo

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

func openRepo(t testing.TB, dir string) *Repo {
	t.Helper()
	repo, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return repo
}

// The git commands whose output History must reproduce.
var (
	gitFirstParent        = []string{"--first-parent", "-m", "--no-renames"}
	gitAllCommits         = []string{"--diff-merges=first-parent", "--no-renames"}
	gitFirstParentRenames = []string{"--first-parent", "-m", "-M"}
	gitAllCommitsRenames  = []string{"--diff-merges=first-parent", "-M"}
)

func compareAllModes(t *testing.T, dir string) {
	t.Helper()
	repo := openRepo(t, dir)
	compareWithGit(t, "first-parent", collect(t, repo, HistoryOptions{}), gitLog(t, dir, gitFirstParent...))
	compareWithGit(t, "all commits", collect(t, repo, HistoryOptions{AllCommits: true}), gitLog(t, dir, gitAllCommits...))
	compareWithGit(t, "first-parent, renames", collect(t, repo, HistoryOptions{Renames: true}), gitLog(t, dir, gitFirstParentRenames...))
	compareWithGit(t, "all commits, renames", collect(t, repo, HistoryOptions{AllCommits: true, Renames: true}), gitLog(t, dir, gitAllCommitsRenames...))
}

// Random histories (adds, edits, deletions, renames with and without edits,
// copies, mode changes, file/folder swaps, links, submodules, deep and
// unicode paths, empty commits, side branches of several commits merged
// back, equal and skewed dates), compared with git log in every mode, once
// as fast-import packs them and once repacked.
func TestHistoryGenerated(t *testing.T) {
	for _, seed := range []int64{1, 2, 3, 4} {
		t.Run("seed"+strconv.FormatInt(seed, 10), func(t *testing.T) {
			t.Parallel()
			dir := generatedRepo(t, seed, 160, seed%2 == 0)
			compareAllModes(t, dir)
		})
	}
}

// A history made with git porcelain (loose objects): git mv, renames with
// edits, chmod +x, file<->folder swaps, deep trees, unicode and spaces in
// names, links, a submodule entry, empty commits, and a branch of several
// commits merged with --no-ff.
func TestHistoryPorcelain(t *testing.T) {
	b := newRepoBuilder(t)
	text := strings.Repeat("a line of text that stays\n", 20)
	b.write("sms/records/inc-1.cue", text)
	b.write("sms/records/inc-2.cue", "two\n")
	b.write("README.md", "readme\n")
	b.git("add", "-A")
	root := b.commit("Initial")
	b.commit("Nothing here")

	b.git("mv", "sms/records/inc-1.cue", "sms/records/renamed.cue")
	b.commit("Rename (#7)")

	if err := os.MkdirAll(filepath.Join(b.dir, "sms/moved"), 0o755); err != nil {
		t.Fatal(err)
	}
	b.git("mv", "sms/records/renamed.cue", "sms/moved/again.cue")
	b.write("sms/moved/again.cue", text+"one more line\n")
	b.git("add", "-A")
	b.commit("Rename with an edit")

	if err := os.Chmod(filepath.Join(b.dir, "README.md"), 0o755); err != nil {
		t.Fatal(err)
	}
	b.git("add", "-A")
	b.commit("chmod +x")

	// file -> folder, folder -> file
	b.git("rm", "-q", "sms/records/inc-2.cue")
	b.write("sms/records/inc-2.cue/inside.cue", "inside\n")
	b.git("add", "-A")
	b.commit("File becomes a folder")
	b.git("rm", "-q", "-r", "sms/moved")
	b.write("sms/moved", "now a file\n")
	b.git("add", "-A")
	b.commit("Folder becomes a file")

	deep := "d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/d11/d12/deep.cue"
	b.write(deep, "deep\n")
	b.write("sms/ünïcödé dir/file with spaces.cue", "unicode\n")
	b.write("sms/日本/レコード.cue", "japanese\n")
	b.write("sms/quote\"d.cue", "quoted\n")
	if err := os.Symlink("../README.md", filepath.Join(b.dir, "sms/link")); err != nil {
		t.Fatal(err)
	}
	b.git("add", "-A")
	b.commit("Deep, unicode, link")

	b.git("checkout", "-q", "-b", "topic")
	b.write("sms/records/topic-1.cue", "t1\n")
	b.git("add", "-A")
	b.commit("Topic 1")
	b.write(deep, "deeper\n")
	b.git("add", "-A")
	b.commit("Topic 2")
	b.git("mv", "sms/ünïcödé dir/file with spaces.cue", "sms/ünïcödé dir/renamed with spaces.cue")
	b.commit("Topic 3")
	b.git("checkout", "-q", "main")
	b.write("sms/records/main-1.cue", "m1\n")
	b.git("add", "-A")
	b.commit("Main meanwhile")
	b.merge("topic", "Merge pull request #12 from org/topic")
	b.git("update-index", "--add", "--cacheinfo", "160000,"+root+",vendor/sub")
	b.commit("Submodule")

	b.git("rm", "-q", "--cached", "vendor/sub")
	b.git("rm", "-q", "sms/link", deep)
	b.commit("Deletions")
	b.commit("Empty at the end")

	compareAllModes(t, b.dir)

	// Spot checks of fields git log does not show in --raw.
	repo := openRepo(t, b.dir)
	got := collect(t, repo, HistoryOptions{})
	merge := got[3]
	if merge.PR != 12 || len(merge.Parents) != 2 || merge.Subject != "Merge pull request #12 from org/topic" {
		t.Errorf("merge commit: PR %d, parents %v, subject %q", merge.PR, merge.Parents, merge.Subject)
	}
	var renamed *HistoryCommit
	for _, c := range got {
		if c.Subject == "Rename (#7)" {
			renamed = c
		}
	}
	if renamed == nil || renamed.PR != 7 || renamed.Author.Name != "Ada Author" || renamed.Committer.Email != "cy@example.com" {
		t.Fatalf("rename commit: %+v", renamed)
	}
	if _, off := renamed.Author.When.Zone(); off != 7200 || renamed.Committer.When.Unix() != renamed.Author.When.Unix()+30 {
		t.Errorf("dates: author %v, committer %v", renamed.Author.When, renamed.Committer.When)
	}
	if last := got[len(got)-1]; last.Hash != root || len(last.Parents) != 0 || last.Message != "Initial\n" {
		t.Errorf("root commit: %+v", last)
	}
	if got[0].Subject != "Empty at the end" || len(got[0].Changes) != 0 {
		t.Errorf("an empty commit is reported, with no change: %+v", got[0])
	}
}

// This project's own history, read-only.
func TestHistoryOwnRepository(t *testing.T) {
	needGit(t)
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("git", "-C", dir, "rev-list", "--count", "HEAD")
	cmd.Env = gitEnv(dir)
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("no Git history at %s: %v", dir, err)
	}
	if n, _ := strconv.Atoi(strings.TrimSpace(string(out))); n < 2 {
		t.Skipf("%s has %d commits", dir, n)
	}
	if _, err := os.Stat(filepath.Join(dir, ".git", "shallow")); err == nil {
		t.Skipf("%s is a shallow clone", dir)
	}
	repo := openRepo(t, dir)
	compareWithGit(t, "first-parent", collect(t, repo, HistoryOptions{}), gitLog(t, dir, gitFirstParent...))
	compareWithGit(t, "first-parent, renames", collect(t, repo, HistoryOptions{Renames: true}), gitLog(t, dir, gitFirstParentRenames...))
	compareWithGit(t, "all commits", collect(t, repo, HistoryOptions{AllCommits: true}), gitLog(t, dir, gitAllCommits...))
}

// A linked work tree (objects in the main Git folder, found through its
// commondir file) and a clone made with --shared (objects found through
// objects/info/alternates, which History reads through go-git).
func TestHistoryWorktreeAndAlternates(t *testing.T) {
	origin := generatedRepo(t, 7, 60, true)
	b := &repoBuilder{t: t, dir: origin}
	wt := filepath.Join(t.TempDir(), "wt")
	b.git("worktree", "add", "-q", "-b", "wt", wt)
	compareWithGit(t, "linked work tree", collect(t, openRepo(t, wt), HistoryOptions{}), gitLog(t, wt, gitFirstParent...))

	shared := filepath.Join(t.TempDir(), "shared")
	b.git("clone", "-q", "--shared", origin, shared)
	sb := &repoBuilder{t: t, dir: shared, clock: 1_800_000_000}
	sb.write("new.cue", "new\n")
	sb.git("add", "-A")
	sb.commit("A commit of the clone's own")
	if _, err := os.Stat(filepath.Join(shared, ".git/objects/info/alternates")); err != nil {
		t.Fatal(err)
	}
	compareAllModes(t, shared)
}

func TestHistoryFilters(t *testing.T) {
	dir := generatedRepo(t, 5, 120, true)
	repo := openRepo(t, dir)
	full := gitLog(t, dir, gitFirstParent...)
	fullAll := gitLog(t, dir, gitAllCommits...)

	cue := func(p string) bool { return strings.HasSuffix(p, ".cue") }
	compareWithGit(t, "Match", collect(t, repo, HistoryOptions{Match: cue}), filterGit(full, "", cue))
	compareWithGit(t, "Match, all commits", collect(t, repo, HistoryOptions{Match: cue, AllCommits: true}), filterGit(fullAll, "", cue))
	for _, sub := range []string{"deep", "side1", "x/a", "./b/"} {
		clean := strings.Trim(strings.TrimPrefix(sub, "./"), "/")
		compareWithGit(t, "Sub "+sub, collect(t, repo, HistoryOptions{Sub: sub}), filterGit(full, clean, nil))
		compareWithGit(t, "Sub and Match "+sub, collect(t, repo, HistoryOptions{Sub: sub, Match: cue}), filterGit(full, clean, cue))
		// Git's --relative (without a pathspec, which would let Git's
		// history simplification follow a merge's side branch) agrees.
		// (--relative takes a string prefix: "x/a" would match "x/a.b".)
		compareWithGit(t, "Sub vs git --relative "+sub, collect(t, repo, HistoryOptions{Sub: sub}), filterGit(gitLog(t, dir, append([]string{"--relative=" + clean + "/"}, gitFirstParent...)...), "", nil))
	}
	if n := len(collect(t, repo, HistoryOptions{Sub: "no/such/folder"})); n != 0 {
		t.Errorf("a folder that never existed: %d commits", n)
	}
	if n := len(collect(t, repo, HistoryOptions{Match: func(string) bool { return false }})); n != 0 {
		t.Errorf("Match that matches nothing: %d commits", n)
	}
}

func TestHistorySinceUntil(t *testing.T) {
	dir := generatedRepo(t, 6, 100, false)
	repo := openRepo(t, dir)
	all := collect(t, repo, HistoryOptions{AllCommits: true})
	since, until := all[len(all)*2/3].Committer.When, all[len(all)/4].Committer.When
	at := func(tm time.Time) string { return "@" + strconv.FormatInt(tm.Unix(), 10) }
	compareWithGit(t, "since/until first-parent", collect(t, repo, HistoryOptions{Since: since, Until: until}),
		gitLog(t, dir, append([]string{"--since=" + at(since), "--until=" + at(until)}, gitFirstParent...)...))
	compareWithGit(t, "since/until all", collect(t, repo, HistoryOptions{Since: since, Until: until, AllCommits: true}),
		gitLog(t, dir, append([]string{"--since=" + at(since), "--until=" + at(until)}, gitAllCommits...)...))
	compareWithGit(t, "since", collect(t, repo, HistoryOptions{Since: since}),
		gitLog(t, dir, append([]string{"--since=" + at(since)}, gitFirstParent...)...))
	compareWithGit(t, "until", collect(t, repo, HistoryOptions{Until: until}),
		gitLog(t, dir, append([]string{"--until=" + at(until)}, gitFirstParent...)...))
}

func TestHistoryRevStopAndBlob(t *testing.T) {
	b := newRepoBuilder(t)
	b.write("a.cue", "one\n")
	b.git("add", "-A")
	first := b.commit("one")
	b.write("a.cue", "two\n")
	b.git("add", "-A")
	second := b.commit("two")
	b.write("b.cue", "three\n")
	b.git("add", "-A")
	b.commit("three")
	b.git("tag", "-a", "-m", "tagged", "v1", second)
	repo := openRepo(t, b.dir)

	for _, rev := range []string{"HEAD~1", "v1", second, second[:8], "main~1"} {
		got := collect(t, repo, HistoryOptions{Rev: rev})
		if len(got) != 2 || got[0].Hash != second || got[1].Hash != first {
			t.Errorf("Rev %q: %d commits", rev, len(got))
		}
	}

	var seen int
	err := repo.History(HistoryOptions{}, func(c *HistoryCommit) error {
		seen++
		return ErrStop
	})
	if err != nil || seen != 1 {
		t.Errorf("ErrStop: err %v after %d commits", err, seen)
	}
	boom := errors.New("boom")
	if err := repo.History(HistoryOptions{}, func(*HistoryCommit) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("callback error: %v", err)
	}

	got := collect(t, repo, HistoryOptions{Rev: second})
	ch := got[0].Changes[0]
	if ch.Status != 'M' || ch.Path != "a.cue" {
		t.Fatalf("change: %+v", ch)
	}
	for blob, want := range map[string]string{ch.OldBlob: "one\n", ch.NewBlob: "two\n"} {
		data, err := repo.Blob(blob)
		if err != nil || string(data) != want {
			t.Errorf("Blob(%s) = %q, %v", blob, data, err)
		}
	}
	if _, err := repo.Blob(strings.Repeat("ab", 20)); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("Blob of a missing hash: %v", err)
	}
	// The same from History's callback, which reads through the walk.
	err = repo.History(HistoryOptions{Rev: second}, func(c *HistoryCommit) error {
		for _, ch := range c.Changes {
			data, err := repo.Blob(ch.NewBlob)
			if want := map[string]string{first: "one\n", second: "two\n"}[c.Hash]; err != nil || string(data) != want {
				t.Errorf("Blob(%s) in History = %q, %v; want %q", ch.NewBlob, data, err, want)
			}
		}
		if _, err := repo.Blob(strings.Repeat("ab", 20)); err == nil || !strings.Contains(err.Error(), "does not exist") {
			t.Errorf("Blob of a missing hash in History: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.Blob("nothex"); err == nil {
		t.Error("Blob of a bad hash: no error")
	}
}

func TestCommitAt(t *testing.T) {
	b := newRepoBuilder(t)
	var hashes []string
	for i := range 4 {
		b.write("f.cue", strconv.Itoa(i)+"\n")
		b.git("add", "-A")
		hashes = append(hashes, b.commit("c"+strconv.Itoa(i)))
	}
	repo := openRepo(t, b.dir)
	got := collect(t, repo, HistoryOptions{})
	when := func(i int) time.Time { return got[len(got)-1-i].Committer.When } // commit i's time
	cases := []struct {
		at   time.Time
		want string
	}{
		{when(3).Add(time.Hour), hashes[3]},
		{when(3), hashes[3]},
		{when(3).Add(-time.Second), hashes[2]},
		{when(1).Add(30 * time.Second), hashes[1]},
		{when(0), hashes[0]},
	}
	for _, c := range cases {
		cm, err := repo.CommitAt("", c.at)
		if err != nil || cm.Hash != c.want {
			t.Errorf("CommitAt(%v) = %v, %v; want %s", c.at, cm, err, short(c.want))
			continue
		}
		if cm.When.After(c.at) || cm.Subject == "" {
			t.Errorf("CommitAt(%v): commit of %v, subject %q", c.at, cm.When, cm.Subject)
		}
		fsys, err := repo.FS(cm, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fsys.Open("f.cue"); err != nil {
			t.Errorf("FS of CommitAt's commit: %v", err)
		}
	}
	if cm, err := repo.CommitAt("HEAD~2", when(3)); err != nil || cm.Hash != hashes[1] {
		t.Errorf("CommitAt(HEAD~2, now) = %v, %v", cm, err)
	}
	if _, err := repo.CommitAt("", when(0).Add(-time.Second)); err == nil || !strings.Contains(err.Error(), "no commit on the first-parent line") {
		t.Errorf("CommitAt before the first commit: %v", err)
	}
}

func TestParsePR(t *testing.T) {
	for subject, want := range map[string]int{
		"Merge pull request #12 from org/branch":  12,
		"Merge pull request #7 from a/b-c (#9)":   7,
		"Merge pull request #12":                  12,
		"Title of change (#34)":                   34,
		"Title of change (#34)  ":                 34,
		"Fix (#1) and more":                       0,
		"Merge branch 'main' into topic":          0,
		"Merge pull request #x from org/branch":   0,
		"Merge pull request #12from org/branch":   0,
		"Title (#)":                               0,
		"Title (#3a)":                             0,
		"Title #34":                               0,
		"":                                        0,
		"Revert \"Title (#5)\" (#6)":              6,
		"Merge pull request #1234567890 from x/y": 0,
	} {
		if got := ParsePR(subject); got != want {
			t.Errorf("ParsePR(%q) = %d, want %d", subject, got, want)
		}
	}
}

func TestHistoryErrors(t *testing.T) {
	needGit(t)
	t.Run("unknown revision", func(t *testing.T) {
		b := newRepoBuilder(t)
		b.commit("one")
		repo := openRepo(t, b.dir)
		err := repo.History(HistoryOptions{Rev: "nope"}, func(*HistoryCommit) error { return nil })
		if err == nil || !strings.Contains(err.Error(), `revision "nope" does not exist`) {
			t.Errorf("unknown revision: %v", err)
		}
		if _, err := repo.CommitAt("nope", time.Now()); err == nil || !strings.Contains(err.Error(), "does not exist") {
			t.Errorf("CommitAt unknown revision: %v", err)
		}
	})
	t.Run("no commits", func(t *testing.T) {
		b := newRepoBuilder(t)
		repo := openRepo(t, b.dir)
		err := repo.History(HistoryOptions{}, func(*HistoryCommit) error { return nil })
		if err == nil || !strings.Contains(err.Error(), "has no commits yet") {
			t.Errorf("no commits: %v", err)
		}
	})
	t.Run("shallow clone", func(t *testing.T) {
		b := newRepoBuilder(t)
		var hashes []string
		for i := range 6 {
			b.write("f.cue", strconv.Itoa(i)+"\n")
			b.git("add", "-A")
			hashes = append(hashes, b.commit("c"+strconv.Itoa(i)))
		}
		clone := filepath.Join(t.TempDir(), "clone")
		b.git("clone", "-q", "--depth", "3", "file://"+b.dir, clone)
		repo := openRepo(t, clone)
		for _, all := range []bool{false, true} {
			var got []string
			err := repo.History(HistoryOptions{AllCommits: all}, func(c *HistoryCommit) error {
				got = append(got, c.Hash)
				return nil
			})
			var shallow ErrShallow
			if !errors.As(err, &shallow) || shallow.Commit != hashes[3] || !strings.Contains(err.Error(), "cut at commit "+hashes[3]) {
				t.Errorf("AllCommits=%v: error %v, want ErrShallow at %s", all, err, short(hashes[3]))
			}
			if len(got) != 2 || got[0] != hashes[5] || got[1] != hashes[4] {
				t.Errorf("AllCommits=%v: reported %v before the cut", all, got)
			}
		}
		// A walk that ends before the cut is not an error.
		since := time.Unix(b.clock-60, 0) // the last two commits
		if got := collect(t, repo, HistoryOptions{Since: since}); len(got) != 2 {
			t.Errorf("Since within the clone: %d commits", len(got))
		}
		if _, err := repo.CommitAt("", time.Unix(b.clock-5*60, 0)); !errors.As(err, &ErrShallow{}) {
			t.Errorf("CommitAt beyond the cut: %v", err)
		}
	})
	t.Run("missing object", func(t *testing.T) {
		b := newRepoBuilder(t)
		b.write("dir/a.cue", "a\n")
		b.git("add", "-A")
		b.commit("one")
		b.write("dir/a.cue", "b\n")
		b.git("add", "-A")
		b.commit("two")
		tree := strings.TrimSpace(b.git("rev-parse", "HEAD~1:dir"))
		if err := os.Remove(filepath.Join(b.dir, ".git", "objects", tree[:2], tree[2:])); err != nil {
			t.Fatal(err)
		}
		repo := openRepo(t, b.dir)
		err := repo.History(HistoryOptions{}, func(*HistoryCommit) error { return nil })
		var missing *MissingObjectError
		if !errors.As(err, &missing) || missing.Hash != tree || !strings.Contains(err.Error(), tree) || !strings.Contains(err.Error(), "tree of dir") {
			t.Errorf("missing tree: %v", err)
		}

		parent := strings.TrimSpace(b.git("rev-parse", "HEAD~1"))
		if err := os.Remove(filepath.Join(b.dir, ".git", "objects", parent[:2], parent[2:])); err != nil {
			t.Fatal(err)
		}
		err = repo.History(HistoryOptions{}, func(*HistoryCommit) error { return nil })
		if !errors.As(err, &missing) || missing.Hash != parent || !strings.Contains(err.Error(), "first parent of commit") {
			t.Errorf("missing parent: %v", err)
		}
	})
}

// A commit signed with an SSH key, one signed with a fake PGP signature and
// an unsigned one.
func TestHistorySignatureKind(t *testing.T) {
	b := newRepoBuilder(t)
	b.commit("unsigned")
	// A PGP signature header written by hand (Git does not check it).
	tree := strings.TrimSpace(b.git("rev-parse", "HEAD^{tree}"))
	head := strings.TrimSpace(b.git("rev-parse", "HEAD"))
	raw := "tree " + tree + "\nparent " + head + "\nauthor A <a@x> 1700000000 +0000\ncommitter A <a@x> 1700000000 +0000\n" +
		"gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n\nsigned with gpg\n"
	pgp := strings.TrimSpace(b.gitIn([]byte(raw), nil, "hash-object", "-t", "commit", "-w", "--stdin"))
	b.git("update-ref", "refs/heads/main", pgp)

	kinds := map[string]string{"unsigned": "", "signed with gpg": SignatureGPG}
	if _, err := exec.LookPath("ssh-keygen"); err == nil {
		key := filepath.Join(t.TempDir(), "key")
		if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key).CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen: %v\n%s", err, out)
		}
		b.git("config", "gpg.format", "ssh")
		b.git("config", "user.signingkey", key+".pub")
		cmd := exec.Command("git", "-C", b.dir, "commit", "-q", "--allow-empty", "-S", "-m", "signed with ssh")
		cmd.Env = gitEnv(b.dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Logf("git cannot sign with ssh-keygen here, SSH signature not tested: %v\n%s", err, out)
		} else {
			kinds["signed with ssh"] = SignatureSSH
		}
		defer func() {
			if t.Failed() {
				t.Log(b.git("cat-file", "-p", "HEAD"))
			}
		}()
	} else {
		t.Log("ssh-keygen not installed: SSH signature not tested")
	}
	repo := openRepo(t, b.dir)
	got := collect(t, repo, HistoryOptions{})
	for _, c := range got {
		if want, ok := kinds[c.Subject]; !ok || c.Signature != want {
			t.Errorf("%q: signature %q, want %q", c.Subject, c.Signature, want)
		}
		delete(kinds, c.Subject)
	}
	if len(kinds) != 0 {
		t.Errorf("commits not reported: %v", kinds)
	}
}

// BenchmarkHistory walks a generated repository of 2,000 commits with
// History, and runs the matching git log for comparison. Set
// SMSCTL_HISTORY_BENCH_REPO to use an existing repository instead, or
// SMSCTL_HISTORY_BENCH_COMMITS=N for an SMS-shaped one of N commits.
func BenchmarkHistory(b *testing.B) {
	dir := os.Getenv("SMSCTL_HISTORY_BENCH_REPO")
	if n, _ := strconv.Atoi(os.Getenv("SMSCTL_HISTORY_BENCH_COMMITS")); dir == "" && n > 0 {
		dir = smsLikeRepo(b, 42, n)
	}
	if dir == "" {
		dir = generatedRepo(b, 42, 2000, true)
	}
	needGit(b)
	repo := openRepo(b, dir)
	for _, m := range []struct {
		name string
		opts HistoryOptions
		git  []string
	}{
		{"first-parent", HistoryOptions{}, []string{"--first-parent", "-m", "--name-status", "--no-renames"}},
		{"all", HistoryOptions{AllCommits: true}, []string{"--diff-merges=first-parent", "--name-status", "--no-renames"}},
		{"first-parent-renames", HistoryOptions{Renames: true}, []string{"--first-parent", "-m", "--name-status", "-M"}},
	} {
		b.Run(m.name+"/History", func(b *testing.B) {
			b.ReportAllocs()
			commits := 0
			for b.Loop() {
				commits = 0
				if err := repo.History(m.opts, func(*HistoryCommit) error { commits++; return nil }); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(commits), "commits")
		})
		b.Run(m.name+"/git-log", func(b *testing.B) {
			for b.Loop() {
				cmd := exec.Command("git", append([]string{"-C", dir, "log", "--format=%H"}, m.git...)...)
				cmd.Env = gitEnv(dir)
				if err := cmd.Run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Every object of a repository repacked with long delta chains reads the
// same through History's object reader as through go-git.
func TestObjectReaderMatchesGoGit(t *testing.T) {
	dir := generatedRepo(t, 8, 120, false)
	b := &repoBuilder{t: t, dir: dir}
	b.git("repack", "-a", "-d", "-f", "-q", "--depth=50", "--window=50")
	// A few loose objects besides the pack.
	b.write("loose.cue", "loose\n")
	b.git("add", "-A")
	b.git("stash", "-q")
	repo := openRepo(t, dir)
	s, err := repo.openStore()
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	if len(s.reader.packs) != 1 {
		t.Fatalf("%d packs", len(s.reader.packs))
	}
	iter, err := repo.repo.Storer.IterEncodedObjects(plumbing.AnyObject)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = iter.ForEach(func(o plumbing.EncodedObject) error {
		n++
		rd, err := o.Reader()
		if err != nil {
			return err
		}
		defer rd.Close()
		want, err := io.ReadAll(rd)
		if err != nil {
			return err
		}
		typ, got, err := s.reader.read(o.Hash(), 1<<40)
		if err != nil {
			return fmt.Errorf("%s: %w", o.Hash(), err)
		}
		if typ != objTypes[o.Type()] || got != string(want) {
			t.Errorf("%s %s: type %d, %d bytes; go-git: %d bytes", o.Type(), o.Hash(), typ, len(got), len(want))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 500 {
		t.Errorf("only %d objects", n)
	}
	if _, _, err := s.reader.read(plumbing.NewHash(strings.Repeat("ab", 20)), 1<<40); !errors.Is(err, errNotFound) {
		t.Errorf("a missing object: %v", err)
	}
}

func TestPatchDeltaRejectsBadDeltas(t *testing.T) {
	base := "hello, world"
	ok := []byte{12, 5, 0x90, 5} // copy 5 bytes from offset 0
	if got, err := patchDelta(base, ok, 1<<40); err != nil || got != "hello" {
		t.Fatalf("patchDelta = %q, %v", got, err)
	}
	for _, bad := range [][]byte{
		{},
		{11, 5, 0x90, 5},      // wrong base size
		{12, 6, 0x90, 5},      // result too short
		{12, 5, 0x91, 10, 5},  // copy beyond the base
		{12, 5, 0},            // reserved op
		{12, 5, 3, 'a'},       // insert beyond the delta
		{12, 2, 0x90, 5},      // result too long
		{12, 5, 0x90},         // truncated copy
		{12, 5, 0x91, 1, 0x7}, // copy without its size byte, then garbage
	} {
		if _, err := patchDelta(base, bad, 1<<40); err == nil {
			t.Errorf("patchDelta(%v): no error", bad)
		}
	}
}
