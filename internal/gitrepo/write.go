package gitrepo

import (
	"crypto/sha256"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Init makes dir a Git repository whose default branch is main, unless it
// already is one.
func Init(dir string) error {
	if _, err := git.PlainOpen(dir); err == nil {
		return nil
	}
	_, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")},
	})
	if err != nil {
		return fmt.Errorf("git init %s: %w", dir, err)
	}
	return nil
}

// Signature is an author or committer.
type Signature struct {
	Name  string
	Email string
	When  time.Time
}

// HistoryWriter writes commits from whole snapshots of files, without a work
// tree, so a history can be replayed with any dates and authors.
type HistoryWriter struct {
	repo  *git.Repository
	blobs map[[32]byte]plumbing.Hash
}

// NewHistoryWriter creates a Git repository in dir (default branch main)
// and returns a writer for it.
func NewHistoryWriter(dir string) (*HistoryWriter, error) {
	r, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")},
	})
	if err != nil {
		return nil, fmt.Errorf("git init %s: %w", dir, err)
	}
	return &HistoryWriter{repo: r, blobs: map[[32]byte]plumbing.Hash{}}, nil
}

// Commit writes a commit whose tree is exactly files (path -> content) and
// returns its hash. It moves no branch.
func (w *HistoryWriter) Commit(files map[string][]byte, parents []string, author, committer Signature, message string) (string, error) {
	tree, err := w.writeTree(files)
	if err != nil {
		return "", err
	}
	c := &object.Commit{
		Author:    object.Signature{Name: author.Name, Email: author.Email, When: author.When},
		Committer: object.Signature{Name: committer.Name, Email: committer.Email, When: committer.When},
		Message:   message,
		TreeHash:  tree,
	}
	for _, p := range parents {
		c.ParentHashes = append(c.ParentHashes, plumbing.NewHash(p))
	}
	obj := w.repo.Storer.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		return "", err
	}
	h, err := w.repo.Storer.SetEncodedObject(obj)
	if err != nil {
		return "", err
	}
	return h.String(), nil
}

// SetBranch points branch at commit hash.
func (w *HistoryWriter) SetBranch(branch, hash string) error {
	ref := plumbing.NewHashReference(plumbing.NewBranchReferenceName(branch), plumbing.NewHash(hash))
	return w.repo.Storer.SetReference(ref)
}

// DeleteBranch removes a branch, as a merged pull request's branch is.
func (w *HistoryWriter) DeleteBranch(branch string) error {
	return w.repo.Storer.RemoveReference(plumbing.NewBranchReferenceName(branch))
}

// Checkout makes branch the current branch and writes its files to the
// work tree.
func (w *HistoryWriter) Checkout(branch string) error {
	wt, err := w.repo.Worktree()
	if err != nil {
		return err
	}
	return wt.Checkout(&git.CheckoutOptions{Branch: plumbing.NewBranchReferenceName(branch), Force: true})
}

// SetRemote records an origin remote, as a clone of the forge would have.
func (w *HistoryWriter) SetRemote(url string) error {
	_, err := w.repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{url}})
	return err
}

func (w *HistoryWriter) writeTree(files map[string][]byte) (plumbing.Hash, error) {
	type node struct {
		files map[string][]byte
		dirs  map[string]*node
	}
	newNode := func() *node { return &node{files: map[string][]byte{}, dirs: map[string]*node{}} }
	root := newNode()
	for p, data := range files {
		n := root
		parts := strings.Split(path.Clean(p), "/")
		for _, d := range parts[:len(parts)-1] {
			if n.dirs[d] == nil {
				n.dirs[d] = newNode()
			}
			n = n.dirs[d]
		}
		n.files[parts[len(parts)-1]] = data
	}
	var write func(n *node) (plumbing.Hash, error)
	write = func(n *node) (plumbing.Hash, error) {
		var entries []object.TreeEntry
		for name, data := range n.files {
			h, err := w.writeBlob(data)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: h})
		}
		for name, sub := range n.dirs {
			h, err := write(sub)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
		}
		// Git orders entries as if directory names ended in "/".
		key := func(e object.TreeEntry) string {
			if e.Mode == filemode.Dir {
				return e.Name + "/"
			}
			return e.Name
		}
		sort.Slice(entries, func(i, j int) bool { return key(entries[i]) < key(entries[j]) })
		t := &object.Tree{Entries: entries}
		obj := w.repo.Storer.NewEncodedObject()
		if err := t.Encode(obj); err != nil {
			return plumbing.ZeroHash, err
		}
		return w.repo.Storer.SetEncodedObject(obj)
	}
	return write(root)
}

func (w *HistoryWriter) writeBlob(data []byte) (plumbing.Hash, error) {
	key := sha256Sum(data)
	if h, ok := w.blobs[key]; ok {
		return h, nil
	}
	obj := w.repo.Storer.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	obj.SetSize(int64(len(data)))
	wr, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := wr.Write(data); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := wr.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	h, err := w.repo.Storer.SetEncodedObject(obj)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	w.blobs[key] = h
	return h, nil
}

func sha256Sum(b []byte) [32]byte { return sha256.Sum256(b) }
