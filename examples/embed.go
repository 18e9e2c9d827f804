// Package examples embeds the bundled example SMS repositories, so
// `smsctl init --example NAME` can create them from the binary alone.
package examples

import "embed"

// FS holds one folder per example: acme/.
//
//go:embed all:acme
var FS embed.FS
