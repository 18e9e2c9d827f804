package gitrepo

import (
	"os"
	"path/filepath"
)

// ShallowFix is what to do about a clone that lacks history, for messages.
const ShallowFix = "fetch the whole history: fetch-depth: 0 in actions/checkout, or git fetch --unshallow"

// Shallow reports whether the repository is a shallow clone: some commits'
// parents were not fetched, so the history is cut.
func (r *Repo) Shallow() bool {
	dir := r.gitDir()
	if dir == "" {
		return false
	}
	info, err := os.Stat(filepath.Join(dir, "shallow"))
	return err == nil && info.Size() > 0
}
