package gitrepo

import (
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// BranchTips returns the commits that HEAD, the local branches and the
// remote-tracking branches point at, each once: where a record's ID may
// already be taken without being in the work tree.
func (r *Repo) BranchTips() ([]*Commit, error) {
	refs, err := r.repo.References()
	if err != nil {
		return nil, err
	}
	seen := map[plumbing.Hash]bool{}
	var out []*Commit
	add := func(h plumbing.Hash) {
		if seen[h] {
			return
		}
		seen[h] = true
		if c, err := r.Resolve(h.String()); err == nil {
			out = append(out, c)
		}
	}
	if head, err := r.repo.Head(); err == nil {
		add(head.Hash())
	}
	err = refs.ForEach(func(ref *plumbing.Reference) error {
		if ref.Type() == plumbing.HashReference && (ref.Name().IsBranch() || ref.Name().IsRemote()) {
			add(ref.Hash())
		}
		return nil
	})
	if err == storer.ErrStop {
		err = nil
	}
	return out, err
}
