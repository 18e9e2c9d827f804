// Package buildinfo says which smsctl this is: the version a release or the
// GitHub Action stamped into the binary at link time, else what the Go
// toolchain recorded (module version, VCS revision). Outputs that others
// keep (SARIF, JUnit, JSON, attestations, the evidence pack) record it, and
// `smsctl init` pins the workflow's actions to it.
package buildinfo

import (
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
)

// version is set at link time, by a release build or by the smsctl
// actions, which build without .git:
//
//	go build -ldflags "-X github.com/smsctl/smsctl/internal/buildinfo.version=v1.2.3" ./cmd/smsctl
//
// It may be a release tag, a commit hash or a branch: the ref the binary
// was built from.
var version string

// Devel is the version of a build that knows neither a release nor a
// commit.
const Devel = "(devel)"

// Info describes the running binary.
type Info struct {
	// Version is the stamped version, else the main module's version (a
	// release when installed with go install ...@vX.Y.Z), else Devel.
	Version string `json:"version"`
	// Revision is the commit the binary was built from, when known.
	Revision string `json:"revision,omitempty"`
	// Modified is true when the work tree had changes the commit lacks.
	Modified bool   `json:"modified,omitempty"`
	Go       string `json:"go"`
	CUE      string `json:"cue,omitempty"`
	OPA      string `json:"opa,omitempty"`
}

var (
	shaRE    = regexp.MustCompile(`^[0-9a-f]{40}$`)
	semverRE = regexp.MustCompile(`^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)
	// pseudoRE matches Go's pseudo-versions, which name a commit, not a
	// release: v0.0.0-20260101120000-abcdefabcdef.
	pseudoRE = regexp.MustCompile(`[-.]?[0-9]{14}-[0-9a-f]{12}(\+incompatible|\+dirty)?$`)
)

// Read describes the running binary.
func Read() Info {
	bi, _ := debug.ReadBuildInfo()
	return read(bi, version)
}

func read(bi *debug.BuildInfo, stamped string) Info {
	info := Info{Version: Devel, Go: runtime.Version()}
	if bi != nil {
		if v := bi.Main.Version; v != "" && v != Devel {
			info.Version = v
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				info.Revision = s.Value
			case "vcs.modified":
				info.Modified = s.Value == "true"
			}
		}
		for _, d := range bi.Deps {
			switch d.Path {
			case "cuelang.org/go":
				info.CUE = d.Version
			case "github.com/open-policy-agent/opa":
				info.OPA = d.Version
			}
		}
	}
	if stamped = strings.TrimSpace(stamped); stamped != "" {
		info.Version = stamped
		if info.Revision == "" && shaRE.MatchString(stamped) {
			info.Revision = stamped
		}
	}
	return info
}

// String is the version as outputs record it: the version, or for a
// development build its commit ("devel+0123456789ab", "+dirty" when the
// work tree was modified), else "(devel)".
func (i Info) String() string {
	if i.Version != Devel {
		return i.Version
	}
	if i.Revision != "" {
		s := "devel+" + i.Revision[:min(12, len(i.Revision))]
		if i.Modified {
			s += ".dirty"
		}
		return s
	}
	return Devel
}

// SemanticVersion is the version without its "v" when it is a semantic
// version (SARIF's semanticVersion), else "".
func (i Info) SemanticVersion() string {
	if semverRE.MatchString(i.Version) {
		return strings.TrimPrefix(i.Version, "v")
	}
	return ""
}

// ActionsRef is the ref of the smsctl repository this binary came from, to
// pin the workflow's actions to: a stamped ref, a release version, else
// the commit it was built from; "" when the build knows none of them.
func (i Info) ActionsRef() string {
	switch {
	case i.Version != Devel && !pseudoRE.MatchString(i.Version) && !strings.Contains(i.Version, "+"):
		return i.Version
	case i.Revision != "":
		return i.Revision
	}
	return ""
}
