package github

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	gh "github.com/google/go-github/v60/github"
)

// Repo names a GitHub repository.
type Repo struct {
	Owner, Name string
}

func (r Repo) String() string { return r.Owner + "/" + r.Name }

var repoPart = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// ParseRepo reads OWNER/NAME.
func ParseRepo(s string) (Repo, error) {
	owner, name, ok := strings.Cut(strings.TrimSuffix(s, ".git"), "/")
	if !ok || !repoPart.MatchString(owner) || !repoPart.MatchString(name) {
		return Repo{}, fmt.Errorf("%q is not a GitHub repository: give OWNER/NAME", s)
	}
	return Repo{Owner: owner, Name: name}, nil
}

// RepoFromRemote reads the repository from a Git remote URL:
// https://HOST/OWNER/NAME(.git), ssh://git@HOST/OWNER/NAME.git or
// git@HOST:OWNER/NAME.git.
func RepoFromRemote(remote string) (Repo, error) {
	p := ""
	if u, err := url.Parse(remote); err == nil && u.Scheme != "" && u.Host != "" {
		p = u.Path
	} else if at := strings.Index(remote, "@"); at >= 0 {
		if _, after, ok := strings.Cut(remote[at:], ":"); ok {
			p = after
		}
	}
	p = strings.Trim(p, "/")
	parts := strings.Split(p, "/")
	if len(parts) < 2 {
		return Repo{}, fmt.Errorf("remote %s does not name OWNER/NAME", redactURL(remote))
	}
	r, err := ParseRepo(parts[len(parts)-2] + "/" + parts[len(parts)-1])
	if err != nil {
		return Repo{}, fmt.Errorf("remote %s does not name OWNER/NAME", redactURL(remote))
	}
	return r, nil
}

// Review is one review of a pull request.
type Review struct {
	ID    int64  `json:"id"`
	Login string `json:"login"`
	// State is APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED or PENDING.
	State string `json:"state"`
	// CommitID is the head commit the review was given on.
	CommitID    string    `json:"commit_id"`
	SubmittedAt time.Time `json:"submitted_at"`
	// Dismissed is true for a review a maintainer dismissed.
	Dismissed bool `json:"dismissed"`
}

// File is a file the pull request changes.
type File struct {
	Path string `json:"path"`
	// Status is added, modified, removed, renamed, copied, changed or
	// unchanged.
	Status       string `json:"status"`
	PreviousPath string `json:"previous_path,omitempty"`
}

// PullRequest is what smsctl needs to know of a pull request.
type PullRequest struct {
	Repo    Repo   `json:"-"`
	Number  int    `json:"number"`
	Title   string `json:"title"`
	URL     string `json:"url"`
	Author  string `json:"author"`
	State   string `json:"state"`
	Draft   bool   `json:"draft"`
	HeadSHA string `json:"head_sha"`
	HeadRef string `json:"head_ref"`
	// HeadRepo is OWNER/NAME of the repository the head branch lives in.
	HeadRepo string `json:"head_repo"`
	BaseRef  string `json:"base_ref"`
	BaseSHA  string `json:"base_sha"`
	// Fork is true when the head branch lives in another repository.
	Fork bool `json:"fork"`
	// MergeableState is GitHub's mergeable_state (clean, blocked, dirty, ...).
	MergeableState string    `json:"mergeable_state,omitempty"`
	Merged         bool      `json:"merged"`
	MergedBy       string    `json:"merged_by,omitempty"`
	MergedAt       time.Time `json:"merged_at,omitzero"`
	MergeCommit    string    `json:"merge_commit,omitempty"`
	Labels         []string  `json:"labels"`
	Files          []File    `json:"files"`
	Reviews        []Review  `json:"reviews"`
	// LastPusher is the login that pushed the head commit, from the
	// repository's activity; when that is not visible (a fork, or a token
	// without access), the head commit's committer, else its author.
	LastPusher string `json:"last_pusher,omitempty"`
	// LastPusherFrom says where LastPusher came from: "activity",
	// "head-commit" or "" (unknown).
	LastPusherFrom string `json:"last_pusher_from,omitempty"`
}

// PullRequest reads pull request number of repo, with its reviews, files
// and last pusher (every page of each).
func (c *Client) PullRequest(ctx context.Context, repo Repo, number int) (*PullRequest, error) {
	what := fmt.Sprintf("pull request %s#%d", repo, number)
	p, _, err := c.gh.PullRequests.Get(ctx, repo.Owner, repo.Name, number)
	if err != nil {
		return nil, c.explain(what, err)
	}
	pr := &PullRequest{
		Repo: repo, Number: p.GetNumber(), Title: p.GetTitle(), URL: p.GetHTMLURL(),
		Author: p.GetUser().GetLogin(), State: p.GetState(), Draft: p.GetDraft(),
		HeadSHA: p.GetHead().GetSHA(), HeadRef: p.GetHead().GetRef(),
		HeadRepo: p.GetHead().GetRepo().GetFullName(),
		BaseRef:  p.GetBase().GetRef(), BaseSHA: p.GetBase().GetSHA(),
		MergeableState: p.GetMergeableState(), Merged: p.GetMerged(),
		MergedBy: p.GetMergedBy().GetLogin(), MergedAt: p.GetMergedAt().Time,
		Labels: []string{}, Files: []File{}, Reviews: []Review{},
	}
	if pr.Merged {
		pr.MergeCommit = p.GetMergeCommitSHA()
	}
	base := p.GetBase().GetRepo().GetFullName()
	if base == "" {
		base = repo.String()
	}
	pr.Fork = pr.HeadRepo != "" && !strings.EqualFold(pr.HeadRepo, base)
	for _, l := range p.Labels {
		pr.Labels = append(pr.Labels, l.GetName())
	}
	sort.Strings(pr.Labels)

	opts := &gh.ListOptions{PerPage: 100}
	for {
		rs, resp, err := c.gh.PullRequests.ListReviews(ctx, repo.Owner, repo.Name, number, opts)
		if err != nil {
			return nil, c.explain(what+": reviews", err)
		}
		for _, r := range rs {
			if r.GetState() == "PENDING" {
				continue // not submitted: nobody sees it yet
			}
			pr.Reviews = append(pr.Reviews, Review{
				ID: r.GetID(), Login: r.GetUser().GetLogin(), State: r.GetState(),
				CommitID: r.GetCommitID(), SubmittedAt: r.GetSubmittedAt().Time,
				Dismissed: r.GetState() == "DISMISSED",
			})
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	sort.SliceStable(pr.Reviews, func(i, j int) bool { return pr.Reviews[i].SubmittedAt.Before(pr.Reviews[j].SubmittedAt) })

	opts = &gh.ListOptions{PerPage: 100}
	for {
		fs, resp, err := c.gh.PullRequests.ListFiles(ctx, repo.Owner, repo.Name, number, opts)
		if err != nil {
			return nil, c.explain(what+": files", err)
		}
		for _, f := range fs {
			pr.Files = append(pr.Files, File{Path: f.GetFilename(), Status: f.GetStatus(), PreviousPath: f.GetPreviousFilename()})
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}

	if err := c.lastPusher(ctx, pr); err != nil {
		return nil, err
	}
	c.scrub(pr)
	return pr, nil
}

// scrub takes the token out of the text of pr, should the server have
// echoed it anywhere.
func (c *Client) scrub(pr *PullRequest) {
	if c.token == "" {
		return
	}
	for _, s := range []*string{&pr.Title, &pr.URL, &pr.Author, &pr.State, &pr.HeadSHA, &pr.HeadRef, &pr.HeadRepo,
		&pr.BaseRef, &pr.BaseSHA, &pr.MergeableState, &pr.MergedBy, &pr.MergeCommit, &pr.LastPusher} {
		*s = c.redact(*s)
	}
	for i := range pr.Labels {
		pr.Labels[i] = c.redact(pr.Labels[i])
	}
	for i := range pr.Files {
		f := &pr.Files[i]
		f.Path, f.Status, f.PreviousPath = c.redact(f.Path), c.redact(f.Status), c.redact(f.PreviousPath)
	}
	for i := range pr.Reviews {
		r := &pr.Reviews[i]
		r.Login, r.State, r.CommitID = c.redact(r.Login), c.redact(r.State), c.redact(r.CommitID)
	}
}

// activity is one entry of GET /repos/{owner}/{repo}/activity, which
// go-github v60 does not model.
type activity struct {
	After        string `json:"after"`
	Ref          string `json:"ref"`
	ActivityType string `json:"activity_type"`
	Actor        *struct {
		Login string `json:"login"`
	} `json:"actor"`
}

// lastPusher finds who pushed the head commit: the repository activity
// entry whose "after" is the head SHA, when the head branch lives in the
// pull request's own repository and the token may read its activity; the
// head commit's committer (else author) otherwise.
func (c *Client) lastPusher(ctx context.Context, pr *PullRequest) error {
	if !pr.Fork && pr.HeadRef != "" {
		u := fmt.Sprintf("repos/%s/%s/activity?ref=%s&per_page=100", url.PathEscape(pr.Repo.Owner), url.PathEscape(pr.Repo.Name), url.QueryEscape("refs/heads/"+pr.HeadRef))
		req, err := c.gh.NewRequest("GET", u, nil)
		if err != nil {
			return err
		}
		var acts []activity
		if _, err := c.gh.Do(ctx, req, &acts); err == nil {
			for _, a := range acts {
				if a.After == pr.HeadSHA && a.Actor != nil && a.Actor.Login != "" {
					pr.LastPusher, pr.LastPusherFrom = a.Actor.Login, "activity"
					return nil
				}
			}
		} else if ex := c.explain("", err); strings.Contains(ex.Error(), "rate limit") || strings.Contains(ex.Error(), "401") {
			return c.explain(fmt.Sprintf("pull request %s#%d: activity", pr.Repo, pr.Number), err)
		}
		// Not visible (404/403, or GitHub Enterprise without the endpoint):
		// fall back on the head commit.
	}
	if pr.HeadSHA == "" {
		return nil
	}
	owner, name := pr.Repo.Owner, pr.Repo.Name
	rc, _, err := c.gh.Repositories.GetCommit(ctx, owner, name, pr.HeadSHA, nil)
	if err != nil {
		return c.explain(fmt.Sprintf("pull request %s#%d: head commit %s", pr.Repo, pr.Number, short(pr.HeadSHA)), err)
	}
	switch {
	case rc.GetCommitter().GetLogin() != "" && rc.GetCommitter().GetLogin() != "web-flow":
		pr.LastPusher = rc.GetCommitter().GetLogin()
	case rc.GetAuthor().GetLogin() != "":
		pr.LastPusher = rc.GetAuthor().GetLogin()
	}
	if pr.LastPusher != "" {
		pr.LastPusherFrom = "head-commit"
	}
	return nil
}

// MergedPullRequest finds the merged pull request whose merge commit is sha
// (a merge, squash or rebase merge) in repo. It returns ErrNotFound when
// there is none.
func (c *Client) MergedPullRequest(ctx context.Context, repo Repo, sha string) (int, error) {
	what := fmt.Sprintf("the pull requests of commit %s in %s", short(sha), repo)
	opts := &gh.ListOptions{PerPage: 100}
	for {
		prs, resp, err := c.gh.PullRequests.ListPullRequestsWithCommit(ctx, repo.Owner, repo.Name, sha, opts)
		if err != nil {
			return 0, c.explain(what, err)
		}
		for _, p := range prs {
			if p.GetMergeCommitSHA() == sha && p.MergedAt != nil {
				return p.GetNumber(), nil
			}
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	return 0, notFound(fmt.Sprintf("commit %s in %s is the merge commit of no merged pull request (was it pushed directly?)", short(sha), repo))
}

// notFound is an ErrNotFound with a message of its own.
type notFound string

func (e notFound) Error() string        { return string(e) }
func (e notFound) Is(target error) bool { return target == ErrNotFound }

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

// Event is what smsctl reads of a GitHub Actions event payload
// (GITHUB_EVENT_PATH).
type Event struct {
	// PullRequest is the pull request number of a pull_request or
	// pull_request_target event, 0 otherwise.
	PullRequest int
	// BaseSHA and HeadSHA are the pull request's base and head commits.
	BaseSHA, HeadSHA string
	// Fork is true when the pull request's head lives in another repository.
	Fork bool
	// After is the pushed commit of a push event.
	After string
	// Repo is the repository the event happened in.
	Repo string
}

// ParseEvent reads an Actions event payload.
func ParseEvent(data []byte) (*Event, error) {
	var ev struct {
		Number      int    `json:"number"`
		After       string `json:"after"`
		PullRequest *struct {
			Number int `json:"number"`
			Head   struct {
				SHA  string `json:"sha"`
				Repo *struct {
					FullName string `json:"full_name"`
				} `json:"repo"`
			} `json:"head"`
			Base struct {
				SHA  string `json:"sha"`
				Repo *struct {
					FullName string `json:"full_name"`
				} `json:"repo"`
			} `json:"base"`
		} `json:"pull_request"`
		Repository *struct {
			FullName string `json:"full_name"`
		} `json:"repository"`
	}
	if err := json.Unmarshal(data, &ev); err != nil {
		return nil, fmt.Errorf("not a GitHub event payload: %w", err)
	}
	out := &Event{After: ev.After}
	if ev.Repository != nil {
		out.Repo = ev.Repository.FullName
	}
	if p := ev.PullRequest; p != nil {
		out.PullRequest, out.BaseSHA, out.HeadSHA = p.Number, p.Base.SHA, p.Head.SHA
		head, base := "", out.Repo
		if p.Head.Repo != nil {
			head = p.Head.Repo.FullName
		}
		if p.Base.Repo != nil {
			base = p.Base.Repo.FullName
		}
		// A head repository that was deleted comes as null: treat it as a fork.
		out.Fork = p.Head.Repo == nil || !strings.EqualFold(head, base)
	}
	return out, nil
}
