package gitrepo

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

// objectHash is the SHA-1 name git gives content of type typ.
func objectHash(typ, content string) string {
	s := sha1.Sum([]byte(fmt.Sprintf("%s %d\x00%s", typ, len(content), content)))
	return hex.EncodeToString(s[:])
}

// revFixture builds, with the git binary, a repository where revisions
// can be read wrongly: tags named like numbers and hash prefixes, an
// annotated tag and a tag of a tag, an octopus merge, branches with
// upstreams (remote and local), reflogs with known dates, checkouts for
// @{-n}, two commits sharing a 4-digit prefix and a blob sharing a
// prefix with a commit. It returns the builder and names of interest.
func revFixture(t *testing.T) (*repoBuilder, map[string]string) {
	b := newRepoBuilder(t)
	names := map[string]string{}
	b.write("a.txt", "one\n")
	b.git("add", "a.txt")
	c1 := b.commit("first")
	b.write("a.txt", "two\n")
	b.git("add", "a.txt")
	c2 := b.commit("second")
	c3 := b.commit("third")
	c4 := b.commit("fourth")
	names["c1"], names["c2"], names["c3"], names["c4"] = c1, c2, c3, c4
	// Tags that look like numbers and hash prefixes: git takes the tag.
	b.git("tag", "1", c2)
	b.git("tag", "42", c3)
	b.git("tag", "2026", c1)
	b.git("tag", c1[:7], c3) // a tag named like c1's short hash
	b.git("tag", "-a", "-m", "annotated", "v1", c2)
	b.git("tag", "-a", "-m", "tag of a tag", "vv", "v1")
	b.git("tag", "treetag", c1+"^{tree}")
	b.git("branch", "dup", c1)
	b.git("tag", "dup", c2) // refs/tags before refs/heads
	// An octopus merge of three side branches.
	for _, br := range []string{"a", "b", "c"} {
		b.git("checkout", "-q", "-b", br, c2)
		b.write(br+".txt", br+"\n")
		b.git("add", br+".txt")
		names[br] = b.commit("side " + br)
	}
	b.git("checkout", "-q", "main")
	b.clock += 60
	b.gitIn(nil, []string{fmt.Sprintf("GIT_COMMITTER_DATE=@%d +0000", b.clock), fmt.Sprintf("GIT_AUTHOR_DATE=@%d +0000", b.clock)},
		"merge", "-q", "--no-ff", "-m", "octopus", "a", "b", "c")
	names["octopus"] = strings.TrimSpace(b.git("rev-parse", "HEAD"))
	c6 := b.commit("after the octopus")
	names["c6"] = c6
	// Upstreams: origin/main (remote-tracking) and a branch tracking a
	// local one.
	b.git("config", "remote.origin.url", "/nonexistent")
	b.git("config", "remote.origin.fetch", "+refs/heads/*:refs/remotes/origin/*")
	b.git("update-ref", "refs/remotes/origin/main", c3)
	b.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main")
	b.git("branch", "--set-upstream-to=origin/main", "main")
	b.git("branch", "--track", "feat", "a")
	b.git("branch", "nou", c1)
	// Two commits sharing a 4-digit prefix, written as objects: found by
	// hashing candidate commits here, then stored with hash-object.
	tree := strings.TrimSpace(b.git("rev-parse", c1+"^{tree}"))
	seen := map[string]string{}
	var p1, p2 string
	for i := 0; i < 100000 && p2 == ""; i++ {
		content := fmt.Sprintf("tree %s\nparent %s\nauthor A <a@example.com> 1700000000 +0000\ncommitter A <a@example.com> 1700000000 +0000\n\ncollide %d\n", tree, c1, i)
		h := objectHash("commit", content)
		if prev, ok := seen[h[:4]]; ok {
			p1, p2 = prev, content
			break
		}
		seen[h[:4]] = content
	}
	if p2 == "" {
		t.Fatal("no two commits share a 4-digit prefix")
	}
	for i, content := range []string{p1, p2} {
		h := strings.TrimSpace(b.gitIn([]byte(content), nil, "hash-object", "-t", "commit", "-w", "--stdin"))
		b.git("branch", fmt.Sprintf("collide%d", i), h)
		names[fmt.Sprintf("collide%d", i)] = h
	}
	// A blob that shares c4's 4-digit prefix: the commit is the only
	// commit-ish of that prefix.
	for i := 0; ; i++ {
		content := fmt.Sprintf("blob %d\n", i)
		if h := objectHash("blob", content); h[:4] == c4[:4] {
			b.gitIn([]byte(content), nil, "hash-object", "-w", "--stdin")
			names["blobprefix"] = h
			break
		}
	}
	// Checkouts for @{-n}; a reflog entry made at a known date.
	b.git("checkout", "-q", "a")
	b.git("checkout", "-q", "feat")
	b.git("checkout", "-q", "main")
	b.clock += 3600
	b.gitIn(nil, []string{fmt.Sprintf("GIT_COMMITTER_DATE=@%d +0000", b.clock)}, "update-ref", "-m", "moved back", "refs/heads/main", c4)
	b.clock += 3600
	b.gitIn(nil, []string{fmt.Sprintf("GIT_COMMITTER_DATE=@%d +0000", b.clock)}, "update-ref", "-m", "moved on", "refs/heads/main", c6)
	return b, names
}

// gitRevParse is what git resolves rev to as a commit, or "" when it
// refuses.
func gitRevParse(t *testing.T, b *repoBuilder, rev string) string {
	cmd := exec.Command("git", "-C", b.dir, "rev-parse", "--verify", "-q", "--end-of-options", rev+"^{commit}")
	cmd.Env = gitEnv(b.dir)
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		return ""
	}
	return strings.TrimSpace(out.String())
}

func TestResolveMatchesGitRevParse(t *testing.T) {
	b, n := revFixture(t)
	repo, err := Open(b.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	at := func(sec int64) string { return fmt.Sprintf("%d", sec) }
	revs := []string{
		"HEAD", "@", "main", "refs/heads/main", "heads/main", "tags/1",
		"1", "42", "2026", n["c1"][:7], "dup", "v1", "vv", "v1^{}", "vv^{}", "v1^{commit}", "vv^0", "v1~1", "vv^{tag}",
		"treetag", "treetag^{}", "nosuch", "refs/nosuch",
		n["c1"], strings.ToUpper(n["c1"]), n["c2"][:8], strings.ToUpper(n["c2"][:6]), n["c3"][:4],
		n["collide0"][:4], n["collide0"][:5], n["collide1"][:12], n["c4"][:4], n["blobprefix"][:6], n["blobprefix"],
		"v1-3-g" + n["c2"][:7], "junk-g" + n["c3"][:8],
		"HEAD~", "HEAD~1", "HEAD~2", "HEAD^", "HEAD^^", "HEAD^0", "HEAD~1^1", "HEAD~1^2", "HEAD~1^3", "HEAD~1^4", "HEAD~1^5",
		"HEAD~1^4~1", "@~2", "@^", "HEAD~100", "main~0", "1~1", "2026^",
		"HEAD@{0}", "HEAD@{1}", "HEAD@{2}", "HEAD@{5}", "HEAD@{100}", "main@{0}", "main@{1}", "main@{2}", "main@{3}", "main@{6}", "main@{7}", "main@{8}",
		"@{0}", "@{1}", "@{2}", "main@{1}~1", "a@{0}", "a@{1}", "a@{2}", "feat@{1}",
		"main@{" + at(b.clock) + "}", "main@{" + at(b.clock-3600) + "}", "main@{" + at(b.clock-1) + "}", "main@{" + at(b.clock-3601) + "}",
		"main@{1000000000}", "main@{1999999999}",
		"main@{2023-11-14 22:15:00 +0000}", "main@{2023-11-14 22:16:30 +0000}", "main@{2023-11-14T22:16:30+00:00}",
		"main@{2001-01-01}", "main@{2030-01-01}", "HEAD@{2030-01-01 00:00:00 +0100}",
		"@{-1}", "@{-2}", "@{-3}", "@{-1}~1", "@{-100}",
		"main@{u}", "main@{upstream}", "main@{U}", "@{u}", "HEAD@{u}", "feat@{u}", "feat@{upstream}~1", "nou@{u}", "nosuch@{u}", "@{u}~1",
		"origin", "origin/main", "remotes/origin/main", "refs/remotes/origin/HEAD", "ORIG_HEAD", "FETCH_HEAD",
		"collide0", "heads/collide1",
	}
	resolved := 0
	for _, rev := range revs {
		want := gitRevParse(t, b, rev)
		if want != "" {
			resolved++
		}
		c, err := repo.Resolve(rev)
		got := ""
		if err == nil {
			got = c.Hash
		}
		if got != want {
			t.Errorf("%-40q smsctl %q (err %v), git %q", rev, got, err, want)
		}
	}
	// The table is worth something only if git resolves most of it.
	if resolved < len(revs)*2/3 {
		t.Errorf("git resolved only %d of %d revisions", resolved, len(revs))
	}
	t.Logf("%d of %d revisions resolved by git, all equal", resolved, len(revs))
}

// Forms smsctl refuses on purpose (they name no single commit, or their
// meaning depends on the clock) are refused with a message that names
// what is not supported.
func TestResolveRefusesClearly(t *testing.T) {
	b, n := revFixture(t)
	repo, err := Open(b.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	for rev, want := range map[string]string{
		"HEAD:a.txt":             "REV:PATH",
		":/second":               "REV:PATH",
		"HEAD^{tree}":            "needs a commit",
		"main..HEAD":             "ranges",
		"^main":                  "ranges",
		"HEAD^{/second}":         "not supported",
		"main@{push}":            "@{push} is not supported",
		"main@{yesterday}":       "unsupported date",
		"main@{2023-11-14}":      "give a time",
		"HEAD^@":                 "several commits",
		n["collide0"][:4]:        "ambiguous",
		"treetag":                "not a commit",
		"nou@{u}":                "no upstream configured",
		"HEAD~1^5":               "no parent 5",
		"nosuch":                 "does not exist",
		"-main":                  "cannot start with",
		n["collide1"][:4] + "~1": "candidates are",
		"main@{100}":             "only has",
		"refs/heads/.hidden":     "does not exist",
	} {
		_, err := repo.Resolve(rev)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Resolve(%q) = %v, want an error containing %q", rev, err, want)
		}
	}
	// The candidates of an ambiguous prefix are listed.
	_, err = repo.Resolve(n["collide0"][:4])
	for _, h := range []string{n["collide0"], n["collide1"]} {
		if err == nil || !strings.Contains(err.Error(), h) {
			t.Errorf("ambiguous prefix: %v does not list %s", err, h)
		}
	}
}
