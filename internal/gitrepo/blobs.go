package gitrepo

import (
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
)

// BlobReader reads blobs through an object reader of its own, so it can run
// on another goroutine than a History walk of the same repository (the
// object readers keep caches and are not safe for concurrent use). Close it
// when done.
type BlobReader struct {
	repo  *Repo
	store *objectStore
}

// BlobReader opens a blob reader.
func (r *Repo) BlobReader() (*BlobReader, error) {
	s, err := r.openStore()
	if err != nil {
		return nil, err
	}
	return &BlobReader{repo: r, store: s}, nil
}

// Blob returns a blob's content by hash. A blob over the repository's blob
// limit is refused, before it is inflated, with a *TooLargeError.
func (b *BlobReader) Blob(hash string) ([]byte, error) {
	h, err := parseHash(hash)
	if err != nil {
		return nil, fmt.Errorf("blob %q: %w", hash, err)
	}
	return b.repo.blob(b.store, h)
}

// blob reads blob h through store.
func (r *Repo) blob(store *objectStore, h plumbing.Hash) ([]byte, error) {
	data, err := store.read(plumbing.BlobObject, h, "")
	var missing *MissingObjectError
	if errors.As(err, &missing) {
		return nil, fmt.Errorf("blob %s does not exist in the repository at %s", h, r.root)
	}
	if err != nil {
		return nil, err
	}
	return []byte(data), nil
}

// Close releases the reader's files.
func (b *BlobReader) Close() { b.store.close() }
