package cli

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// versionInfo is what `smsctl version` reports.
type versionInfo struct {
	Version  string `json:"version"`
	Revision string `json:"revision,omitempty"`
	Go       string `json:"go"`
	CUE      string `json:"cue"`
	OPA      string `json:"opa,omitempty"`
}

func buildVersion() versionInfo {
	v := versionInfo{Version: "(devel)", Go: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	if bi.Main.Version != "" {
		v.Version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" {
			v.Revision = s.Value
		}
	}
	for _, d := range bi.Deps {
		switch d.Path {
		case "cuelang.org/go":
			v.CUE = d.Version
		case "github.com/open-policy-agent/opa":
			v.OPA = d.Version
		}
	}
	return v
}

func newVersionCmd(env *Env) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print smsctl's version and the versions of CUE it embeds",
		Example: `  smsctl version
  smsctl version -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			v := buildVersion()
			if output == "json" {
				enc := json.NewEncoder(env.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(v)
			}
			fmt.Fprintf(env.Stdout, "smsctl %s\n", v.Version)
			if v.Revision != "" {
				fmt.Fprintf(env.Stdout, "revision %s\n", v.Revision)
			}
			fmt.Fprintf(env.Stdout, "go %s\ncue %s\n", v.Go, v.CUE)
			return nil
		},
	}
	outputFlag(cmd, &output, "text", "json")
	return cmd
}
