package audit

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/smsctl/smsctl/internal/gitrepo"
	"github.com/smsctl/smsctl/internal/records"
)

func emptyRepo(t *testing.T) (*gitrepo.Repo, string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	repo, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return repo, repo.CacheDir()
}

// change i is a file change and the diff stored for it.
func change(i int) (gitrepo.FileChange, diffResult) {
	fc := gitrepo.FileChange{
		Status: 'M', Path: fmt.Sprintf("changes/2026/CHG-2026-%04d.cue", i),
		OldBlob: fmt.Sprintf("%040x", 2*i), NewBlob: fmt.Sprintf("%040x", 2*i+1),
	}
	fc.OldPath = fc.Path
	d := diffResult{kind: "change", id: fmt.Sprintf("CHG-2026-%04d", i), changes: []records.FieldChange{
		{Path: "status", Old: json.RawMessage(`"draft"`), New: json.RawMessage(fmt.Sprintf(`"rev %d"`, i))},
		{Path: "title", New: json.RawMessage(`"Title"`)},
	}}
	if i%3 == 0 {
		d = diffResult{kind: "change", id: d.id, note: "not a record: a syntax error"}
	}
	return fc, d
}

func load(t *testing.T, dir string) *diffCache {
	t.Helper()
	c, err := loadDiffCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func expectHit(t *testing.T, c *diffCache, i int) {
	t.Helper()
	fc, want := change(i)
	got, ok := c.get(fc)
	if !ok {
		t.Fatalf("change %d: not in the cache", i)
	}
	if got.kind != want.kind || got.id != want.id || got.note != want.note || !reflect.DeepEqual(got.changes, want.changes) &&
		!(len(got.changes) == 0 && len(want.changes) == 0) {
		t.Fatalf("change %d: got %+v, want %+v", i, got, want)
	}
}

// fill runs as audit log does: a cache it cannot use is an empty one.
func fill(t *testing.T, repo *gitrepo.Repo, dir string, ids ...int) {
	t.Helper()
	c, _ := loadDiffCache(dir)
	for _, i := range ids {
		fc, d := change(i)
		if _, ok := c.get(fc); ok {
			continue
		}
		c.put(fc, d)
	}
	if err := c.save(repo); err != nil {
		t.Fatal(err)
	}
}

// A run that asks in the order the cache was written reads it front to
// back and builds no index; any other order still finds everything.
func TestDiffCacheCursor(t *testing.T) {
	repo, dir := emptyRepo(t)
	fill(t, repo, dir, 1, 2, 3, 4, 5)

	c := load(t, dir)
	for i := 1; i <= 5; i++ {
		expectHit(t, c, i)
	}
	if c.index != nil {
		t.Error("reading in the written order built an index")
	}

	c = load(t, dir)
	for _, i := range []int{4, 2, 5, 1, 3} {
		expectHit(t, c, i)
	}
	if fc, _ := change(9); true {
		if _, ok := c.get(fc); ok {
			t.Error("a change never put was found")
		}
	}
}

// The cache is written in the order the run used it, then the records it
// did not use; each record once.
func TestDiffCacheSavesInOrderOfUse(t *testing.T) {
	repo, dir := emptyRepo(t)
	fill(t, repo, dir, 1, 2, 3, 4, 5)
	fill(t, repo, dir, 6, 3, 1, 7, 3, 6)

	c := load(t, dir)
	for _, i := range []int{6, 3, 1, 7, 2, 4, 5} {
		expectHit(t, c, i)
	}
	if c.index != nil {
		t.Error("the saved order is not the order of use")
	}
	if c.count != 7 {
		t.Errorf("count = %d, want 7", c.count)
	}
}

// A full run that read a cache out of order writes it again in its order;
// a run over a few records does not.
func TestDiffCacheReorders(t *testing.T) {
	repo, dir := emptyRepo(t)
	fill(t, repo, dir, 1, 2, 3, 4, 5, 6)
	path := filepath.Join(dir, diffCacheFile)
	before, _ := os.ReadFile(path)

	c := load(t, dir)
	expectHit(t, c, 5)
	if err := c.save(repo); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Fatal("a run over one record rewrote the cache")
	}

	c = load(t, dir)
	for _, i := range []int{6, 5, 4, 3} {
		expectHit(t, c, i)
	}
	if err := c.save(repo); err != nil {
		t.Fatal(err)
	}
	c = load(t, dir)
	for _, i := range []int{6, 5, 4, 3, 1, 2} {
		expectHit(t, c, i)
	}
	if c.index != nil {
		t.Error("the cache was not written in the order of the run that read most of it")
	}
}

// Nothing added, nothing written.
func TestDiffCacheUnchangedIsNotWritten(t *testing.T) {
	repo, dir := emptyRepo(t)
	fill(t, repo, dir, 1, 2)
	path := filepath.Join(dir, diffCacheFile)
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o755)
	c := load(t, dir)
	expectHit(t, c, 2)
	expectHit(t, c, 1)
	if err := c.save(repo); err != nil {
		t.Fatalf("save with nothing added: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}

// A damaged file is reported and ignored; a run on it computes again and
// writes a good one.
func TestDiffCacheDamaged(t *testing.T) {
	repo, dir := emptyRepo(t)
	fill(t, repo, dir, 1, 2, 3)
	path := filepath.Join(dir, diffCacheFile)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// withTrailer replaces the record count and puts a valid checksum.
	withTrailer := func(b []byte, count uint32) []byte {
		b = binary.LittleEndian.AppendUint32(b[:len(b)-8:len(b)-8], count)
		return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
	}
	for _, tt := range []struct {
		name    string
		damage  func([]byte) []byte
		atLoad  bool // the damage shows when the file is read
		message string
	}{
		{"flipped byte", func(b []byte) []byte { b[len(b)/2] ^= 1; return b }, true, "checksum mismatch"},
		{"truncated", func(b []byte) []byte { return b[:len(b)/2] }, true, "checksum mismatch"},
		{"other version", func(b []byte) []byte { return append([]byte("smsctl diff cache 0\n"), b[len(diffCacheMagic):]...) }, true, "not a cache file"},
		{"too short", func(b []byte) []byte { return b[:4] }, true, "not a cache file"},
		{"count wrong", func(b []byte) []byte { return withTrailer(b, 9) }, false, "record count mismatch"},
		{"record cut", func(b []byte) []byte {
			return withTrailer(append(b[:len(b)-8:len(b)-8], 0x7f, 'x', 0, 0, 0, 0, 0, 0, 0, 0), 3)
		}, false, "truncated record"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(path, tt.damage(append([]byte(nil), good...)), 0o644); err != nil {
				t.Fatal(err)
			}
			c, err := loadDiffCache(dir)
			if tt.atLoad != (err != nil) {
				t.Fatalf("load error = %v, want one: %v", err, tt.atLoad)
			}
			if err == nil {
				fc, _ := change(2) // not at the cursor: indexes
				if _, ok := c.get(fc); ok {
					t.Fatal("a damaged cache was used")
				}
				err = c.bad
			}
			if err == nil || !strings.Contains(err.Error(), tt.message) || !strings.Contains(err.Error(), path) {
				t.Fatalf("error = %v, want %q naming %s", err, tt.message, path)
			}
			fill(t, repo, dir, 1, 2, 3)
			c = load(t, dir)
			for i := 1; i <= 3; i++ {
				expectHit(t, c, i)
			}
			if c.bad != nil {
				t.Fatal(c.bad)
			}
		})
	}
}

// With caching off nothing is kept.
func TestDiffCacheOff(t *testing.T) {
	c, err := loadDiffCache("")
	if err != nil {
		t.Fatal(err)
	}
	fc, d := change(1)
	c.put(fc, d)
	if _, ok := c.get(fc); ok {
		t.Error("caching off kept a diff")
	}
}

// trail runs audit log over every record and describes what it shows.
func trail(t *testing.T, repo *gitrepo.Repo, cache bool) string {
	t.Helper()
	var errs []error
	entries, err := Log(repo, Options{Cache: cache, CacheError: func(err error) { errs = append(errs, err) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) > 0 {
		t.Fatalf("cache errors: %v", errs)
	}
	var b strings.Builder
	for _, e := range entries {
		fmt.Fprintf(&b, "%s %s %s note=%q\n", e.Commit[:8], e.Status, e.Path, e.Note)
		for _, c := range e.Changes {
			fmt.Fprintf(&b, "  %s: %s -> %s\n", c.Path, c.Old, c.New)
		}
	}
	return b.String()
}

// An addition and a deletion of the same blob at the same path are
// different diffs: after a revert of an added record, and after a
// delete-then-restore, the trail is the same with the cache (cold and
// warm) as without it.
func TestDiffCacheAdditionIsNotDeletion(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	record := "package sms\n\nservices: web: {\n\tname: \"Web\"\n\ttitle: \"Hosting\"\n}\n"
	for _, tt := range []struct {
		name  string
		steps []string // add, rm: a commit that adds or removes the record
	}{
		{"revert of an addition", []string{"add", "revert"}},
		{"delete then restore", []string{"add", "rm", "add"}},
		{"add, revert, add again", []string{"add", "revert", "add", "rm"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			git := func(args ...string) {
				t.Helper()
				cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=A", "-c", "user.email=a@example.com"}, args...)...)
				cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("git %v: %v\n%s", args, err, out)
				}
			}
			git("init", "-q", "-b", "main")
			git("commit", "-q", "--allow-empty", "-m", "root")
			p := filepath.Join(dir, "services", "web.cue")
			for i, step := range tt.steps {
				switch step {
				case "add":
					if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(p, []byte(record), 0o644); err != nil {
						t.Fatal(err)
					}
					git("add", "services/web.cue")
					git("commit", "-q", "-m", fmt.Sprintf("step %d: add", i))
				case "rm":
					git("rm", "-q", "services/web.cue")
					git("commit", "-q", "-m", fmt.Sprintf("step %d: rm", i))
				case "revert":
					git("revert", "--no-edit", "HEAD")
				}
			}
			repo, err := gitrepo.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer repo.Close()
			want := trail(t, repo, false)
			if !strings.Contains(want, "(none)") && !strings.Contains(want, " D ") {
				t.Fatalf("the trail has no deletion:\n%s", want)
			}
			for _, run := range []string{"cold", "warm", "warm again"} {
				if got := trail(t, repo, true); got != want {
					t.Fatalf("%s cache: trail differs from --no-cache:\n%s\nwant:\n%s", run, got, want)
				}
			}
		})
	}
}
