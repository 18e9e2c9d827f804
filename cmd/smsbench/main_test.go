package main

import (
	"bytes"
	"os"
	"testing"

	"github.com/smsctl/smsctl/internal/records"
)

// TestGenerateValid checks that a generated repository is a valid SMS: no
// findings at all, and the number of changes asked for.
func TestGenerateValid(t *testing.T) {
	dir := t.TempDir()
	const n = 50
	if err := generate(dir, n, defaultSeed); err != nil {
		t.Fatal(err)
	}
	repo, err := records.Load(os.DirFS(dir), records.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range repo.Findings {
		t.Errorf("%s: %s: %s", f.Severity, f.Location(), f.Message)
	}
	count := map[string]int{}
	years := map[string]int{}
	for _, r := range repo.Records {
		count[r.Kind]++
		if r.Kind == "change" {
			years[r.ID[4:8]]++
		}
	}
	if count["change"] != n {
		t.Errorf("%d change records, want %d", count["change"], n)
	}
	want := map[string]int{
		"sms": 1, "person": len(genPeople) + 1, "role": len(genRoles) + 1,
		"service": len(genServices), "ci": len(genCIs),
	}
	for kind, w := range want {
		if count[kind] != w {
			t.Errorf("%d %s records, want %d", count[kind], kind, w)
		}
	}
	if years["2025"] == 0 || years["2026"] == 0 || len(years) != 2 {
		t.Errorf("changes per year = %v, want some in each of 2025 and 2026 only", years)
	}
}

// TestGenerateDeterministic checks that a seed always gives the same files
// and another seed different ones.
func TestGenerateDeterministic(t *testing.T) {
	a, err := generateFiles(30, 7)
	if err != nil {
		t.Fatal(err)
	}
	b, err := generateFiles(30, 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != len(b) {
		t.Fatalf("%d files, then %d", len(a), len(b))
	}
	for p, data := range a {
		if !bytes.Equal(data, b[p]) {
			t.Errorf("%s differs between two runs with the same seed", p)
		}
	}
	c, err := generateFiles(30, 8)
	if err != nil {
		t.Fatal(err)
	}
	same := true
	for p, data := range a {
		same = same && bytes.Equal(data, c[p])
	}
	if same {
		t.Error("seeds 7 and 8 gave the same files")
	}
}

func TestGenerateRefusesNonEmptyDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/stray.txt", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := generate(dir, 1, defaultSeed); err == nil {
		t.Error("generate wrote into a directory that was not empty")
	}
}
