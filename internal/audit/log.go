// Package audit reads an SMS repository's Git history for auditors: each
// record's trail (who changed what, when, through which pull request, with
// the fields that changed) and a record as it stood at any revision or
// date. It reads history through gitrepo and records through records.
package audit

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/smsctl/smsctl/internal/gitrepo"
	"github.com/smsctl/smsctl/internal/records"
)

// Options select the trail.
type Options struct {
	// Rev is where the history starts ("" is HEAD).
	Rev string
	// ID selects one record: "CHG-2026-0007", or "service/web" when an ID
	// is used by several kinds.
	ID string
	// Kind selects every record of a kind ("change" or "changes").
	Kind string
	// Paths is a glob over repository paths (** crosses folders); it also
	// admits files that are not records. Default: record files.
	Paths string
	// Since and Until bound the commit times (zero: open).
	Since, Until time.Time
	// AllCommits walks every reachable commit, not just the first-parent
	// line.
	AllCommits bool
	// Sub is the SMS repository's folder inside the Git work tree.
	Sub string
	// Progress, when set, is called after each commit with the number of
	// commits read so far.
	Progress func(commits int)
	// Cache reads and keeps what the trail computes (the first-parent
	// line's changes and the records' semantic diffs) in caches under the
	// Git folder, so a second run reads neither trees nor records. They are
	// verified before use and safe to delete.
	Cache bool
	// CacheError, when set, is told why a cache could not be used or saved;
	// the trail is computed all the same.
	CacheError func(error)
	// Verify, when set, judges signed commits' signatures (see
	// gitrepo.HistoryOptions.Verify); the verdicts are in the entries.
	Verify func(payload, signature string, when time.Time) gitrepo.SignatureCheck
}

// Entry is one change of one file in one commit.
type Entry struct {
	Commit         string    `json:"commit"`
	Path           string    `json:"path"`
	Status         string    `json:"status"`
	OldPath        string    `json:"old_path,omitempty"`
	Kind           string    `json:"kind,omitempty"`
	ID             string    `json:"id,omitempty"`
	AuthorName     string    `json:"author_name"`
	AuthorEmail    string    `json:"author_email"`
	AuthorTime     time.Time `json:"author_time"`
	CommitterName  string    `json:"committer_name"`
	CommitterEmail string    `json:"committer_email"`
	CommitTime     time.Time `json:"commit_time"`
	Subject        string    `json:"subject"`
	PR             *int      `json:"pr"`
	Signature      string    `json:"signature,omitempty"`
	// SignatureStatus is the verdict on the signature when one was asked
	// for: verified, bad, unknown-key or unchecked; Signer says who signed
	// and SignatureNote why it is not verified.
	SignatureStatus string `json:"signature_status,omitempty"`
	Signer          string `json:"signer,omitempty"`
	SignatureNote   string `json:"signature_note,omitempty"`
	// Changes are the record's fields that differ from the parent's version.
	Changes []records.FieldChange `json:"changes"`
	// Note says why Changes could not be computed (a file that is not a
	// record, one that did not parse, or one over the blob limit, which is
	// not read).
	Note string `json:"note,omitempty"`
}

// Log returns the trail, newest first.
func Log(repo *gitrepo.Repo, opts Options) ([]Entry, error) {
	var out []Entry
	err := Each(repo, opts, func(e Entry) error {
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Each calls fn with each entry of the trail, newest first, as the history
// is read, so a long trail is never held in memory whole.
//
// The history walk runs on a goroutine of its own and hands commits over as
// it finds them; the records' semantic diffs are computed here, on fn's
// goroutine, with a blob reader of their own. The two halves of the work
// overlap.
func Each(repo *gitrepo.Repo, opts Options, fn func(Entry) error) error {
	match, err := matcher(opts)
	if err != nil {
		return err
	}
	blobs, err := repo.BlobReader()
	if err != nil {
		return err
	}
	defer blobs.Close()
	cacheDir := ""
	if opts.Cache {
		cacheDir = repo.CacheDir()
	}
	diffs, err := loadDiffCache(cacheDir)
	if err != nil && opts.CacheError != nil {
		opts.CacheError(err)
	}
	// A diff computed is good whatever happens to the rest of the trail.
	defer func() {
		if !opts.Cache {
			return
		}
		if diffs.bad != nil && opts.CacheError != nil {
			opts.CacheError(diffs.bad)
		}
		if err := diffs.save(repo); err != nil && opts.CacheError != nil {
			opts.CacheError(fmt.Errorf("save the diff cache: %w", err))
		}
	}()

	commits := make(chan *gitrepo.HistoryCommit, 256)
	stop := make(chan struct{})
	walked := make(chan error, 1)
	go func() {
		defer close(commits)
		walked <- repo.History(gitrepo.HistoryOptions{
			Rev: opts.Rev, AllCommits: opts.AllCommits, Since: opts.Since, Until: opts.Until,
			Renames: true, Sub: opts.Sub, Match: match.path,
			Cache: opts.Cache, CacheError: opts.CacheError, Verify: opts.Verify,
		}, func(c *gitrepo.HistoryCommit) error {
			select {
			case commits <- c:
				return nil
			case <-stop:
				return gitrepo.ErrStop
			}
		})
	}()
	// finish stops the walk, waits for it and returns its error.
	finish := func() error {
		close(stop)
		for range commits {
		}
		return <-walked
	}

	n := 0
	for c := range commits {
		n++
		if opts.Progress != nil {
			opts.Progress(n)
		}
		for _, fc := range c.Changes {
			e, ok, err := entry(blobs, diffs, c, fc, match)
			if err == nil && ok {
				err = fn(e)
			}
			if err != nil {
				finish()
				return err
			}
		}
	}
	return <-walked
}

func entry(blobs *gitrepo.BlobReader, diffs *diffCache, c *gitrepo.HistoryCommit, fc gitrepo.FileChange, m *selection) (Entry, bool, error) {
	e := Entry{
		Commit: c.Hash, Path: fc.Path, Status: string(fc.Status),
		AuthorName: c.Author.Name, AuthorEmail: c.Author.Email, AuthorTime: c.Author.When,
		CommitterName: c.Committer.Name, CommitterEmail: c.Committer.Email, CommitTime: c.Committer.When,
		Subject: c.Subject, Signature: c.Signature, Changes: []records.FieldChange{},
	}
	if fc.Status == 'R' {
		e.OldPath = fc.OldPath
	}
	if c.Check != nil {
		e.SignatureStatus, e.Signer, e.SignatureNote = c.Check.Status, c.Check.Signer, c.Check.Reason
	}
	if c.PR > 0 {
		pr := c.PR
		e.PR = &pr
	}
	d, ok := diffs.get(fc)
	if !ok {
		var err error
		d, err = semanticDiff(blobs, fc)
		var tl *gitrepo.TooLargeError
		switch {
		case errors.As(err, &tl):
			// Refused from its header, before it was read: the entry says
			// so, and the refusal is not cached (it depends on the limit).
			d = diffResult{note: refusal(tl, c, fc)}
			if k, id, ok := records.ParsePath(fc.Path); ok {
				d.kind, d.id = k.Name, id
			}
		case err != nil:
			return e, false, err
		default:
			diffs.put(fc, d)
		}
	}
	e.Kind, e.ID, e.Note = d.kind, d.id, d.note
	if d.changes != nil {
		e.Changes = d.changes
	}
	if !m.record(e.Kind, e.ID, fc.Path, fc.OldPath) {
		return e, false, nil
	}
	return e, true, nil
}

// refusal is an entry's note for a file refused for its size: the new
// version is named at the commit, the old one at its first parent.
func refusal(tl *gitrepo.TooLargeError, c *gitrepo.HistoryCommit, fc gitrepo.FileChange) string {
	switch {
	case tl.Hash == fc.NewBlob:
		tl.Rev = c.Hash
	case len(c.Parents) > 0:
		tl.Rev = c.Parents[0]
	}
	return "not read: " + tl.Error()
}

// semanticDiff reads a change's two blobs and compares the records in them.
// A blob over the blob limit is refused from its header, before it is
// read: a *gitrepo.TooLargeError naming the file, and the commit for the
// new version (the parent's for the old one).
func semanticDiff(blobs *gitrepo.BlobReader, fc gitrepo.FileChange) (diffResult, error) {
	blob := func(hash, path string) ([]byte, error) {
		if hash == "" {
			return nil, nil
		}
		data, err := blobs.Blob(hash)
		var tl *gitrepo.TooLargeError
		if errors.As(err, &tl) {
			tl.Path = path
		}
		return data, err
	}
	before, err := blob(fc.OldBlob, fc.OldPath)
	if err != nil {
		return diffResult{}, err
	}
	after, err := blob(fc.NewBlob, fc.Path)
	if err != nil {
		return diffResult{}, err
	}
	var d diffResult
	kind, id, changes, err := records.DiffFiles(fc.OldPath, before, fc.Path, after)
	if err != nil {
		// Not a record (or not one that parses): name it by its path.
		if k, pid, ok := records.ParsePath(fc.Path); ok {
			kind, id = k, pid
		}
		d.note = "not a record: " + err.Error()
	} else {
		d.changes = changes
	}
	d.kind, d.id = kind.Name, id
	return d, nil
}

// selection decides which paths and records a trail shows.
type selection struct {
	glob func(string) bool
	all  bool // --paths '**': every path, without running the glob
	kind string
	id   string
}

func matcher(opts Options) (*selection, error) {
	s := &selection{}
	if opts.Paths == "**" {
		s.all = true
	} else if opts.Paths != "" {
		re, err := Glob(opts.Paths)
		if err != nil {
			return nil, err
		}
		s.glob = re
	}
	if opts.Kind != "" {
		k, ok := records.LookupKind(opts.Kind)
		if !ok && opts.Kind != "sms" {
			return nil, fmt.Errorf("unknown kind %q; the kinds are %s", opts.Kind, strings.Join(records.KindNames(), ", "))
		}
		s.kind = k.Name
		if opts.Kind == "sms" {
			s.kind = "sms"
		}
	}
	if opts.ID != "" {
		kind, id, ok := strings.Cut(opts.ID, "/")
		if ok {
			k, found := records.LookupKind(kind)
			if !found {
				return nil, fmt.Errorf("unknown kind %q in %q", kind, opts.ID)
			}
			if s.kind != "" && s.kind != k.Name {
				return nil, fmt.Errorf("%s is not a %s", opts.ID, s.kind)
			}
			s.kind, s.id = k.Name, id
		} else {
			s.id = kind
		}
	}
	return s, nil
}

// path is the cheap filter the history walk applies before reading blobs.
func (s *selection) path(p string) bool {
	if s.all {
		return true
	}
	if s.glob != nil {
		return s.glob(p)
	}
	k, id, ok := records.ParsePath(p)
	if !ok {
		return p == "sms.cue" && (s.kind == "" || s.kind == "sms") && (s.id == "" || s.id == "sms")
	}
	return (s.kind == "" || s.kind == k.Name) && (s.id == "" || s.id == id)
}

// record is the filter on what the file held.
func (s *selection) record(kind, id, path, oldPath string) bool {
	if (s.glob != nil || s.all) && s.kind == "" && s.id == "" {
		return true
	}
	return (s.kind == "" || s.kind == kind) && (s.id == "" || s.id == id)
}

// Glob compiles a path glob (doublestar's syntax: * and ? stay within a
// folder, ** crosses folders, [abc] and {a,b} as in a shell) into a
// matcher of slash-separated paths; any UTF-8 is matched as itself.
func Glob(g string) (func(string) bool, error) {
	if !doublestar.ValidatePattern(g) {
		return nil, fmt.Errorf("path glob %q is not a valid pattern", g)
	}
	return func(p string) bool {
		ok, _ := doublestar.Match(g, p) // the pattern is valid
		return ok
	}, nil
}
