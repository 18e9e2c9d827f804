// Package gitrepo is smsctl's one door to go-git: it opens the Git
// repository that holds an SMS, resolves revisions, presents the tree of any
// commit as an fs.FS (so the record loader reads a revision exactly as it
// reads the work tree, without a checkout), walks the history of files
// (History, which reads pack files itself for speed), and writes commits for
// the example history that `smsctl init --example` replays.
package gitrepo

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// ErrNoRepository is returned when the directory is not inside a Git
// repository.
var ErrNoRepository = errors.New("not inside a Git repository")

// Repo is an opened Git repository. It is not safe for concurrent use,
// except for the TreeFS it returns, whose reads take its lock.
type Repo struct {
	repo *git.Repository
	// root is the work tree's top directory.
	root string
	// walking is the object store of the History walk under way, if any:
	// Blob reads through it when called from History's callback.
	walking *objectStore
	// fsStorage is go-git's storage of the repository, when it is on disk.
	fsStorage *filesystem.Storage
	limits    Limits
	// mu guards objects, the object store that TreeFS, Notes, Blob,
	// PathsEver and the size checks of go-git's reads share.
	mu      sync.Mutex
	objects *objectStore
}

// Open opens the Git repository that contains dir (dir itself or a parent),
// with DefaultLimits.
func Open(dir string) (*Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	r, err := git.PlainOpenWithOptions(abs, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		if errors.Is(err, git.ErrRepositoryNotExists) {
			return nil, fmt.Errorf("%s: %w", dir, ErrNoRepository)
		}
		return nil, fmt.Errorf("open Git repository at %s: %w", dir, err)
	}
	root := abs
	if wt, err := r.Worktree(); err == nil {
		root = wt.Filesystem.Root()
	}
	repo := &Repo{repo: r, root: root, limits: DefaultLimits}
	if st, ok := r.Storer.(*filesystem.Storage); ok {
		repo.fsStorage = st
		// go-git reads a loose object whole into memory: every object it
		// reads (resolving revisions, commits, the work tree's status) has
		// its size checked first.
		r.Storer = &checkedStorage{Storage: st, repo: repo}
	}
	return repo, nil
}

// SetLimits changes the limits the repository reads with; a zero field
// keeps the default. Call it before reading.
func (r *Repo) SetLimits(l Limits) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.limits = l.withDefaults()
	if r.objects != nil {
		r.objects.limits = r.limits
		if r.objects.reader != nil {
			r.objects.reader.deltaBase = r.limits.DeltaBase
		}
	}
}

// Limits returns the limits the repository reads with.
func (r *Repo) Limits() Limits { return r.limits }

// Close releases the pack files the repository keeps mapped. A Repo that
// is not closed releases them when it is garbage collected.
func (r *Repo) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.objects != nil {
		r.objects.close()
		r.objects = nil
	}
}

// sharedStoreLocked returns the shared object store, opening it at first
// use; r.mu is held.
func (r *Repo) sharedStoreLocked() (*objectStore, error) {
	if r.objects == nil {
		s, err := r.openStore()
		if err != nil {
			return nil, err
		}
		r.objects = s
		runtime.AddCleanup(r, func(s *objectStore) { s.close() }, s)
	}
	return r.objects, nil
}

// checkedStorage is go-git's storage with each object's size checked,
// from its header, before go-git reads it.
type checkedStorage struct {
	*filesystem.Storage
	repo *Repo
}

// EncodedObject refuses an object over the limit of its type with a
// *TooLargeError, then reads it through go-git.
func (s *checkedStorage) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	if _, err := s.repo.checkSize(t, h); err != nil {
		return nil, err
	}
	return s.Storage.EncodedObject(t, h)
}

// checkSize refuses object h, read as a t (or as what it is, for
// plumbing.AnyObject), when it is over its limit. An object it cannot find
// is not an error: found is false.
func (r *Repo) checkSize(t plumbing.ObjectType, h plumbing.Hash) (found bool, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, err := r.sharedStoreLocked()
	if err != nil {
		return false, err
	}
	typ, size, err := s.info(h)
	var missing *MissingObjectError
	if errors.As(err, &missing) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if t == plumbing.AnyObject {
		t = typ
	}
	if limit := s.limit(t); size > limit {
		return true, &TooLargeError{Hash: h.String(), Kind: typ.String(), Size: size, Limit: limit}
	}
	return true, nil
}

// Root is the top directory of the work tree.
func (r *Repo) Root() string { return r.root }

// Commit is a resolved revision.
type Commit struct {
	Hash    string
	Subject string
	When    time.Time // committer time
	commit  *object.Commit
}

// NumParents is the number of the commit's parents (0 for a root commit).
func (c *Commit) NumParents() int { return c.commit.NumParents() }

// Resolve resolves a revision to a commit, as git reads it
// (gitrevisions(7); see revision.go for the forms read): a branch, tag or
// other reference before a short hash, HEAD~2, main^2, v1^{commit},
// main@{1}, main@{2026-05-01 12:00}, main@{u}. A revision that is
// ambiguous, or of a form not supported, is an error, never another
// commit.
func (r *Repo) Resolve(rev string) (*Commit, error) {
	h, err := r.resolveRev(rev)
	if errors.Is(err, ErrTooLarge) {
		var re *RevisionError
		if !errors.As(err, &re) {
			return nil, fmt.Errorf("revision %q: %w", rev, err)
		}
	}
	if err != nil {
		return nil, err
	}
	c, err := r.repo.CommitObject(h)
	if errors.Is(err, ErrTooLarge) {
		return nil, fmt.Errorf("revision %q: %w", rev, err)
	}
	if err != nil {
		return nil, fmt.Errorf("revision %q is not a commit: %w", rev, err)
	}
	subject, _, _ := strings.Cut(c.Message, "\n")
	return &Commit{Hash: c.Hash.String(), Subject: subject, When: c.Committer.When, commit: c}, nil
}

// FS returns the tree of commit c as a file system, rooted at sub (a path
// relative to the work tree's top, "" or "." for the top).
func (r *Repo) FS(c *Commit, sub string) (*TreeFS, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, err := r.sharedStoreLocked()
	if err != nil {
		return nil, err
	}
	root := c.commit.TreeHash
	if _, err := s.treeAt(root, ".", c.Hash); err != nil {
		return nil, fmt.Errorf("read tree of %s: %w", c.Hash[:12], err)
	}
	sub = cleanSub(filepath.ToSlash(sub))
	if sub != "" {
		e, ok, err := s.lookup(root, sub, c.Hash)
		if err != nil {
			return nil, fmt.Errorf("read tree of %s at %s: %w", sub, c.Hash[:12], err)
		}
		if !ok || !e.isDir() {
			return nil, fmt.Errorf("%s does not exist at %s", sub, c.Hash[:12])
		}
		root = e.hash
	}
	return &TreeFS{repo: r, rev: c.Hash, root: root}, nil
}

// RelPath returns dir relative to the work tree's top, for FS.
func (r *Repo) RelPath(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if resolved, err := filepath.EvalSymlinks(abs); err == nil {
		abs = resolved
	}
	root := r.root
	if resolved, err := filepath.EvalSymlinks(root); err == nil {
		root = resolved
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", fmt.Errorf("%s is outside the repository at %s", dir, r.root)
	}
	return filepath.ToSlash(rel), nil
}

// PathsEver returns every file path, under sub, that any commit reachable
// from c has had. Trees already seen at the same place are skipped, so the
// cost grows with the number of distinct trees, not commits times files.
func (r *Repo) PathsEver(c *Commit, sub string) (map[string]bool, error) {
	sub = cleanSub(filepath.ToSlash(sub))
	r.mu.Lock()
	defer r.mu.Unlock()
	s, err := r.sharedStoreLocked()
	if err != nil {
		return nil, err
	}
	paths := map[string]bool{}
	seen := map[string]bool{} // prefix + tree hash
	walk := func(h plumbing.Hash, prefix string) error {
		return s.walkFiles(h, prefix, func(h plumbing.Hash, prefix string) bool {
			key := prefix + "\x00" + string(h[:])
			if seen[key] {
				return false
			}
			seen[key] = true
			return true
		}, func(p string, _ treeEntry) error {
			paths[p] = true
			return nil
		})
	}
	done := map[plumbing.Hash]bool{}
	todo := []plumbing.Hash{c.commit.Hash}
	for len(todo) > 0 {
		h := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if done[h] {
			continue
		}
		done[h] = true
		cm, err := s.commit(h, "", plumbing.ZeroHash)
		if err != nil {
			return nil, err
		}
		tree := cm.tree
		if sub != "" {
			e, ok, err := s.lookup(tree, sub, h.String())
			if err != nil {
				return nil, err
			}
			tree = plumbing.ZeroHash // the folder did not exist then
			if ok && e.isDir() {
				tree = e.hash
			}
		}
		if !tree.IsZero() {
			if err := walk(tree, ""); err != nil {
				return nil, err
			}
		}
		if !s.shallow[h] {
			todo = append(todo, cm.parents...)
		}
	}
	return paths, nil
}
