package attest

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"

	"github.com/smsctl/smsctl/internal/gate"
	"github.com/smsctl/smsctl/internal/gitrepo"
	"github.com/smsctl/smsctl/internal/policy"
	"github.com/smsctl/smsctl/internal/records"
)

// Trusted is what a revision says about evidence: the keys its sms.cue
// allows to attest, and its people (who a GitHub login is, in which roles).
type Trusted struct {
	Attesters []Attester
	// People holds the revision's person records only.
	People *records.Repository
}

// Resolver checks notes against the facts of their time: a note on a
// merge commit is judged with what the merge's first parent (the base the
// gate judged the pull request with) trusted. It reads only sms.cue and
// people/ at each revision, and parses each distinct content once. It is
// not safe for concurrent use.
type Resolver struct {
	repo      *gitrepo.Repo
	sub       string
	byCommit  map[string]*Trusted
	byContent map[[32]byte]*Trusted
}

// NewResolver reads the SMS in folder sub of repo ("" for the top).
func NewResolver(repo *gitrepo.Repo, sub string) *Resolver {
	return &Resolver{repo: repo, sub: sub, byCommit: map[string]*Trusted{}, byContent: map[[32]byte]*Trusted{}}
}

// At reads the trusted facts at commit. A revision that holds no SMS (the
// folder or sms.cue is missing) trusts no attester and knows no one.
func (r *Resolver) At(commit string) (*Trusted, error) {
	if t := r.byCommit[commit]; t != nil {
		return t, nil
	}
	c, err := r.repo.Resolve(commit)
	if err != nil {
		return nil, err
	}
	empty := &Trusted{People: &records.Repository{}}
	fsys, err := r.repo.FS(c, r.sub)
	if err != nil {
		r.byCommit[commit] = empty
		return empty, nil
	}
	smsSrc, err := fs.ReadFile(fsys, "sms.cue")
	if errors.Is(err, fs.ErrNotExist) {
		r.byCommit[commit] = empty
		return empty, nil
	} else if err != nil {
		return nil, fmt.Errorf("read sms.cue at %s: %w", c.Hash[:12], err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "sms.cue\x00%d\x00", len(smsSrc))
	h.Write(smsSrc)
	type file struct {
		name string
		src  []byte
	}
	var people []file
	entries, err := fs.ReadDir(fsys, "people")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read people/ at %s: %w", c.Hash[:12], err)
	}
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".cue" {
			continue
		}
		name := "people/" + e.Name()
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read %s at %s: %w", name, c.Hash[:12], err)
		}
		people = append(people, file{name, src})
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(src))
		h.Write(src)
	}
	var key [32]byte
	copy(key[:], h.Sum(nil))
	if t := r.byContent[key]; t != nil {
		r.byCommit[commit] = t
		return t, nil
	}
	t := &Trusted{Attesters: attestersOf(smsSrc), People: &records.Repository{}}
	for _, f := range people {
		kind, id, data, err := records.Data(f.name, f.src)
		if err != nil || kind.Name != "person" {
			continue // not a person record: it names no one
		}
		t.People.Records = append(t.People.Records, &records.Record{Kind: kind.Name, ID: id, File: f.name, Data: data, Valid: true})
	}
	r.byContent[key], r.byCommit[commit] = t, t
	return t, nil
}

// attestersOf reads sms.attesters from sms.cue's source; none when it
// does not parse.
func attestersOf(src []byte) []Attester {
	_, _, data, err := records.Data("sms.cue", src)
	if err != nil {
		return nil
	}
	var s struct {
		Attesters []Attester `json:"attesters"`
	}
	_ = json.Unmarshal(data, &s)
	return s.Attesters
}

// Check reads the note on commit and judges it with the facts of its
// time: the signature against the attesters that the sms.cue of the
// commit's first parent lists for the commit's time, the evidence against
// the commit it is a note of; and it maps the reviewers, the author and
// the last pusher to people afresh from that revision's people records,
// whatever the note says. The attestation's Check says whether it counts.
// A note that is not smsctl's evidence is an error; so is a first parent
// this clone lacks.
func (r *Resolver) Check(commit string, data []byte) (*Attestation, error) {
	n, err := ParseNote(data)
	if err != nil {
		return nil, err
	}
	a := n.Attestation
	c, err := r.repo.Resolve(commit)
	if err != nil {
		return nil, err
	}
	trusted := &Trusted{People: &records.Repository{}}
	if c.NumParents() > 0 {
		parent, err := r.repo.Resolve(commit + "^1")
		if err != nil {
			return nil, &NoParentError{Commit: commit}
		}
		if trusted, err = r.At(parent.Hash); err != nil {
			return nil, err
		}
	}
	a.Check = n.Verify(trusted.Attesters, c.When)
	if c.NumParents() == 0 && a.Check.Status == Verified {
		a.Check = &Check{Status: UnknownKey, Key: a.Check.Key, Reason: "a root commit has no first parent whose sms.cue could trust an attester"}
	}
	if a.Check.Status == Verified && a.PullRequest.MergeCommit != commit {
		a.Check = &Check{Status: Misplaced, Attester: a.Check.Attester, Key: a.Check.Key,
			Reason: fmt.Sprintf("the signed evidence is about merge commit %s, not %s", short(a.PullRequest.MergeCommit), commit[:12])}
	}
	a.Remap(trusted.People)
	return a, nil
}

// Remap replaces what the evidence says of people (the author's and last
// pusher's person, each reviewer's person and roles) with what people
// (a revision's person records) say of their logins.
func (a *Attestation) Remap(people *records.Repository) {
	pr := &policy.PullRequest{Author: a.PullRequest.Author, LastPusher: a.PullRequest.LastPusher}
	for _, rv := range a.Reviews {
		pr.Reviews = append(pr.Reviews, policy.Review{Login: rv.Login})
	}
	m, _ := gate.MapPeople(pr, people)
	a.PullRequest.AuthorPerson, a.PullRequest.LastPusherPerson = m.AuthorPerson, m.LastPusherPerson
	for i := range a.Reviews {
		a.Reviews[i].Person, a.Reviews[i].Roles = m.Reviews[i].Person, m.Reviews[i].Roles
	}
}

// ReadNotes reads and checks every note under gitrepo.NotesRef, by the
// annotated commit's hash. A note that is not smsctl's evidence is left
// out and reported to skipped (nil: dropped).
func ReadNotes(repo *gitrepo.Repo, sub string, skipped func(commit string, err error)) (map[string]*Attestation, error) {
	notes, err := repo.Notes(gitrepo.NotesRef)
	if err != nil {
		return nil, err
	}
	commits := make([]string, 0, len(notes))
	for c := range notes {
		commits = append(commits, c)
	}
	sort.Strings(commits) // stable order for the warnings
	r := NewResolver(repo, sub)
	out := make(map[string]*Attestation, len(notes))
	for _, commit := range commits {
		a, err := r.Check(commit, notes[commit])
		if err != nil {
			var np *NoParentError
			if errors.As(err, &np) {
				return nil, err
			}
			if skipped != nil {
				skipped(commit, err)
			}
			continue
		}
		out[commit] = a
	}
	return out, nil
}

// NoParentError is the reason evidence cannot be checked in a shallow
// clone: the first parent, whose sms.cue says whom to trust, is missing.
type NoParentError struct {
	Commit string
}

func (e *NoParentError) Error() string {
	return fmt.Sprintf("the evidence on %s cannot be checked: its first parent is not in this clone (fetch the whole history: fetch-depth: 0 in actions/checkout, or git fetch --unshallow)", short(e.Commit))
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
