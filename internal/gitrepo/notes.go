package gitrepo

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
)

// NotesRef is where smsctl keeps its Git notes: the approval evidence that
// `smsctl attest` records on merge commits.
const NotesRef = "refs/notes/smsctl"

// maxNote bounds a note smsctl reads back (evidence is a few kilobytes).
const maxNote = 4 << 20

// Notes reads every note under ref: the annotated commit's hash -> the
// note. A missing ref is no notes. Trees with fan-out (ab/cdef…, as `git
// notes` writes them once there are many) are read as well as flat ones.
func (r *Repo) Notes(ref string) (map[string][]byte, error) {
	out := map[string][]byte{}
	tree, err := r.notesTree(ref)
	if err != nil || tree == nil {
		return out, err
	}
	var walk func(t *object.Tree, prefix string) error
	walk = func(t *object.Tree, prefix string) error {
		for _, e := range t.Entries {
			name := prefix + e.Name
			if e.Mode == filemode.Dir {
				if len(name) >= 40 {
					continue
				}
				sub, err := r.repo.TreeObject(e.Hash)
				if err != nil {
					return fmt.Errorf("read %s: %w", ref, err)
				}
				if err := walk(sub, name); err != nil {
					return err
				}
				continue
			}
			if !isHex40(name) {
				continue // not a note (git notes keeps nothing else here)
			}
			data, err := r.readNote(e.Hash)
			if err != nil {
				return fmt.Errorf("read %s note for %s: %w", ref, name, err)
			}
			out[name] = data
		}
		return nil
	}
	return out, walk(tree, "")
}

// Note reads the note for commit under ref; ok is false when there is none.
func (r *Repo) Note(ref, commit string) (data []byte, ok bool, err error) {
	all, err := r.Notes(ref)
	if err != nil {
		return nil, false, err
	}
	data, ok = all[commit]
	return data, ok, nil
}

// AddNote writes note as the note of commit under ref, replacing the one it
// had, in a new notes commit on top of ref (as `git notes add -f` does). The
// notes tree is written without fan-out, keeping every other note. It
// returns the notes commit's hash.
func (r *Repo) AddNote(ref, commit string, note []byte, who Signature, message string) (string, error) {
	if !isHex40(commit) {
		return "", fmt.Errorf("note: %q is not a full commit hash", commit)
	}
	if _, err := r.repo.CommitObject(plumbing.NewHash(commit)); err != nil {
		return "", fmt.Errorf("note: commit %s is not in this repository", commit)
	}
	notes, err := r.Notes(ref)
	if err != nil {
		return "", err
	}
	var parents []plumbing.Hash
	if cur, err := r.repo.Reference(plumbing.ReferenceName(ref), true); err == nil {
		parents = append(parents, cur.Hash())
	} else if !errors.Is(err, plumbing.ErrReferenceNotFound) {
		return "", fmt.Errorf("read %s: %w", ref, err)
	}
	notes[commit] = note
	names := make([]string, 0, len(notes))
	for name := range notes {
		names = append(names, name)
	}
	sort.Strings(names)
	tree := &object.Tree{}
	for _, name := range names {
		h, err := r.writeObject(plumbing.BlobObject, notes[name])
		if err != nil {
			return "", err
		}
		tree.Entries = append(tree.Entries, object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: h})
	}
	obj := r.repo.Storer.NewEncodedObject()
	if err := tree.Encode(obj); err != nil {
		return "", err
	}
	treeHash, err := r.repo.Storer.SetEncodedObject(obj)
	if err != nil {
		return "", err
	}
	sig := object.Signature{Name: who.Name, Email: who.Email, When: who.When}
	c := &object.Commit{Author: sig, Committer: sig, Message: message, TreeHash: treeHash, ParentHashes: parents}
	obj = r.repo.Storer.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		return "", err
	}
	h, err := r.repo.Storer.SetEncodedObject(obj)
	if err != nil {
		return "", err
	}
	newRef := plumbing.NewHashReference(plumbing.ReferenceName(ref), h)
	if len(parents) == 1 {
		old := plumbing.NewHashReference(plumbing.ReferenceName(ref), parents[0])
		err = r.repo.Storer.CheckAndSetReference(newRef, old)
	} else {
		err = r.repo.Storer.SetReference(newRef)
	}
	if err != nil {
		return "", fmt.Errorf("update %s: %w", ref, err)
	}
	return h.String(), nil
}

// Credentials authenticate a fetch or push over HTTPS: a token is sent as
// the password of user x-access-token, as GitHub expects. Empty means the
// transport's default (SSH agent, or anonymous).
type Credentials struct {
	Token string
}

func (c Credentials) auth(url string) transport.AuthMethod {
	if c.Token == "" || !(strings.HasPrefix(url, "https://") || strings.HasPrefix(url, "http://")) {
		return nil
	}
	return &githttp.BasicAuth{Username: "x-access-token", Password: c.Token}
}

// ErrNotesMoved is returned when the remote's notes ref moved on since it
// was fetched (someone else pushed notes): fetch with replace, write the
// note again and push again.
var ErrNotesMoved = errors.New("the remote's notes moved on (non-fast-forward)")

// FetchNotes brings ref from remote up to date locally; a remote without
// the ref is not an error. Without replace it only fast-forwards (local
// notes the remote lacks make it fail with ErrNotesMoved); with replace the
// local ref becomes the remote's.
func (r *Repo) FetchNotes(remote, ref string, cred Credentials, replace bool) error {
	rem, err := r.repo.Remote(remote)
	if err != nil {
		return fmt.Errorf("remote %q: %w", remote, err)
	}
	spec := config.RefSpec(ref + ":" + ref)
	if replace {
		spec = "+" + spec
	}
	err = rem.Fetch(&git.FetchOptions{RemoteName: remote, RefSpecs: []config.RefSpec{spec}, Auth: cred.auth(rem.Config().URLs[0])})
	switch {
	case err == nil, errors.Is(err, git.NoErrAlreadyUpToDate):
		return nil
	case errors.Is(err, git.NoMatchingRefSpecError{}), errors.Is(err, transport.ErrEmptyRemoteRepository),
		strings.Contains(err.Error(), "couldn't find remote ref"):
		return nil // nothing to fetch yet
	case errors.Is(err, git.ErrForceNeeded), strings.Contains(err.Error(), "non-fast-forward"):
		return fmt.Errorf("fetch %s from %s: %w: this clone has notes the remote lacks", ref, remote, ErrNotesMoved)
	}
	return fmt.Errorf("fetch %s from %s: %w", ref, remote, redact(err, cred))
}

// PushNotes pushes ref to remote, fast-forward only: ErrNotesMoved when the
// remote's ref moved on.
func (r *Repo) PushNotes(remote, ref string, cred Credentials) error {
	rem, err := r.repo.Remote(remote)
	if err != nil {
		return fmt.Errorf("remote %q: %w", remote, err)
	}
	spec := config.RefSpec(ref + ":" + ref)
	err = rem.Push(&git.PushOptions{RemoteName: remote, RefSpecs: []config.RefSpec{spec}, Auth: cred.auth(rem.Config().URLs[0])})
	switch {
	case err == nil, errors.Is(err, git.NoErrAlreadyUpToDate):
		return nil
	case strings.Contains(err.Error(), "non-fast-forward"):
		return fmt.Errorf("push %s to %s: %w", ref, remote, ErrNotesMoved)
	}
	return fmt.Errorf("push %s to %s: %w", ref, remote, redact(err, cred))
}

// RemoteURL returns the first URL of a remote.
func (r *Repo) RemoteURL(remote string) (string, error) {
	rem, err := r.repo.Remote(remote)
	if err != nil {
		return "", fmt.Errorf("remote %q: %w", remote, err)
	}
	return rem.Config().URLs[0], nil
}

// redact keeps a token out of an error's text.
func redact(err error, cred Credentials) error {
	if cred.Token == "" || !strings.Contains(err.Error(), cred.Token) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), cred.Token, "***"))
}

func (r *Repo) notesTree(ref string) (*object.Tree, error) {
	h, err := r.repo.Reference(plumbing.ReferenceName(ref), true)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", ref, err)
	}
	c, err := r.repo.CommitObject(h.Hash())
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", ref, err)
	}
	t, err := c.Tree()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", ref, err)
	}
	return t, nil
}

func (r *Repo) readNote(h plumbing.Hash) ([]byte, error) {
	b, err := r.repo.BlobObject(h)
	if err != nil {
		return nil, err
	}
	if b.Size > maxNote {
		return nil, fmt.Errorf("note of %d bytes is over the %d limit", b.Size, maxNote)
	}
	rd, err := b.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	return io.ReadAll(rd)
}

func (r *Repo) writeObject(t plumbing.ObjectType, data []byte) (plumbing.Hash, error) {
	obj := r.repo.Storer.NewEncodedObject()
	obj.SetType(t)
	obj.SetSize(int64(len(data)))
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write(data); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return r.repo.Storer.SetEncodedObject(obj)
}

func isHex40(s string) bool {
	if len(s) != 40 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
