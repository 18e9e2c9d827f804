package gitrepo

import (
	"errors"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// change is a FileChange before it is reported, with the modes that rename
// detection needs.
type change struct {
	status           byte
	path, oldPath    string
	oldHash, newHash plumbing.Hash
	oldMode, newMode uint32
}

// differ compares two trees the way `git diff-tree -r` does: both trees are
// walked together in Git's entry order, and a subtree is opened only when it
// exists on one side alone or its hash differs between the two.
type differ struct {
	store  *objectStore
	match  func(string) bool
	commit plumbing.Hash // for error messages
	out    []change
}

// diff appends to d.out the changes between the trees old and new (zero hash:
// empty tree), whose paths start with prefix ("" or "dir/").
func (d *differ) diff(old, new plumbing.Hash, prefix string) error {
	if old == new {
		return nil
	}
	ot, err := d.tree(old, prefix)
	if err != nil {
		return err
	}
	nt, err := d.tree(new, prefix)
	if err != nil {
		return err
	}
	// Entries within the bytes both trees start with are the same in both,
	// at the same offsets: start after them.
	i := 0
	if p := commonPrefix(ot.raw, nt.raw); p > 0 {
		i = sort.Search(len(ot.offs), func(k int) bool { return int(ot.offs[k]) > p }) - 1
		i = max(i, 0)
	}
	j := i
	changed := false
	for i < ot.len() || j < nt.len() {
		if changed {
			// After a difference, the rest may be the same in both.
			changed = false
			if i < ot.len() && j < nt.len() && ot.raw[ot.offs[i]:] == nt.raw[nt.offs[j]:] {
				return nil
			}
		}
		var o, n treeEntry
		c := 0
		switch {
		case i == ot.len():
			n, c = nt.entry(j), 1
		case j == nt.len():
			o, c = ot.entry(i), -1
		default:
			o, n = ot.entry(i), nt.entry(j)
			if o.hash == n.hash && o.name == n.name && o.mode == n.mode {
				i++
				j++
				continue
			}
			c = compareEntries(&o, &n)
		}
		changed = true
		switch {
		case c < 0:
			if err := d.side(&o, prefix, 'D'); err != nil {
				return err
			}
			i++
		case c > 0:
			if err := d.side(&n, prefix, 'A'); err != nil {
				return err
			}
			j++
		default:
			i++
			j++
			if o.hash == n.hash && canonMode(o.mode) == canonMode(n.mode) {
				continue
			}
			if o.isDir() {
				if err := d.diff(o.hash, n.hash, prefix+o.name+"/"); err != nil {
					return err
				}
				continue
			}
			p := prefix + o.name
			if d.match == nil || d.match(p) {
				d.out = append(d.out, change{status: 'M', path: p, oldPath: p, oldHash: o.hash, newHash: n.hash, oldMode: canonMode(o.mode), newMode: canonMode(n.mode)})
			}
		}
	}
	return nil
}

// commonPrefix returns the length of the longest common prefix of a and b.
func commonPrefix(a, b string) int {
	n := min(len(a), len(b))
	i := 0
	for i+64 <= n && a[i:i+64] == b[i:i+64] {
		i += 64
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

// tree reads the tree of folder prefix ("" or "dir/"), naming the folder and
// the commit if it is missing.
func (d *differ) tree(h plumbing.Hash, prefix string) (*rawTree, error) {
	t, err := d.store.tree(h)
	var missing *MissingObjectError
	if errors.As(err, &missing) {
		dir := strings.TrimSuffix(prefix, "/")
		if dir == "" {
			dir = "the top folder"
		}
		missing.Where = "tree of " + dir + " in commit " + d.commit.String() + " or its first parent"
	}
	return t, err
}

// side reports an entry that exists only in the old tree (status 'D') or only
// in the new one ('A'); a folder is reported file by file.
func (d *differ) side(e *treeEntry, prefix string, status byte) error {
	if e.isDir() {
		t, err := d.tree(e.hash, prefix+e.name)
		if err != nil {
			return err
		}
		sub := prefix + e.name + "/"
		for k := range t.len() {
			se := t.entry(k)
			if err := d.side(&se, sub, status); err != nil {
				return err
			}
		}
		return nil
	}
	p := prefix + e.name
	if d.match != nil && !d.match(p) {
		return nil
	}
	c := change{status: status, path: p, oldPath: p}
	if status == 'D' {
		c.oldHash, c.oldMode = e.hash, canonMode(e.mode)
	} else {
		c.newHash, c.newMode = e.hash, canonMode(e.mode)
	}
	d.out = append(d.out, c)
	return nil
}

// compareEntries orders tree entries as Git does: by name, with a folder's
// name compared as if it ended in "/". A file and a folder of the same name
// are therefore different entries.
func compareEntries(a, b *treeEntry) int {
	an, bn := a.name, b.name
	n := min(len(an), len(bn))
	if c := strings.Compare(an[:n], bn[:n]); c != 0 {
		return c
	}
	var ac, bc byte
	if len(an) > n {
		ac = an[n]
	} else if a.isDir() {
		ac = '/'
	}
	if len(bn) > n {
		bc = bn[n]
	} else if b.isDir() {
		bc = '/'
	}
	switch {
	case ac < bc:
		return -1
	case ac > bc:
		return 1
	}
	return 0
}
