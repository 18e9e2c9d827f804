// Package schema embeds the CUE schema of an SMS repository and the
// templates `smsctl new` writes, so the binary carries them and `smsctl init`
// can copy them into the repositories it scaffolds.
package schema

import "embed"

// Source is schema.cue: the closed definitions of every record kind and the
// bindings of each kind's records to them.
//
//go:embed schema.cue
var Source []byte

// Templates holds templates/<kind>.cue, one per record kind, for `smsctl new`.
//
//go:embed templates/*.cue.tmpl
var Templates embed.FS
