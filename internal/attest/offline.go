package attest

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/smsctl/smsctl/internal/github"
	"github.com/smsctl/smsctl/internal/gitrepo"
	"github.com/smsctl/smsctl/internal/records"
)

// Offline is what an offline attestation is made from: the merge and the
// records, without GitHub.
type Offline struct {
	// Merge is the merge (or squash) commit, with its changes against its
	// first parent.
	Merge *gitrepo.HistoryCommit
	// HeadAuthor is the email of the merged head commit's author (the
	// merge's second parent's; a squash's own).
	HeadAuthor string
	// Number is the pull request's number.
	Number int
	// Sub is the SMS's folder in the Git work tree.
	Sub string
	// Trusted are the records of the merge's first parent: they say who
	// the authors and approvers are, and their GitHub logins.
	Trusted *records.Repository
	// Head are the records at the merge: the change records it brought,
	// with their approvals.
	Head *records.Repository
}

// PullRequest is the pull request as the merge and its records tell it:
// the title from the merge's message, the author and the merger mapped
// from their Git emails to people (and their GitHub logins), and one
// review per approval that the change records the merge added or edited
// hold, by the approver's GitHub login, on the merged head. An approval by
// a person without a GitHub login cannot be a review: it is returned in
// skipped.
func (o Offline) PullRequest() (*github.PullRequest, []string) {
	c := o.Merge
	type person struct {
		GitHub    string   `json:"github"`
		Email     string   `json:"email"`
		GitEmails []string `json:"git_emails"`
	}
	people := map[string]person{}
	byEmail := map[string]string{}
	for _, r := range o.Trusted.Records {
		if r.Kind != "person" || r.Data == nil {
			continue
		}
		var p person
		if json.Unmarshal(r.Data, &p) != nil {
			continue
		}
		people[r.ID] = p
		for _, e := range append([]string{p.Email}, p.GitEmails...) {
			if e != "" {
				byEmail[strings.ToLower(e)] = r.ID
			}
		}
	}
	login := func(email string) string {
		return people[byEmail[strings.ToLower(email)]].GitHub
	}
	head := c.Hash
	if len(c.Parents) == 2 {
		head = c.Parents[1]
	}
	pr := &github.PullRequest{
		Number: o.Number, Title: offlineTitle(c), Author: login(o.HeadAuthor), LastPusher: login(o.HeadAuthor),
		HeadSHA: head, Merged: true, MergeCommit: c.Hash, MergedBy: login(c.Committer.Email), MergedAt: c.Committer.When.UTC(),
		Labels: []string{}, Files: []github.File{}, Reviews: []github.Review{},
	}
	if len(c.Parents) > 0 {
		pr.BaseSHA = c.Parents[0]
	}
	prefix := strings.Trim(path.Clean("/"+o.Sub), "/")
	if prefix != "" {
		prefix += "/"
	}
	var skipped []string
	for _, fc := range c.Changes {
		status := map[byte]string{'A': "added", 'D': "removed"}[fc.Status]
		if status == "" {
			status = "modified"
		}
		pr.Files = append(pr.Files, github.File{Path: fc.Path, Status: status})
		rel, ok := strings.CutPrefix(fc.Path, prefix)
		if !ok || fc.Status == 'D' {
			continue
		}
		k, id, ok := records.ParsePath(rel)
		if !ok || k.Name != "change" {
			continue
		}
		rec := o.Head.Lookup("change", id)
		if rec == nil || rec.Data == nil {
			continue
		}
		var ch struct {
			Approvals []struct {
				By       string `json:"by"`
				At       string `json:"at"`
				Decision string `json:"decision"`
			} `json:"approvals"`
		}
		_ = json.Unmarshal(rec.Data, &ch)
		for _, a := range ch.Approvals {
			gh := people[a.By].GitHub
			at, err := time.Parse(time.RFC3339, a.At)
			if gh == "" || err != nil {
				skipped = append(skipped, fmt.Sprintf("%s's approval of %s (no GitHub login, or no time)", a.By, id))
				continue
			}
			state := "APPROVED"
			if a.Decision != "approved" {
				state = "CHANGES_REQUESTED"
			}
			rv := github.Review{Login: gh, State: state, CommitID: head, SubmittedAt: at.UTC()}
			if !slices.Contains(pr.Reviews, rv) {
				pr.Reviews = append(pr.Reviews, rv)
			}
		}
	}
	return pr, skipped
}

// offlineTitle is the pull request's title as the merge commit keeps it:
// the first line of a GitHub merge's description, or a squash's subject
// without its "(#N)".
func offlineTitle(c *gitrepo.HistoryCommit) string {
	if strings.HasPrefix(c.Subject, "Merge pull request #") {
		lines := strings.Split(c.Message, "\n")
		for _, l := range lines[1:] {
			if l = strings.TrimSpace(l); l != "" {
				return l
			}
		}
		return c.Subject
	}
	if i := strings.LastIndex(c.Subject, " (#"); i > 0 && strings.HasSuffix(c.Subject, ")") {
		return c.Subject[:i]
	}
	return c.Subject
}
