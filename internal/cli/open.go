package cli

import (
	"fmt"
	"io/fs"
	"os"

	"github.com/smsctl/smsctl/internal/gitrepo"
)

// openSMS opens the SMS repository at dir: its work tree, or with rev the
// tree of that Git revision. It returns the file system and the commit hash
// (empty for the work tree).
func openSMS(absDir, dir, rev string) (fs.FS, string, error) {
	info, err := os.Stat(absDir)
	if err != nil {
		return nil, "", fmt.Errorf("%s: no such directory", dir)
	}
	if !info.IsDir() {
		return nil, "", fmt.Errorf("%s: not a directory", dir)
	}
	if rev == "" {
		root, err := os.OpenRoot(absDir)
		if err != nil {
			return nil, "", err
		}
		return root.FS(), "", nil
	}
	repo, err := gitrepo.Open(absDir)
	if err != nil {
		return nil, "", err
	}
	c, err := repo.Resolve(rev)
	if err != nil {
		return nil, "", err
	}
	sub, err := repo.RelPath(absDir)
	if err != nil {
		return nil, "", err
	}
	fsys, err := repo.FS(c, sub)
	if err != nil {
		return nil, "", err
	}
	return fsys, c.Hash, nil
}
