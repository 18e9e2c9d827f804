package gitrepo

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"sort"
	"strconv"
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

// Notes reads every note under ref: the annotated commit's hash -> the
// note. A missing ref is no notes. Trees with fan-out (ab/cdef…, as `git
// notes` writes them once there are many) are read as well as flat ones.
// A note over the note limit (MaxNoteSize), and a notes commit or tree over
// its own, is refused with a *TooLargeError before it is inflated.
func (r *Repo) Notes(ref string) (map[string][]byte, error) {
	out := map[string][]byte{}
	h, err := r.repo.Reference(plumbing.ReferenceName(ref), true)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", ref, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	s, err := r.sharedStoreLocked()
	if err != nil {
		return nil, err
	}
	c, err := s.commit(h.Hash(), "", plumbing.ZeroHash)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", ref, err)
	}
	var walk func(h plumbing.Hash, prefix string) error
	walk = func(h plumbing.Hash, prefix string) error {
		t, err := s.tree(h)
		if err != nil {
			return fmt.Errorf("read %s: %w", ref, err)
		}
		for i := range t.len() {
			e := t.entry(i)
			name := prefix + e.name
			if e.isDir() {
				if len(name) >= 40 {
					continue
				}
				if err := walk(e.hash, name); err != nil {
					return err
				}
				continue
			}
			if !isHex40(name) {
				continue // not a note (git notes keeps nothing else here)
			}
			data, err := s.readLimit(plumbing.BlobObject, e.hash, "", r.limits.Note)
			if err != nil {
				var tl *TooLargeError
				if errors.As(err, &tl) {
					tl.Kind = "note"
				}
				return fmt.Errorf("read %s note for %s: %w", ref, name, err)
			}
			out[name] = []byte(data)
		}
		return nil
	}
	return out, walk(c.tree, "")
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
// the password of user x-access-token, as GitHub expects, and only over
// https to the Git host of the GitHub it belongs to. A remote elsewhere, or
// over plain http, gets no token: the fetch or push goes without it (the
// remote's own credentials, an SSH agent, or anonymous), and if the remote
// then asks for authentication the error says why the token was held back.
// Empty Token means the transport's default.
type Credentials struct {
	Token string
	// Host is the Git host the token belongs to, with its port when it is
	// not 443: github.com for api.github.com, HOST for a GitHub Enterprise
	// Server at https://HOST/api/v3/. Empty means github.com.
	Host string
	// caBundle is trusted for https remotes besides the system's roots
	// (tests serve https with a certificate of their own).
	caBundle []byte
}

// DefaultGitHost is where a token goes when Credentials names no host.
const DefaultGitHost = "github.com"

// auth decides what a fetch or push to remoteURL sends: the token for an
// https URL on the credentials' host, nothing otherwise. held says, when a
// token was held back from an http(s) remote, why and what to do.
func (c Credentials) auth(remoteURL string) (auth transport.AuthMethod, held string) {
	if c.Token == "" {
		return nil, ""
	}
	ep, err := transport.NewEndpoint(remoteURL)
	if err != nil {
		return nil, ""
	}
	want := c.Host
	if want == "" {
		want = DefaultGitHost
	}
	switch ep.Protocol {
	case "https":
	case "http":
		return nil, fmt.Sprintf("the remote is plain http, and smsctl sends the token only over https: set the remote's URL to https://%s/…", ep.Host)
	default:
		return nil, "" // ssh, git, a local path: the token is not for these
	}
	if !sameHost(ep.Host, ep.Port, want) {
		return nil, fmt.Sprintf("the token is for %s and the remote is on %s: give the remote credentials of its own, or push to %s", want, hostPort(ep.Host, ep.Port), want)
	}
	return &githttp.BasicAuth{Username: "x-access-token", Password: c.Token}, ""
}

// sameHost compares a remote's host and port with HOST[:PORT], case aside;
// no port means 443.
func sameHost(host string, port int, want string) bool {
	wantHost, wantPort := want, 443
	if h, p, err := net.SplitHostPort(want); err == nil {
		n, err := strconv.Atoi(p)
		if err != nil {
			return false
		}
		wantHost, wantPort = h, n
	}
	if port == 0 {
		port = 443
	}
	return strings.EqualFold(strings.Trim(host, "[]"), strings.Trim(wantHost, "[]")) && port == wantPort
}

func hostPort(host string, port int) string {
	if port == 0 || port == 443 {
		return host
	}
	return net.JoinHostPort(host, strconv.Itoa(port))
}

// heldBack adds to err, when the remote asked for credentials the token was
// held back from, why it was.
func heldBack(err error, held string) string {
	if held == "" || !(errors.Is(err, transport.ErrAuthenticationRequired) || errors.Is(err, transport.ErrAuthorizationFailed)) {
		return ""
	}
	return " (the token was not sent: " + held + ")"
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
	auth, held := cred.auth(rem.Config().URLs[0])
	err = rem.Fetch(&git.FetchOptions{RemoteName: remote, RefSpecs: []config.RefSpec{spec}, Auth: auth, CABundle: cred.caBundle})
	switch {
	case err == nil, errors.Is(err, git.NoErrAlreadyUpToDate):
		return nil
	case errors.Is(err, git.NoMatchingRefSpecError{}), errors.Is(err, transport.ErrEmptyRemoteRepository),
		strings.Contains(err.Error(), "couldn't find remote ref"):
		return nil // nothing to fetch yet
	case errors.Is(err, git.ErrForceNeeded), strings.Contains(err.Error(), "non-fast-forward"):
		return fmt.Errorf("fetch %s from %s: %w: this clone has notes the remote lacks", ref, remote, ErrNotesMoved)
	}
	return fmt.Errorf("fetch %s from %s: %w%s", ref, remote, redact(err, cred), heldBack(err, held))
}

// PushNotes pushes ref to remote, fast-forward only: ErrNotesMoved when the
// remote's ref moved on.
func (r *Repo) PushNotes(remote, ref string, cred Credentials) error {
	rem, err := r.repo.Remote(remote)
	if err != nil {
		return fmt.Errorf("remote %q: %w", remote, err)
	}
	spec := config.RefSpec(ref + ":" + ref)
	auth, held := cred.auth(rem.Config().URLs[0])
	err = rem.Push(&git.PushOptions{RemoteName: remote, RefSpecs: []config.RefSpec{spec}, Auth: auth, CABundle: cred.caBundle})
	switch {
	case err == nil, errors.Is(err, git.NoErrAlreadyUpToDate):
		return nil
	case strings.Contains(err.Error(), "non-fast-forward"):
		return fmt.Errorf("push %s to %s: %w", ref, remote, ErrNotesMoved)
	}
	return fmt.Errorf("push %s to %s: %w%s", ref, remote, redact(err, cred), heldBack(err, held))
}

// RemoteURL returns the first URL of a remote.
func (r *Repo) RemoteURL(remote string) (string, error) {
	rem, err := r.repo.Remote(remote)
	if err != nil {
		return "", fmt.Errorf("remote %q: %w", remote, err)
	}
	return rem.Config().URLs[0], nil
}

// redact keeps a token out of an error's text: the token itself, and the
// Basic authorization it travels in. The redacted error keeps answering
// errors.Is as err does.
func redact(err error, cred Credentials) error {
	if cred.Token == "" {
		return err
	}
	basic := base64.StdEncoding.EncodeToString([]byte("x-access-token:" + cred.Token))
	msg := err.Error()
	if !strings.Contains(msg, cred.Token) && !strings.Contains(msg, basic) {
		return err
	}
	msg = strings.ReplaceAll(strings.ReplaceAll(msg, basic, "***"), cred.Token, "***")
	return &redactedError{msg: msg, err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string        { return e.msg }
func (e *redactedError) Is(target error) bool { return errors.Is(e.err, target) }

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
