package reconcile

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smsctl/smsctl/internal/records"
)

const changeFile = `package sms

// A change kept by hand: this comment stays.
changes: "CHG-2026-0001": {
	title:  "Rotate keys" // and this one
	status: "approved"
}
`

// plan sets status to implemented in changes/2026/CHG-2026-0001.cue and adds
// a line to notes.txt, as read from dir.
func testPlan(t *testing.T, dir string) *Plan {
	t.Helper()
	p := &Plan{Files: map[string]string{}}
	for _, f := range []string{"changes/2026/CHG-2026-0001.cue", "notes.txt"} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		p.Files[f] = digest(data)
	}
	content := "new notes\n"
	p.Changes = []Change{
		{File: "changes/2026/CHG-2026-0001.cue", Record: "change/CHG-2026-0001", Field: "status",
			Edit: &records.Edit{Op: records.EditSet, Path: []string{"status"}, Value: json.RawMessage(`"implemented"`)}},
		{File: "notes.txt", Content: &content},
	}
	return p
}

func testDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range map[string]string{"changes/2026/CHG-2026-0001.cue": changeFile, "notes.txt": "old notes\n"} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func read(t *testing.T, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestApplyEditsInPlace(t *testing.T) {
	dir := testDir(t)
	written, err := Apply(dir, testPlan(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(written, " ") != "changes/2026/CHG-2026-0001.cue notes.txt" {
		t.Errorf("written %v", written)
	}
	want := strings.Replace(changeFile, `status: "approved"`, `status: "implemented"`, 1)
	if got := read(t, dir, "changes/2026/CHG-2026-0001.cue"); got != want {
		t.Errorf("the record file:\n%s\nwant every other byte kept:\n%s", got, want)
	}
	if got := read(t, dir, "notes.txt"); got != "new notes\n" {
		t.Errorf("notes.txt = %q", got)
	}
	// Applying the same plan again: the files no longer hold what it read.
	if _, err := Apply(dir, testPlan(t, testDir(t))); !errors.Is(err, ErrChangedOnDisk) {
		t.Errorf("a stale plan: %v, want ErrChangedOnDisk", err)
	}
}

// A file that changed after the plan read it stops the whole plan: nothing
// is written, not even the files that did not change.
func TestApplyRefusesFilesChangedOnDisk(t *testing.T) {
	dir := testDir(t)
	p := testPlan(t, dir)
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("edited by someone\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	written, err := Apply(dir, p)
	if !errors.Is(err, ErrChangedOnDisk) || len(written) > 0 {
		t.Fatalf("Apply = %v, %v; want ErrChangedOnDisk and nothing written", written, err)
	}
	if !strings.Contains(err.Error(), "notes.txt") {
		t.Errorf("the error does not name the file: %v", err)
	}
	if got := read(t, dir, "changes/2026/CHG-2026-0001.cue"); got != changeFile {
		t.Errorf("the unchanged file was written:\n%s", got)
	}
	if got := read(t, dir, "notes.txt"); got != "edited by someone\n" {
		t.Errorf("the changed file was overwritten: %q", got)
	}
}

// The last check runs just before the rename: a file that changes while
// its new content is being written is not overwritten either, and no
// temporary file is left.
func TestWriteAtomicChecksBeforeRename(t *testing.T) {
	dir := testDir(t)
	err := writeAtomic(dir, "notes.txt", []byte("new\n"), digest([]byte("what the plan read\n")))
	if !errors.Is(err, ErrChangedOnDisk) {
		t.Fatalf("writeAtomic = %v, want ErrChangedOnDisk", err)
	}
	if got := read(t, dir, "notes.txt"); got != "old notes\n" {
		t.Errorf("notes.txt = %q", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("left behind: %v", entries)
	}
	// A file the plan found absent is created only while it is absent.
	if err := writeAtomic(dir, "new.txt", []byte("x"), ""); err != nil {
		t.Fatal(err)
	}
	if err := writeAtomic(dir, "new.txt", []byte("y"), ""); !errors.Is(err, ErrChangedOnDisk) {
		t.Errorf("over a file that appeared: %v", err)
	}
}

func TestLookup(t *testing.T) {
	rs, err := Lookup(nil)
	if err != nil || len(rs) != len(All()) {
		t.Fatalf("Lookup(nil) = %d reconcilers, %v", len(rs), err)
	}
	rs, err = Lookup([]string{"codeowners"})
	if err != nil || len(rs) != 1 || rs[0].Name != "codeowners" {
		t.Fatalf("Lookup(codeowners) = %v, %v", rs, err)
	}
	if _, err := Lookup([]string{"widgets"}); err == nil || !strings.Contains(err.Error(), "changes, codeowners, references") {
		t.Errorf("an unknown reconciler: %v", err)
	}
}

func TestApplyRefusesPathsOutside(t *testing.T) {
	dir := testDir(t)
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	content := "#!/bin/sh\n"
	for _, name := range []string{"../outside/pwned.sh", "/etc/pwned", "link/pwned.sh", "changes/../../x", "./notes.txt"} {
		p := &Plan{Files: map[string]string{name: ""}, Changes: []Change{{File: name, Content: &content}}}
		_, err := Apply(dir, p)
		if !errors.Is(err, ErrPlanRefused) {
			t.Errorf("%s: Apply = %v, want ErrPlanRefused", name, err)
		}
	}
	if entries, _ := os.ReadDir(outside); len(entries) > 0 {
		t.Errorf("a file was written outside the repository: %v", entries)
	}
}

func TestCheckSaved(t *testing.T) {
	dir := testDir(t)
	fresh := testPlan(t, dir)
	fresh.Head = "aaaa"
	copyPlan := func() *Plan {
		data, _ := json.Marshal(fresh)
		var p Plan
		if err := json.Unmarshal(data, &p); err != nil {
			t.Fatal(err)
		}
		return &p
	}
	if err := CheckSaved(copyPlan(), fresh); err != nil {
		t.Fatalf("the plan reconcile makes now is refused: %v", err)
	}
	subset := copyPlan()
	subset.Changes = subset.Changes[:1]
	delete(subset.Files, "notes.txt")
	if err := CheckSaved(subset, fresh); err != nil {
		t.Errorf("a part of the fresh plan is refused: %v", err)
	}
	for name, forge := range map[string]func(*Plan){
		"other head":    func(p *Plan) { p.Head = "bbbb" },
		"other value":   func(p *Plan) { p.Changes[0].Edit.Value = json.RawMessage(`"closed"`) },
		"other content": func(p *Plan) { c := "evil\n"; p.Changes[1].Content = &c },
		"stale digest":  func(p *Plan) { p.Files["notes.txt"] = digest([]byte("older notes\n")) },
		"no digest":     func(p *Plan) { delete(p.Files, "notes.txt") },
		"path outside":  func(p *Plan) { p.Files["../x"] = "" },
		"an extra file": func(p *Plan) {
			c := "x"
			p.Changes = append(p.Changes, Change{File: "x.txt", Content: &c})
			p.Files["x.txt"] = ""
		},
	} {
		p := copyPlan()
		forge(p)
		if err := CheckSaved(p, fresh); !errors.Is(err, ErrPlanRefused) {
			t.Errorf("%s: CheckSaved = %v, want ErrPlanRefused", name, err)
		}
	}
}
