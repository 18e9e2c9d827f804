// Package policies embeds smsctl's built-in Rego rules and their tests, one
// folder per area (catalogue, underpinning, change, incident, problem,
// assurance, sla, waiver, transition) and the shared helpers in lib/.
package policies

import "embed"

// FS holds <area>/<rule>.rego, <area>/<rule>_test.rego and lib/lib.rego.
//
//go:embed */*.rego
var FS embed.FS
