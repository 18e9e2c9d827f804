package github

import (
	"encoding/json"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/smsctl/smsctl/internal/policy"
	"github.com/smsctl/smsctl/internal/records"
)

// Person is a people record as far as approvals go.
type Person struct {
	ID     string   `json:"id"`
	GitHub string   `json:"github"`
	Roles  []string `json:"roles"`
}

// People indexes the SMS's people by GitHub login (case-insensitive, as
// GitHub logins are).
func People(repo *records.Repository) map[string]Person {
	out := map[string]Person{}
	for _, r := range repo.Records {
		if r.Kind != "person" || !r.Valid || r.Data == nil {
			continue
		}
		var p Person
		if json.Unmarshal(r.Data, &p) != nil || p.GitHub == "" {
			continue
		}
		p.ID = r.ID
		out[strings.ToLower(p.GitHub)] = p
	}
	return out
}

// Facts turns the pull request into the policy input's pull_request: each
// reviewer, the author and the last pusher are mapped to the people whose
// github field names them; sub is the SMS repository's folder in the Git
// repository ("" or "." for the top), so the changed files are read
// relative to it. It also returns the reviewers' logins that no person
// record names, sorted: they are reported, never guessed.
func Facts(pr *PullRequest, repo *records.Repository, sub string) (*policy.PullRequest, []string) {
	people := People(repo)
	person := func(login string) (Person, bool) {
		p, ok := people[strings.ToLower(login)]
		return p, ok && login != ""
	}
	f := &policy.PullRequest{
		Number: pr.Number, Title: pr.Title, Author: pr.Author, LastPusher: pr.LastPusher,
		HeadSHA: pr.HeadSHA, BaseRef: pr.BaseRef, Fork: pr.Fork, Merged: pr.Merged,
		Labels: append([]string{}, pr.Labels...), Files: []string{}, Changes: []string{}, Reviews: []policy.Review{},
	}
	if p, ok := person(pr.Author); ok {
		f.AuthorPerson = p.ID
	}
	if p, ok := person(pr.LastPusher); ok {
		f.LastPusherPerson = p.ID
	}
	prefix := strings.Trim(path.Clean("/"+sub), "/")
	if prefix != "" {
		prefix += "/"
	}
	for _, file := range pr.Files {
		rel, ok := strings.CutPrefix(file.Path, prefix)
		if !ok {
			continue
		}
		f.Files = append(f.Files, rel)
		if file.Status == "removed" {
			continue
		}
		if k, id, ok := records.ParsePath(rel); ok && k.Name == "change" && !slices.Contains(f.Changes, id) {
			f.Changes = append(f.Changes, id)
		}
	}
	slices.Sort(f.Changes)
	var unknown []string
	for _, r := range pr.Reviews {
		rv := policy.Review{
			Login: r.Login, State: r.State, CommitID: r.CommitID, Dismissed: r.Dismissed,
			SubmittedAt: r.SubmittedAt.UTC().Format(time.RFC3339), Roles: []string{},
		}
		if p, ok := person(r.Login); ok {
			rv.Person = p.ID
			rv.Roles = append(rv.Roles, p.Roles...)
		} else if !slices.Contains(unknown, r.Login) {
			unknown = append(unknown, r.Login)
		}
		f.Reviews = append(f.Reviews, rv)
	}
	slices.Sort(unknown)
	return f, unknown
}
