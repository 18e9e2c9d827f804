package audit

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/smsctl/smsctl/internal/gitrepo"
	"github.com/smsctl/smsctl/internal/records"
)

// Version is a record as it stood at one commit.
type Version struct {
	Kind       string          `json:"kind"`
	ID         string          `json:"id"`
	Path       string          `json:"path"`
	Commit     string          `json:"commit"`
	CommitTime time.Time       `json:"commit_time"`
	Source     string          `json:"source"`
	Data       json.RawMessage `json:"data,omitempty"`
}

// Show returns the record ref ("CHG-2026-0007" or "service/web") as it
// stood at rev, or, when at is set, at the last commit of rev's
// first-parent line made no later than at.
func Show(repo *gitrepo.Repo, ref, rev string, at time.Time, sub string) (*Version, error) {
	if rev == "" {
		rev = "HEAD"
	}
	var c *gitrepo.Commit
	var err error
	if at.IsZero() {
		c, err = repo.Resolve(rev)
	} else {
		c, err = repo.CommitAt(rev, at)
	}
	if err != nil {
		return nil, err
	}
	fsys, err := repo.FS(c, sub)
	if err != nil {
		return nil, err
	}
	kindName, id, hasKind := strings.Cut(ref, "/")
	if !hasKind {
		id, kindName = ref, ""
	}
	candidates := append([]records.Kind{records.SMSKind}, records.Kinds...)
	var found []*Version
	for _, k := range candidates {
		if kindName != "" && k.Name != kindName && k.Field != kindName {
			continue
		}
		if (k.Name == records.SMSKind.Name) != (id == "sms") || (k.Name != records.SMSKind.Name && !k.ValidID(id)) {
			continue
		}
		p := k.PathFor(id)
		src, err := gitrepo.ReadFile(fsys, p, repo.Limits().Blob)
		if errors.Is(err, gitrepo.ErrTooLarge) {
			return nil, err
		}
		if err != nil {
			continue
		}
		v := &Version{Kind: k.Name, ID: id, Path: p, Commit: c.Hash, CommitTime: c.When, Source: string(src)}
		if _, _, data, err := records.Data(p, src); err == nil {
			v.Data = data
		}
		found = append(found, v)
	}
	when := c.When.UTC().Format(time.RFC3339)
	switch len(found) {
	case 0:
		if kindName == "" && !anyValid(id) {
			return nil, fmt.Errorf("%q is not a record ID of any kind", ref)
		}
		return nil, fmt.Errorf("%s did not exist at %s (%s)", ref, c.Hash[:12], when)
	case 1:
		return found[0], nil
	}
	var names []string
	for _, v := range found {
		names = append(names, v.Kind+"/"+v.ID)
	}
	return nil, fmt.Errorf("%s names several records; say which: %s", ref, strings.Join(names, ", "))
}

func anyValid(id string) bool {
	for _, k := range records.Kinds {
		if k.ValidID(id) {
			return true
		}
	}
	return id == "sms"
}
