package audit

import "testing"

func TestGlob(t *testing.T) {
	for _, tt := range []struct {
		glob, path string
		want       bool
	}{
		{"**", "changes/2026/CHG-2026-0001.cue", true},
		{"changes/**", "changes/2026/CHG-2026-0001.cue", true},
		{"changes/*.cue", "changes/2026/CHG-2026-0001.cue", false},
		{"changes/*/*.cue", "changes/2026/CHG-2026-0001.cue", true},
		{"**/*.cue", "sms.cue", true},
		{"**/CHG-????-0001.cue", "changes/2026/CHG-2026-0001.cue", true},
		{"services/web.cue", "services/web.cue", true},
		{"services/web.cue", "services/webxcue", false},
		{"a+b/*", "a+b/c", true},
		{"docs/café/*", "docs/café/résumé.md", true},
		{"docs/caf?/*", "docs/café/x.md", true},
		{"docs/café/*", "docs/cafe/x.md", false},
		{"{services,cis}/*.cue", "cis/web.cue", true},
	} {
		match, err := Glob(tt.glob)
		if err != nil {
			t.Fatal(err)
		}
		if got := match(tt.path); got != tt.want {
			t.Errorf("%q on %q = %v, want %v", tt.glob, tt.path, got, tt.want)
		}
	}
}

func TestGlobRefusesABadPattern(t *testing.T) {
	if _, err := Glob("changes/[2026"); err == nil {
		t.Error("an unclosed [ is accepted")
	}
}

func TestMatcher(t *testing.T) {
	for _, tt := range []struct {
		opts Options
		path string
		want bool
	}{
		{Options{}, "changes/2026/CHG-2026-0001.cue", true},
		{Options{}, "README.md", false},
		{Options{}, "sms.cue", true},
		{Options{ID: "CHG-2026-0001"}, "changes/2026/CHG-2026-0001.cue", true},
		{Options{ID: "CHG-2026-0002"}, "changes/2026/CHG-2026-0001.cue", false},
		{Options{ID: "service/web"}, "services/web.cue", true},
		{Options{ID: "service/web"}, "cis/web.cue", false},
		{Options{Kind: "changes"}, "changes/2026/CHG-2026-0001.cue", true},
		{Options{Kind: "incident"}, "changes/2026/CHG-2026-0001.cue", false},
		{Options{Kind: "sms"}, "sms.cue", true},
		{Options{Paths: "**"}, "README.md", true},
	} {
		m, err := matcher(tt.opts)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.path(tt.path); got != tt.want {
			t.Errorf("%+v on %q = %v, want %v", tt.opts, tt.path, got, tt.want)
		}
	}
	for _, bad := range []Options{{Kind: "widget"}, {ID: "widget/x"}, {ID: "service/web", Kind: "ci"}} {
		if _, err := matcher(bad); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}
