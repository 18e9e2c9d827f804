//go:build !unix

package gitrepo

// openNoFollow: elsewhere the Lstat before the open is the check.
const openNoFollow = 0
