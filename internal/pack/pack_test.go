package pack

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteReadCheck(t *testing.T) {
	files := map[string][]byte{"index.html": []byte("<p>x</p>\n"), "data/a.csv": []byte("a,b\n")}
	dir := filepath.Join(t.TempDir(), "pk")
	if err := Write(dir, files); err != nil {
		t.Fatal(err)
	}
	manifest, err := os.ReadFile(filepath.Join(dir, Manifest))
	if err != nil {
		t.Fatal(err)
	}
	// sha256sum's format, paths sorted.
	lines := strings.Split(strings.TrimSpace(string(manifest)), "\n")
	if len(lines) != 2 || !strings.HasSuffix(lines[0], "  data/a.csv") || !strings.HasSuffix(lines[1], "  index.html") || len(strings.Fields(lines[0])[0]) != 64 {
		t.Errorf("manifest:\n%s", manifest)
	}
	read, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if p := CheckManifest(read); len(p) != 0 {
		t.Errorf("fresh pack: %v", p)
	}
	if p := Compare(read, map[string][]byte{"index.html": []byte("<p>x</p>\n"), "data/a.csv": []byte("a,b\n")}); len(p) != 0 {
		t.Errorf("same rebuild: %v", p)
	}
	for _, tc := range []struct {
		name  string
		edit  func(map[string][]byte)
		paths []string
	}{
		{"altered", func(m map[string][]byte) { m["data/a.csv"] = []byte("a,c\n") }, []string{"data/a.csv"}},
		{"added", func(m map[string][]byte) { m["x.txt"] = []byte("x") }, []string{"x.txt"}},
		{"removed", func(m map[string][]byte) { delete(m, "index.html") }, []string{"index.html"}},
		{"bad manifest line", func(m map[string][]byte) { m[Manifest] = append(m[Manifest], "nonsense\n"...) }, []string{Manifest}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := map[string][]byte{}
			for k, v := range read {
				m[k] = v
			}
			tc.edit(m)
			var got []string
			for _, p := range CheckManifest(m) {
				got = append(got, p.Path)
			}
			if strings.Join(got, " ") != strings.Join(tc.paths, " ") {
				t.Errorf("problems on %v, want %v", got, tc.paths)
			}
		})
	}
	// A rebuild that differs names the file.
	if p := Compare(read, map[string][]byte{"index.html": []byte("<p>y</p>\n"), "data/a.csv": []byte("a,b\n")}); len(p) != 2 || p[0].Path != Manifest || p[1].Path != "index.html" {
		t.Errorf("different rebuild: %v", p)
	}
	// A folder that is not empty is refused and left as it was.
	if err := Write(dir, files); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("second write: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 1 {
		t.Errorf("left %d entries beside the pack", len(entries))
	}
	if _, err := Read(t.TempDir()); err == nil {
		t.Error("a folder without a manifest was read as a pack")
	}
}
