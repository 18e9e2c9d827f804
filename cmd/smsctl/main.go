// Command smsctl validates, reconciles and audits a configuration-as-code
// service management system kept in Git. See README.md.
package main

import (
	"os"

	"github.com/smsctl/smsctl/internal/cli"
)

func main() { os.Exit(cli.Main()) }
