//go:build !unix

package gitrepo

import (
	"io"
	"os"
)

// mapFile reads a whole file, where memory mapping is not used.
func mapFile(f *os.File, size int64) (data []byte, release func() error, err error) {
	data = make([]byte, size)
	_, err = io.ReadFull(f, data)
	return data, nil, err
}
