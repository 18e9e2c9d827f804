package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	gh "github.com/google/go-github/v60/github"
)

// CommentMarker is the hidden line that marks smsctl's pull-request comment,
// so a later run edits it instead of adding another. smsctl's markdown
// output starts with it. Anyone can write it, so it marks smsctl's comment
// only in a comment the token's own identity wrote (see UpsertComment).
const CommentMarker = "<!-- smsctl validate -->"

// Identity is who a token acts as on GitHub.
type Identity struct {
	Login string `json:"login"`
	// Type is GitHub's user type: "User", or "Bot" for a GitHub App.
	Type string `json:"type"`
}

// Self returns the token's identity: the user GET /user names for a user's
// token (personal access token, OAuth or GitHub App user token); for a
// GitHub App installation token, which GitHub refuses GET /user (403
// "Resource not accessible by integration"), the bot Config.CommentAuthor
// names (github-actions[bot] by default). The answer is kept for the
// client's life.
func (c *Client) Self(ctx context.Context) (Identity, error) {
	if c.self != nil {
		return *c.self, nil
	}
	if c.token == "" {
		return Identity{}, errors.New("the token's identity: no token (set GITHUB_TOKEN or GH_TOKEN)")
	}
	u, _, err := c.gh.Users.Get(ctx, "")
	var id Identity
	var er *gh.ErrorResponse
	switch {
	case err == nil:
		id = Identity{Login: c.redact(u.GetLogin()), Type: u.GetType()}
		if id.Login == "" {
			return Identity{}, errors.New("the token's identity: GET /user named no login")
		}
		if id.Type == "" {
			id.Type = "User"
		}
	case errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusForbidden &&
		strings.Contains(strings.ToLower(er.Message), "not accessible by integration"):
		id = Identity{Login: c.commentAuthor, Type: "Bot"}
	default:
		return Identity{}, c.explain("the token's identity (GET /user)", err)
	}
	c.self = &id
	return id, nil
}

// wrote is true when cm was written by id.
func wrote(id Identity, cm *gh.IssueComment) bool {
	u := cm.GetUser()
	return u != nil && strings.EqualFold(u.GetLogin(), id.Login) && strings.EqualFold(u.GetType(), id.Type)
}

// maxCommentBytes is GitHub's limit on a comment body (65,536 characters).
const maxCommentBytes = 65000

// UpsertComment creates smsctl's comment on pull request number, or edits
// its earlier one: the first comment that starts with CommentMarker and was
// written by the token's own identity (Self), login and type alike. A
// comment anyone else wrote is never edited, whatever it carries. It
// returns the comment's URL and whether it was created.
func (c *Client) UpsertComment(ctx context.Context, repo Repo, number int, body string) (string, bool, error) {
	what := fmt.Sprintf("comment on pull request %s#%d", repo, number)
	if len(body) > maxCommentBytes {
		cut := strings.LastIndex(body[:maxCommentBytes], "\n")
		if cut < 0 {
			cut = maxCommentBytes
		}
		body = body[:cut] + "\n\n… (cut to GitHub's comment size limit; run `smsctl validate` for every finding)\n"
	}
	if !strings.HasPrefix(body, CommentMarker) {
		body = CommentMarker + "\n" + body
	}
	self, err := c.Self(ctx)
	if err != nil {
		return "", false, fmt.Errorf("%s: %w", what, err)
	}
	opts := &gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{PerPage: 100}}
	var found *gh.IssueComment
	for found == nil {
		cs, resp, err := c.gh.Issues.ListComments(ctx, repo.Owner, repo.Name, number, opts)
		if err != nil {
			return "", false, c.explain(what, err)
		}
		for _, cm := range cs {
			if strings.HasPrefix(cm.GetBody(), CommentMarker) && wrote(self, cm) {
				found = cm
				break
			}
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	if found != nil {
		cm, _, err := c.gh.Issues.EditComment(ctx, repo.Owner, repo.Name, found.GetID(), &gh.IssueComment{Body: &body})
		if err != nil {
			return "", false, c.explain(what, err)
		}
		return c.redact(cm.GetHTMLURL()), false, nil
	}
	cm, _, err := c.gh.Issues.CreateComment(ctx, repo.Owner, repo.Name, number, &gh.IssueComment{Body: &body})
	if err != nil {
		return "", false, c.explain(what, err)
	}
	return c.redact(cm.GetHTMLURL()), true, nil
}

// Annotation is one finding placed on a file of a check run.
type Annotation struct {
	Path      string
	Line      int
	Level     string // notice, warning or failure
	Title     string
	Message   string
	RawDetail string
}

// CheckRun is a completed check run to create.
type CheckRun struct {
	Name    string
	HeadSHA string
	// Conclusion is success, failure or neutral.
	Conclusion  string
	Title       string
	Summary     string
	Annotations []Annotation
}

// maxAnnotations is how many annotations GitHub takes per request.
const maxAnnotations = 50

// CreateCheckRun creates a completed check run with the annotations (the
// first 50 with the run, the rest in updates of 50, as GitHub requires). It
// returns the run's URL.
func (c *Client) CreateCheckRun(ctx context.Context, repo Repo, run CheckRun) (string, error) {
	what := fmt.Sprintf("check run %q on %s@%s", run.Name, repo, short(run.HeadSHA))
	if len(run.Summary) > maxCommentBytes {
		run.Summary = run.Summary[:maxCommentBytes]
	}
	batch := func(as []Annotation) []*gh.CheckRunAnnotation {
		out := make([]*gh.CheckRunAnnotation, 0, len(as))
		for _, a := range as {
			line := max(a.Line, 1)
			out = append(out, &gh.CheckRunAnnotation{
				Path: gh.String(a.Path), StartLine: gh.Int(line), EndLine: gh.Int(line),
				AnnotationLevel: gh.String(a.Level), Title: gh.String(a.Title), Message: gh.String(a.Message),
				RawDetails: optional(a.RawDetail),
			})
		}
		return out
	}
	first := run.Annotations[:min(len(run.Annotations), maxAnnotations)]
	cr, _, err := c.gh.Checks.CreateCheckRun(ctx, repo.Owner, repo.Name, gh.CreateCheckRunOptions{
		Name: run.Name, HeadSHA: run.HeadSHA, Status: gh.String("completed"), Conclusion: gh.String(run.Conclusion),
		Output: &gh.CheckRunOutput{Title: gh.String(run.Title), Summary: gh.String(run.Summary), Annotations: batch(first)},
	})
	if err != nil {
		return "", c.explain(what, err)
	}
	for rest := run.Annotations[len(first):]; len(rest) > 0; {
		n := min(len(rest), maxAnnotations)
		_, _, err := c.gh.Checks.UpdateCheckRun(ctx, repo.Owner, repo.Name, cr.GetID(), gh.UpdateCheckRunOptions{
			Name:   run.Name,
			Output: &gh.CheckRunOutput{Title: gh.String(run.Title), Summary: gh.String(run.Summary), Annotations: batch(rest[:n])},
		})
		if err != nil {
			return "", c.explain(what, err)
		}
		rest = rest[n:]
	}
	return c.redact(cr.GetHTMLURL()), nil
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
