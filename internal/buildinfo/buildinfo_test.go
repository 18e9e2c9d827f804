package buildinfo

import (
	"runtime/debug"
	"testing"
)

func TestRead(t *testing.T) {
	const sha = "0123456789abcdef0123456789abcdef01234567"
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	for _, tc := range []struct {
		name                 string
		bi                   *debug.BuildInfo
		stamped              string
		version, semver, ref string
		revision             string
	}{
		{name: "nothing known", bi: &debug.BuildInfo{Main: debug.Module{Version: Devel}},
			version: Devel},
		{name: "go install of a release", bi: &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}},
			version: "v1.4.0", semver: "1.4.0", ref: "v1.4.0"},
		{name: "a checkout", bi: &debug.BuildInfo{Main: debug.Module{Version: Devel}, Settings: vcs(sha, "false")},
			version: "devel+0123456789ab", ref: sha, revision: sha},
		{name: "a modified checkout", bi: &debug.BuildInfo{Main: debug.Module{Version: Devel}, Settings: vcs(sha, "true")},
			version: "devel+0123456789ab.dirty", ref: sha, revision: sha},
		{name: "a pseudo-version names its commit, not a release",
			bi:      &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20260101120000-0123456789ab"}, Settings: vcs(sha, "false")},
			version: "v0.0.0-20260101120000-0123456789ab", semver: "0.0.0-20260101120000-0123456789ab", ref: sha, revision: sha},
		{name: "the action stamps the commit", bi: &debug.BuildInfo{Main: debug.Module{Version: Devel}}, stamped: sha,
			version: sha, ref: sha, revision: sha},
		{name: "the action stamps the tag", bi: &debug.BuildInfo{Main: debug.Module{Version: Devel}}, stamped: "v2.0.1",
			version: "v2.0.1", semver: "2.0.1", ref: "v2.0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			i := read(tc.bi, tc.stamped)
			if i.String() != tc.version || i.SemanticVersion() != tc.semver || i.ActionsRef() != tc.ref || i.Revision != tc.revision {
				t.Errorf("got %q, semver %q, ref %q, revision %q; want %q, %q, %q, %q",
					i.String(), i.SemanticVersion(), i.ActionsRef(), i.Revision, tc.version, tc.semver, tc.ref, tc.revision)
			}
		})
	}
}
