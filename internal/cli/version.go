package cli

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/smsctl/smsctl/internal/buildinfo"
)

// versionInfo is what `smsctl version` reports.
type versionInfo = buildinfo.Info

// buildVersion describes this smsctl: the version a release or the GitHub
// Action stamped at link time (-ldflags "-X
// github.com/smsctl/smsctl/internal/buildinfo.version=REF"), else what Go
// recorded (module version, vcs.revision, vcs.modified).
func buildVersion() versionInfo { return buildinfo.Read() }

func newVersionCmd(env *Env) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print smsctl's version and the versions of CUE and OPA it embeds",
		Long: `Version prints which smsctl this is: the release or ref stamped into it at
link time (releases and the smsctl GitHub Actions stamp it), else the
module version Go recorded (go install ...@vX.Y.Z), else the commit it was
built from ("devel+<commit>", ".dirty" when the work tree had changes).
SARIF, JUnit and JSON outputs record the same string, and smsctl init pins
the workflow's actions to the release or commit it names.`,
		Example: `  smsctl version
  smsctl version -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			v := buildVersion()
			if output == "json" {
				enc := json.NewEncoder(env.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(struct {
					Schema string `json:"smsctl_schema"`
					versionInfo
				}{"version/1", v})
			}
			fmt.Fprintf(env.Stdout, "smsctl %s\n", v.String())
			if v.Revision != "" {
				mod := ""
				if v.Modified {
					mod = " (modified)"
				}
				fmt.Fprintf(env.Stdout, "revision %s%s\n", v.Revision, mod)
			}
			fmt.Fprintf(env.Stdout, "go %s\ncue %s\n", v.Go, v.CUE)
			if v.OPA != "" {
				fmt.Fprintf(env.Stdout, "opa %s\n", v.OPA)
			}
			return nil
		},
	}
	outputFlag(cmd, &output, "text", "json")
	return cmd
}
