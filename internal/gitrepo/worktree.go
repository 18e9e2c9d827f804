package gitrepo

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// WorkTreeChanges lists the paths under sub (relative to the work tree's
// top; "" for all) that differ from HEAD: modified, added, deleted, staged
// or untracked files (files .gitignore names are not listed).
func (r *Repo) WorkTreeChanges(sub string) ([]string, error) {
	wt, err := r.repo.Worktree()
	if err != nil {
		return nil, fmt.Errorf("%s has no work tree: %w", r.root, err)
	}
	st, err := wt.Status()
	if err != nil {
		return nil, fmt.Errorf("git status in %s: %w", r.root, err)
	}
	sub = cleanSub(sub)
	var out []string
	for p, s := range st {
		if s.Staging == git.Unmodified && s.Worktree == git.Unmodified {
			continue
		}
		if sub != "" && !strings.HasPrefix(p, sub+"/") {
			continue
		}
		out = append(out, p)
	}
	slices.Sort(out)
	return out, nil
}

// ConfigAuthor is the user.name and user.email of the repository's Git
// configuration (its own, then the user's global one); ok is false when
// either is missing.
func (r *Repo) ConfigAuthor() (name, email string, ok bool) {
	for _, scope := range []config.Scope{config.LocalScope, config.GlobalScope} {
		cfg, err := r.repo.ConfigScoped(scope)
		if err != nil {
			continue
		}
		if name == "" {
			name = cfg.User.Name
		}
		if email == "" {
			email = cfg.User.Email
		}
	}
	return name, email, name != "" && email != ""
}

// CommitPaths commits the work tree's current content of paths (relative
// to the work tree's top) on the current branch, with author and committer
// who, and returns the commit's hash. It refuses when anything else is
// staged, so the commit holds exactly these files.
func (r *Repo) CommitPaths(paths []string, who Signature, message string) (string, error) {
	wt, err := r.repo.Worktree()
	if err != nil {
		return "", fmt.Errorf("%s has no work tree: %w", r.root, err)
	}
	st, err := wt.Status()
	if err != nil {
		return "", fmt.Errorf("git status in %s: %w", r.root, err)
	}
	for p, s := range st {
		if s.Staging != git.Unmodified && s.Staging != git.Untracked && !slices.Contains(paths, p) {
			return "", fmt.Errorf("%s is staged; commit or unstage it first, so the commit holds only smsctl's edits", p)
		}
	}
	for _, p := range paths {
		if _, err := wt.Add(path.Clean(p)); err != nil {
			return "", fmt.Errorf("git add %s: %w", p, err)
		}
	}
	sig := &object.Signature{Name: who.Name, Email: who.Email, When: who.When}
	h, err := wt.Commit(message, &git.CommitOptions{Author: sig, Committer: sig})
	if err != nil {
		return "", fmt.Errorf("git commit: %w", err)
	}
	return h.String(), nil
}
