package gitrepo

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing/object"
)

// describe writes what History reported, in a form two runs can be
// compared by (times as instants with their offsets).
func describe(commits []*HistoryCommit) string {
	var b strings.Builder
	sig := func(s Signature) string {
		return fmt.Sprintf("%s <%s> %s", s.Name, s.Email, s.When.Format(time.RFC3339))
	}
	for _, c := range commits {
		fmt.Fprintf(&b, "%s %v pr=%d sig=%q\n  author %s\n  committer %s\n  %q\n",
			c.Hash, c.Parents, c.PR, c.Signature, sig(c.Author), sig(c.Committer), c.Message)
		for _, fc := range c.Changes {
			fmt.Fprintf(&b, "  %c %s <- %s [%s..%s]\n", fc.Status, fc.Path, fc.OldPath, fc.OldBlob, fc.NewBlob)
		}
	}
	return b.String()
}

// cachedRun runs History with the cache and returns what it reported and
// the cache errors it was told of.
func cachedRun(t *testing.T, dir string, opts HistoryOptions) (string, []error) {
	t.Helper()
	var errs []error
	opts.Cache = true
	opts.CacheError = func(err error) { errs = append(errs, err) }
	return describe(collect(t, openRepo(t, dir), opts)), errs
}

func cacheFile(dir string) string {
	return filepath.Join(dir, ".git", "smsctl", historyCacheFile)
}

// The history cache changes nothing History reports, with any selection,
// on the run that writes it and on the runs that read it.
func TestHistoryCacheReportsWhatTheWalkDoes(t *testing.T) {
	dir := generatedRepo(t, 7, 120, true)
	for _, opts := range []HistoryOptions{
		{},
		{Renames: true},
		{Match: func(p string) bool { return strings.HasSuffix(p, ".cue") || strings.Contains(p, "é") }},
	} {
		want := describe(collect(t, openRepo(t, dir), opts))
		if err := os.RemoveAll(filepath.Join(dir, ".git", "smsctl")); err != nil {
			t.Fatal(err)
		}
		for run := range 3 {
			got, errs := cachedRun(t, dir, opts)
			if len(errs) > 0 {
				t.Fatalf("run %d: cache errors: %v", run, errs)
			}
			if got != want {
				t.Fatalf("run %d with the cache (%+v) differs from the walk without:\n%s", run, opts, firstDiff(got, want))
			}
			if _, err := os.Stat(cacheFile(dir)); err != nil {
				t.Fatalf("run %d wrote no cache: %v", run, err)
			}
		}
	}
}

// New commits are added to the cache, not written again with it: the
// cache before is a prefix of the cache after.
func TestHistoryCacheGrowsIncrementally(t *testing.T) {
	b := newRepoBuilder(t)
	for i := range 5 {
		b.write(fmt.Sprintf("records/r%d.cue", i), fmt.Sprintf("r: %d\n", i))
		b.git("add", "-A")
		b.commit(fmt.Sprintf("Add r%d (#%d)", i, i+1))
	}
	if _, errs := cachedRun(t, b.dir, HistoryOptions{}); len(errs) > 0 {
		t.Fatal(errs)
	}
	before, err := os.ReadFile(cacheFile(b.dir))
	if err != nil {
		t.Fatal(err)
	}
	b.write("records/r1.cue", "r: 10\n")
	b.git("add", "-A")
	b.commit("Edit r1 (#6)")
	b.git("rm", "-q", "records/r2.cue")
	b.commit("Remove r2 (#7)")

	got, errs := cachedRun(t, b.dir, HistoryOptions{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if want := describe(collect(t, openRepo(t, b.dir), HistoryOptions{})); got != want {
		t.Fatalf("after new commits the cached walk differs:\n%s", firstDiff(got, want))
	}
	after, err := os.ReadFile(cacheFile(b.dir))
	if err != nil {
		t.Fatal(err)
	}
	// The trailer (count and checksum) is the last 8 bytes.
	if len(after) <= len(before) || !bytes.HasPrefix(after, before[:len(before)-8]) {
		t.Errorf("the cache was not appended to: %d bytes before, %d after", len(before), len(after))
	}
	if strings.Count(got, "\n  committer") != 7 {
		t.Errorf("want 7 commits:\n%s", got)
	}
}

// A rewritten history (a reset and other commits, an amended head) keeps
// what the two histories share and reports the new one exactly.
func TestHistoryCacheAfterRewrite(t *testing.T) {
	b := newRepoBuilder(t)
	for i := range 6 {
		b.write("a.cue", fmt.Sprintf("a: %d\n", i))
		b.git("add", "-A")
		b.commit(fmt.Sprintf("Edit a to %d", i))
	}
	if _, errs := cachedRun(t, b.dir, HistoryOptions{}); len(errs) > 0 {
		t.Fatal(errs)
	}
	b.git("reset", "-q", "--hard", "HEAD~3")
	b.write("b.cue", "b: 1\n")
	b.git("add", "-A")
	b.commit("Add b instead")
	b.write("b.cue", "b: 2\n")
	b.git("add", "-A")
	b.commit("Amend me")
	b.git("commit", "-q", "--amend", "-m", "Amended")

	for run := range 2 {
		got, errs := cachedRun(t, b.dir, HistoryOptions{})
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		want := describe(collect(t, openRepo(t, b.dir), HistoryOptions{}))
		if got != want {
			t.Fatalf("run %d after the rewrite differs:\n%s", run, firstDiff(got, want))
		}
		if strings.Contains(got, "Edit a to 5") || !strings.Contains(got, "Amended") {
			t.Fatalf("run %d reports the old history:\n%s", run, got)
		}
	}
}

// A damaged cache is reported, ignored and written again.
func TestHistoryCacheDamaged(t *testing.T) {
	dir := generatedRepo(t, 3, 40, false)
	want := describe(collect(t, openRepo(t, dir), HistoryOptions{}))
	if _, errs := cachedRun(t, dir, HistoryOptions{}); len(errs) > 0 {
		t.Fatal(errs)
	}
	good, err := os.ReadFile(cacheFile(dir))
	if err != nil {
		t.Fatal(err)
	}
	for name, damage := range map[string]func([]byte) []byte{
		"a flipped byte": func(b []byte) []byte { b[len(b)/2] ^= 0x40; return b },
		"truncated":      func(b []byte) []byte { return b[:len(b)-20] },
		"another version": func(b []byte) []byte {
			return append([]byte("smsctl history cache 0\n"), b[len(historyCacheMagic):]...)
		},
		"empty": func(b []byte) []byte { return nil },
	} {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(cacheFile(dir), damage(bytes.Clone(good)), 0o644); err != nil {
				t.Fatal(err)
			}
			got, errs := cachedRun(t, dir, HistoryOptions{})
			if got != want {
				t.Fatalf("with a damaged cache the walk differs:\n%s", firstDiff(got, want))
			}
			if len(errs) != 1 || !strings.Contains(errs[0].Error(), "history cache") {
				t.Fatalf("cache errors = %v, want one naming the history cache", errs)
			}
			again, errs := cachedRun(t, dir, HistoryOptions{})
			if again != want || len(errs) > 0 {
				t.Fatalf("the cache was not written again: errors %v", errs)
			}
		})
	}
}

// decodeSignature reads what go-git's object.Signature.Decode reads.
func TestDecodeSignatureMatchesGoGit(t *testing.T) {
	for _, s := range []string{
		"Ada Author <ada@example.com> 1700000000 +0200",
		"Ada Author <ada@example.com> 1700000000 -0530",
		"Ada Author <ada@example.com> 1700000000 +0000",
		"Ada <ada@example.com> 1700000000",
		"Ada <ada@example.com>",
		"Ada <> 1700000000 +0100",
		"<ada@example.com> 1700000000 +0100",
		"Ada Author <ada@example.com>   1700000000   +0100",
		"Ünïcødé Nämé <u@example.com> 1700000000 +1400",
		"Broken zone <b@example.com> 1700000000 +01",
		"Broken time <b@example.com> notatime +0100",
		"no email at all",
		"Two <a@x> <b@y> 1700000000 +0100",
	} {
		var want object.Signature
		want.Decode([]byte(s))
		got := decodeSignature(s)
		if got.Name != want.Name || got.Email != want.Email || !got.When.Equal(want.When) ||
			got.When.Format(time.RFC3339) != want.When.Format(time.RFC3339) {
			t.Errorf("%q: got %q <%q> %s, go-git %q <%q> %s", s, got.Name, got.Email, got.When.Format(time.RFC3339),
				want.Name, want.Email, want.When.Format(time.RFC3339))
		}
	}
}

// firstDiff shows where two descriptions part.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d:\n got  %s\n want %s", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("lengths differ: %d lines, want %d", len(g), len(w))
}

// A forged cache whose checksum was computed again is still caught: the
// changes are checked against the chain they form and the newest
// commit's tree, and a cache that fails is reported, ignored and written
// again.
func TestHistoryCacheForged(t *testing.T) {
	dir := generatedRepo(t, 5, 40, false)
	want := describe(collect(t, openRepo(t, dir), HistoryOptions{}))
	if _, errs := cachedRun(t, dir, HistoryOptions{}); len(errs) > 0 {
		t.Fatal(errs)
	}
	good, err := loadHistoryCache(filepath.Dir(cacheFile(dir)), MaxCacheSize)
	if err != nil || good == nil {
		t.Fatalf("load: %v", err)
	}
	// forge re-encodes the cache with fn applied to each record's changes
	// and a correct checksum.
	forge := func(fn func(i int, chs []change) []change) {
		t.Helper()
		var fresh [][]byte
		for i := len(good.hashes) - 1; i >= 0; i-- {
			rc, chs, err := good.record(i, nil)
			if err != nil {
				t.Fatal(err)
			}
			fresh = append(fresh, appendRecord(nil, rc, fn(i, chs)))
		}
		if err := saveHistoryCache(filepath.Dir(cacheFile(dir)), nil, 0, fresh, MaxCacheSize); err != nil {
			t.Fatal(err)
		}
	}
	mid := len(good.hashes) / 2
	for mid < len(good.hashes) {
		if _, chs, _ := good.record(mid, nil); len(chs) > 0 {
			break
		}
		mid++
	}
	for name, fn := range map[string]func(i int, chs []change) []change{
		"another blob": func(i int, chs []change) []change {
			if i == mid && chs[0].status != 'D' {
				chs[0].newHash[0] ^= 1
			} else if i == mid {
				chs[0].oldHash[0] ^= 1
			}
			return chs
		},
		"a dropped change": func(i int, chs []change) []change {
			if i == mid {
				return chs[1:]
			}
			return chs
		},
		"an invented file": func(i int, chs []change) []change {
			if i == mid {
				chs = append(chs, change{status: 'A', path: "invented.cue", oldPath: "invented.cue", newHash: chs[0].newHash, newMode: 0o100644})
			}
			return chs
		},
		"the same change moved": func(i int, chs []change) []change {
			if i == mid {
				chs[0].path, chs[0].oldPath = chs[0].path+"x", chs[0].path+"x"
			}
			return chs
		},
	} {
		t.Run(name, func(t *testing.T) {
			forge(fn)
			got, errs := cachedRun(t, dir, HistoryOptions{})
			if got != want {
				t.Fatalf("a forged cache changed the walk:\n%s", firstDiff(got, want))
			}
			if len(errs) != 1 || !strings.Contains(errs[0].Error(), "history cache") {
				t.Fatalf("cache errors = %v, want one naming the history cache", errs)
			}
			again, errs := cachedRun(t, dir, HistoryOptions{})
			if again != want || len(errs) > 0 {
				t.Fatalf("the cache was not written again: errors %v", errs)
			}
		})
	}
}
