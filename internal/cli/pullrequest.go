package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/smsctl/smsctl/internal/finding"
	"github.com/smsctl/smsctl/internal/github"
	"github.com/smsctl/smsctl/internal/gitrepo"
	"github.com/smsctl/smsctl/internal/policy"
	"github.com/smsctl/smsctl/internal/records"
	"github.com/smsctl/smsctl/internal/render"
	"github.com/smsctl/smsctl/internal/sms"
)

// githubFlags are the flags of the commands that talk to GitHub.
type githubFlags struct {
	repo string // --github-repo
}

func (f *githubFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.repo, "github-repo", "", "the GitHub repository `OWNER/NAME` (default: GITHUB_REPOSITORY, else the origin remote)")
}

// githubToken is the token from GITHUB_TOKEN, else GH_TOKEN.
func githubToken(env *Env) string {
	if t := env.getenv("GITHUB_TOKEN"); t != "" {
		return t
	}
	return env.getenv("GH_TOKEN")
}

func (env *Env) getenv(k string) string {
	if env.Getenv == nil {
		return ""
	}
	return env.Getenv(k)
}

// githubClient builds the client from the environment: the token,
// GITHUB_API_URL for GitHub Enterprise Server, SMSCTL_COMMENT_AUTHOR for
// the bot a GitHub App's installation token comments as, and
// SMSCTL_TEST_GITHUB_HTTP_LOOPBACK=1 for tests against a plain-http
// server on a loopback address.
func githubClient(env *Env) (*github.Client, error) {
	c, err := github.New(github.Config{
		Token: githubToken(env), APIURL: env.getenv("GITHUB_API_URL"), Now: env.Now,
		UserAgent:         "smsctl/" + buildVersion().Version,
		CommentAuthor:     env.getenv("SMSCTL_COMMENT_AUTHOR"),
		AllowHTTPLoopback: env.getenv("SMSCTL_TEST_GITHUB_HTTP_LOOPBACK") == "1",
	})
	if err != nil {
		return nil, fmt.Errorf("GITHUB_API_URL: %w", err)
	}
	return c, nil
}

// githubRepo names the repository: --github-repo, else GITHUB_REPOSITORY,
// else the origin remote of the Git repository holding dir.
func (f *githubFlags) githubRepo(env *Env, dir string) (github.Repo, error) {
	if f.repo != "" {
		r, err := github.ParseRepo(f.repo)
		if err != nil {
			return github.Repo{}, usageErrorf("--github-repo: %v", err)
		}
		return r, nil
	}
	if s := env.getenv("GITHUB_REPOSITORY"); s != "" {
		r, err := github.ParseRepo(s)
		if err != nil {
			return github.Repo{}, fmt.Errorf("GITHUB_REPOSITORY: %w", err)
		}
		return r, nil
	}
	repo, err := gitrepo.Open(dir)
	if err != nil {
		return github.Repo{}, fmt.Errorf("which GitHub repository? give --github-repo OWNER/NAME (%w)", err)
	}
	u, err := repo.RemoteURL("origin")
	if err != nil {
		return github.Repo{}, fmt.Errorf("which GitHub repository? give --github-repo OWNER/NAME (no origin remote)")
	}
	r, err := github.RepoFromRemote(u)
	if err != nil {
		return github.Repo{}, fmt.Errorf("which GitHub repository? give --github-repo OWNER/NAME (%w)", err)
	}
	return r, nil
}

// readEvent reads the GitHub Actions event payload GITHUB_EVENT_PATH names.
func readEvent(env *Env) (*github.Event, error) {
	p := env.getenv("GITHUB_EVENT_PATH")
	if p == "" {
		return nil, errors.New("--pr event: GITHUB_EVENT_PATH is not set (outside GitHub Actions, give the pull request's number)")
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("GITHUB_EVENT_PATH: %w", err)
	}
	ev, err := github.ParseEvent(data)
	if err != nil {
		return nil, fmt.Errorf("GITHUB_EVENT_PATH %s: %w", p, err)
	}
	return ev, nil
}

// prNumber reads --pr: a number, or "event" for the pull request of the
// GitHub Actions event.
func prNumber(env *Env, s string) (int, *github.Event, error) {
	if s == "event" {
		ev, err := readEvent(env)
		if err != nil {
			return 0, nil, err
		}
		if ev.PullRequest == 0 {
			return 0, nil, errors.New("--pr event: the GitHub Actions event is not a pull request's")
		}
		return ev.PullRequest, ev, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, nil, usageErrorf("--pr %q: give a pull request number, or event (inside GitHub Actions)", s)
	}
	return n, nil, nil
}

// pullRequestGate holds what validate --pr fetched, for the reports.
type pullRequestGate struct {
	client *github.Client
	repo   github.Repo
	pr     *github.PullRequest
	sub    string
}

// fetchPullRequest reads the pull request validate --pr names.
func fetchPullRequest(ctx context.Context, opts *validateOptions, repo *sms.Repo) (*pullRequestGate, *policy.PullRequest, error) {
	return pullRequestFacts(ctx, opts.env, opts.pr, &opts.github, repo, opts.policiesFrom != "")
}

// pullRequestFacts reads pull request prFlag (--pr) of the repository that
// holds the SMS. The facts are the forge's: logins, reviews, files; the
// judge maps logins to the trusted revision's people. A fork's pull request
// is refused unless the caller judges it with its base's policies.
func pullRequestFacts(ctx context.Context, env *Env, prFlag string, gf *githubFlags, repo *sms.Repo, basePolicies bool) (*pullRequestGate, *policy.PullRequest, error) {
	n, _, err := prNumber(env, prFlag)
	if err != nil {
		return nil, nil, err
	}
	ghRepo, err := gf.githubRepo(env, repo.Dir)
	if err != nil {
		return nil, nil, err
	}
	client, err := githubClient(env)
	if err != nil {
		return nil, nil, err
	}
	pr, err := client.PullRequest(ctx, ghRepo, n)
	if err != nil {
		return nil, nil, err
	}
	if pr.Fork && !basePolicies {
		return nil, nil, fmt.Errorf(
			"pull request #%d comes from the fork %s: judge it with the policies and waivers of its base (--policies-from %s), never with its own",
			pr.Number, pr.HeadRepo, orDefault(pr.BaseSHA, "BASE"))
	}
	g := &pullRequestGate{client: client, repo: ghRepo, pr: pr, sub: repo.Sub}
	// No people here: who a login is comes from the trusted revision, in
	// the judge.
	facts, _ := github.Facts(pr, &records.Repository{}, g.sub)
	return g, facts, nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// report posts the verdict on the pull request: the markdown comment
// (created or updated) and a check run, as asked.
func (g *pullRequestGate) report(ctx context.Context, opts *validateOptions, v *render.Validation) error {
	env := opts.env
	if opts.comment {
		var b bytes.Buffer
		if err := render.WriteValidation(&b, "markdown", v); err != nil {
			return err
		}
		url, created, err := g.client.UpsertComment(ctx, g.repo, g.pr.Number, b.String())
		if err != nil {
			return err
		}
		verb := "updated"
		if created {
			verb = "created"
		}
		fmt.Fprintf(env.Stderr, "smsctl: %s the comment on pull request #%d: %s\n", verb, g.pr.Number, url)
	}
	if opts.checkRun {
		run := github.CheckRun{Name: "smsctl validate", HeadSHA: g.pr.HeadSHA, Conclusion: "success"}
		switch {
		case v.Errors > 0 || (opts.failOnWarn && v.Warnings > 0):
			run.Conclusion = "failure"
		case v.Warnings > 0:
			run.Conclusion = "neutral"
		}
		run.Title = fmt.Sprintf("%s, %s", plural(v.Errors, "error"), plural(v.Warnings, "warning"))
		var b bytes.Buffer
		if err := render.WriteValidation(&b, "markdown", v); err != nil {
			return err
		}
		run.Summary = strings.TrimPrefix(b.String(), github.CommentMarker+"\n")
		for _, f := range v.Findings {
			level := "warning"
			if f.Severity == finding.Error {
				level = "failure"
			}
			p := f.File
			if p == "" {
				continue // a finding without a file has no place to sit
			}
			if g.sub != "" {
				p = path.Join(g.sub, p)
			}
			title := f.Rule
			if title == "" {
				title = "schema"
			}
			run.Annotations = append(run.Annotations, github.Annotation{Path: p, Line: f.Line, Level: level, Title: title, Message: f.Message})
		}
		url, err := g.client.CreateCheckRun(ctx, g.repo, run)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "smsctl: created the check run on %s: %s\n", g.pr.HeadSHA[:min(12, len(g.pr.HeadSHA))], url)
	}
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// signatureNow is the signature smsctl writes notes commits with.
func signatureNow(env *Env) gitrepo.Signature {
	name, email := env.getenv("GIT_COMMITTER_NAME"), env.getenv("GIT_COMMITTER_EMAIL")
	if name == "" {
		name = "smsctl"
	}
	if email == "" {
		email = "smsctl@localhost"
	}
	return gitrepo.Signature{Name: name, Email: email, When: env.Now().UTC().Truncate(time.Second)}
}
