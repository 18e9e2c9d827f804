// Package sms opens an SMS repository at a revision: its records (with
// sms.cue, people, roles and waivers among them), its policies and the
// folder it sits in, each read once and shared by every consumer of a
// command. A Repo caches the snapshots and compiled policies it has opened,
// so a command that judges a merge and then its base reads neither twice.
package sms

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/smsctl/smsctl/internal/gitrepo"
	"github.com/smsctl/smsctl/internal/policy"
	"github.com/smsctl/smsctl/internal/records"
)

// Repo is an SMS repository: a folder, and the Git repository that holds
// it when there is one.
type Repo struct {
	// Dir is the SMS repository's folder, absolute.
	Dir string
	// Git is the Git repository holding Dir; nil outside Git.
	Git *gitrepo.Repo
	// Sub is Dir relative to the Git work tree's top ("" at the top).
	Sub string
	// Workers bounds the records validated at once (0: one per CPU).
	Workers int
	// PolicyTimeout bounds each evaluation of the policies (0: the policy
	// package's default).
	PolicyTimeout time.Duration
	// CompileEarly starts compiling a snapshot's policies while its
	// records load, for a command that will judge it.
	CompileEarly bool

	gitErr    error
	mu        sync.Mutex
	snapshots map[string]*Snapshot // by commit hash; "" is the work tree
	order     []string
	engines   map[string]*engineOnce // by the policies' digest
}

// keepSnapshots is how many revisions a Repo keeps loaded: one pull
// request's merge is often the next one's base.
const keepSnapshots = 6

// Open opens the SMS repository at dir. A folder outside Git opens too:
// only the work tree can then be read.
func Open(dir string) (*Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	info, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("%s: no such directory", dir)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("%s: not a directory", dir)
	}
	r := &Repo{Dir: abs, snapshots: map[string]*Snapshot{}, engines: map[string]*engineOnce{}}
	if r.Git, r.gitErr = gitrepo.Open(abs); r.gitErr == nil {
		sub, err := r.Git.RelPath(abs)
		if err != nil {
			return nil, err
		}
		if sub != "." {
			r.Sub = sub
		}
	} else {
		r.Git = nil
	}
	return r, nil
}

// FindRoot returns the SMS repository that holds dir: the nearest folder
// at or above dir with an sms.cue, not crossing the top of a Git work tree
// (a folder with .git). When there is none it returns dir unchanged.
func FindRoot(dir string) string {
	for d := filepath.Clean(dir); ; {
		if info, err := os.Stat(filepath.Join(d, "sms.cue")); err == nil && !info.IsDir() {
			return d
		}
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return dir
		}
		parent := filepath.Dir(d)
		if parent == d {
			return dir
		}
		d = parent
	}
}

// NeedGit returns the reason Git is unavailable, or nil.
func (r *Repo) NeedGit() error {
	if r.Git == nil {
		return r.gitErr
	}
	return nil
}

// Snapshot is the SMS as it stands at one revision, or in the work tree.
type Snapshot struct {
	repo *Repo
	// Commit is the revision's commit; nil for the work tree.
	Commit *gitrepo.Commit
	// FS is the SMS repository's folder at the revision.
	FS fs.FS
	// Records are the records and the loader's findings.
	Records *records.Repository

	engineOnce sync.Once
	engine     *policy.Engine
	engineErr  error
}

// Hash is the commit's hash, "" for the work tree.
func (s *Snapshot) Hash() string {
	if s.Commit == nil {
		return ""
	}
	return s.Commit.Hash
}

// Label names the snapshot in messages: the short commit hash, or "the
// work tree".
func (s *Snapshot) Label() string {
	if s.Commit == nil {
		return "the work tree"
	}
	return s.Commit.Hash[:min(12, len(s.Commit.Hash))]
}

// WorkTree loads the SMS in the work tree. It fails with
// records.ErrNotSMS when the folder holds no sms.cue.
func (r *Repo) WorkTree(ctx context.Context) (*Snapshot, error) {
	if s := r.cached(""); s != nil {
		return s, nil
	}
	root, err := os.OpenRoot(r.Dir)
	if err != nil {
		return nil, err
	}
	return r.load(ctx, "", nil, root.FS(), true)
}

// At loads the SMS as it stood at the Git revision rev.
func (r *Repo) At(ctx context.Context, rev string) (*Snapshot, error) {
	if err := r.NeedGit(); err != nil {
		return nil, err
	}
	c, err := r.Git.Resolve(rev)
	if err != nil {
		return nil, err
	}
	return r.AtCommit(ctx, c)
}

// AtCommit loads the SMS as it stood at commit c.
func (r *Repo) AtCommit(ctx context.Context, c *gitrepo.Commit) (*Snapshot, error) {
	if s := r.cached(c.Hash); s != nil {
		return s, nil
	}
	fsys, err := r.Git.FS(c, r.Sub)
	if err != nil {
		return nil, err
	}
	return r.load(ctx, c.Hash, c, fsys, false)
}

func (r *Repo) cached(key string) *Snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.snapshots[key]
}

func (r *Repo) load(ctx context.Context, key string, c *gitrepo.Commit, fsys fs.FS, concurrent bool) (*Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s := &Snapshot{repo: r, Commit: c, FS: fsys}
	if r.CompileEarly {
		go s.Engine(ctx) //nolint:errcheck // kept by the once, read when judged
	}
	recs, err := records.Load(fsys, records.Options{Workers: r.Workers, ConcurrentReads: concurrent})
	if err != nil {
		if c != nil && !errors.Is(err, records.ErrNotSMS) {
			err = fmt.Errorf("%s: %w", c.Hash[:12], err)
		}
		return nil, err
	}
	s.Records = recs
	r.mu.Lock()
	defer r.mu.Unlock()
	if prev := r.snapshots[key]; prev != nil {
		return prev, nil
	}
	r.snapshots[key] = s
	r.order = append(r.order, key)
	if len(r.order) > keepSnapshots {
		delete(r.snapshots, r.order[0])
		r.order = r.order[1:]
	}
	return s, nil
}

type engineOnce struct {
	once sync.Once
	e    *policy.Engine
	err  error
}

// Engine compiles the policies the snapshot holds: the built-in rules and
// the repository's own policies/*.rego, once per distinct set across the
// Repo.
func (s *Snapshot) Engine(ctx context.Context) (*policy.Engine, error) {
	s.engineOnce.Do(func() {
		mods, err := policy.RepositoryModules(s.FS)
		if err != nil {
			s.engineErr = err // it names the file
			return
		}
		key := modulesDigest(mods)
		r := s.repo
		r.mu.Lock()
		eo := r.engines[key]
		if eo == nil {
			eo = &engineOnce{}
			r.engines[key] = eo
		}
		r.mu.Unlock()
		eo.once.Do(func() { eo.e, eo.err = policy.Load(ctx, s.FS, policy.LoadOptions{Timeout: r.PolicyTimeout}) })
		s.engine, s.engineErr = eo.e, eo.err
	})
	return s.engine, s.engineErr
}

// Derive is the snapshot with other records in the same tree: what a
// planned edit would leave. It shares the tree (and so the policies) and
// has no commit.
func (s *Snapshot) Derive(recs *records.Repository) *Snapshot {
	return &Snapshot{repo: s.repo, FS: s.FS, Records: recs}
}

// Retired lists, per kind, the IDs that records had at some revision
// before this one but no longer have: IDs that must not come back. Only a
// snapshot at a commit has a history.
func (s *Snapshot) Retired() (map[string][]string, error) {
	if s.Commit == nil {
		return nil, errors.New("the work tree has no history: give a revision")
	}
	if s.repo.Git.Shallow() {
		// The IDs deleted before are in the commits this clone lacks: a
		// partial answer would let a deleted ID come back unnoticed.
		return nil, fmt.Errorf("%s is in a shallow clone, so which IDs were deleted before it cannot be known; %s", s.Label(), gitrepo.ShallowFix)
	}
	ever, err := s.repo.Git.PathsEver(s.Commit, s.repo.Sub)
	if err != nil {
		return nil, fmt.Errorf("read the history of %s: %w", s.Label(), err)
	}
	retired := map[string][]string{}
	for p := range ever {
		if k, id, ok := records.ParsePath(p); ok && s.Records.Lookup(k.Name, id) == nil {
			retired[k.Name] = append(retired[k.Name], id)
		}
	}
	for _, ids := range retired {
		slices.Sort(ids)
	}
	return retired, nil
}

// modulesDigest keys a set of repository modules.
func modulesDigest(mods []policy.Module) string {
	h := sha256.New()
	for _, m := range mods {
		fmt.Fprintf(h, "%s\x00%d\x00", m.Name, len(m.Source))
		h.Write(m.Source)
	}
	return hex.EncodeToString(h.Sum(nil))
}
