// Package github is smsctl's one door to the GitHub REST API (go-github): it
// reads a pull request's facts (author, reviews, last pusher, merge commit,
// changed files, labels), finds the pull request a merge commit came from,
// and reports on a pull request (one comment kept up to date, a check run).
//
// The client is built from values the caller passes in (token, API base
// URL, HTTP client, clock); it never reads the environment. Its transport
// retries server errors (5xx) with backoff and waits out GitHub's secondary
// rate limits within a bound; a spent primary rate limit is an error that
// names the reset time.
//
// The token stays with GitHub: it is sent only over https to the API URL's
// own host (plain http only to a loopback test server, and only when the
// caller says so), never along a redirect to another host or scheme; a
// redirect of a request with a body to another host is refused, one of a
// read is followed without the token. An API URL carrying credentials is
// refused. Errors, and text the server sent, never contain the token.
package github

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	gh "github.com/google/go-github/v60/github"
)

// DefaultAPIURL is GitHub's public REST API; GitHub Enterprise Server users
// give theirs (https://HOST/api/v3/).
const DefaultAPIURL = "https://api.github.com/"

// Config configures a Client.
type Config struct {
	// Token authenticates the requests; empty means anonymous.
	Token string
	// APIURL is the REST API's base URL; DefaultAPIURL when empty.
	APIURL string
	// HTTPClient carries the requests (http.DefaultTransport when nil);
	// its transport is wrapped with the token, the retries and the
	// timeout, and its CheckRedirect replaced by the client's own.
	HTTPClient *http.Client
	// Timeout bounds each attempt of an HTTP request, until its body is
	// read (default 30s).
	Timeout time.Duration
	// Retries is how many times a request that failed with a server error
	// or a secondary rate limit is tried again (default 4).
	Retries int
	// Backoff is the first wait after a server error; it doubles on each
	// retry (default 1s).
	Backoff time.Duration
	// MaxWait bounds the total time spent waiting before retries (default
	// 2 minutes); a longer wait demanded by GitHub is an error instead.
	MaxWait time.Duration
	// Sleep waits for d or until ctx is done (default: a timer).
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock, for rate-limit reset times (default time.Now).
	Now func() time.Time
	// UserAgent identifies the client.
	UserAgent string
	// AllowHTTPLoopback lets APIURL be plain http:// when its host is a
	// loopback address (localhost, 127.0.0.0/8, ::1), the token included:
	// for tests against an in-process server, never for a real GitHub.
	// Without it the client talks to GitHub over https only.
	AllowHTTPLoopback bool
	// CommentAuthor is the login the token writes comments as when it is a
	// GitHub App installation token, which may not read GET /user (403
	// "Resource not accessible by integration"): "github-actions[bot]", the
	// GITHUB_TOKEN of GitHub Actions, when empty; "APP-SLUG[bot]" for a
	// GitHub App of one's own. For any other token GET /user names it.
	CommentAuthor string
}

// DefaultCommentAuthor is the login GitHub Actions' GITHUB_TOKEN writes as.
const DefaultCommentAuthor = "github-actions[bot]"

// Client talks to one GitHub (or GitHub Enterprise Server) API.
type Client struct {
	gh    *gh.Client
	now   func() time.Time
	token string
	api   *url.URL
	// commentAuthor is Config.CommentAuthor, or its default.
	commentAuthor string
	// self is the token's identity, once asked (see Self).
	self *Identity
}

// New builds a client.
func New(cfg Config) (*Client, error) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Retries <= 0 {
		cfg.Retries = 4
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = time.Second
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = 2 * time.Minute
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	api := cfg.APIURL
	if api == "" {
		api = DefaultAPIURL
	}
	u, err := apiURL(api, cfg.AllowHTTPLoopback)
	if err != nil {
		return nil, err
	}
	// The timeout bounds each attempt (retryTransport), not the whole
	// call: waiting out a rate limit must not count against it.
	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		c := *cfg.HTTPClient
		hc = &c
	}
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	hc.Transport = &authTransport{
		base:  &retryTransport{base: base, cfg: cfg},
		token: cfg.Token, scheme: u.Scheme, host: u.Host,
	}
	hc.CheckRedirect = checkRedirect
	c := gh.NewClient(hc)
	if cfg.UserAgent != "" {
		c.UserAgent = cfg.UserAgent
	}
	c.BaseURL = u
	c.UploadURL = u
	author := cfg.CommentAuthor
	if author == "" {
		author = DefaultCommentAuthor
	}
	return &Client{gh: c, now: cfg.Now, token: cfg.Token, api: u, commentAuthor: author}, nil
}

// apiURL checks the API's base URL: https (or http to a loopback host when
// allowed), no credentials in it, a trailing slash. Its errors show the
// URL without user information or query.
func apiURL(api string, allowHTTPLoopback bool) (*url.URL, error) {
	u, err := url.Parse(api)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		shown := "(not a URL)"
		if err == nil {
			shown = redactURL(api)
		}
		return nil, fmt.Errorf("GitHub API URL %s: not an https URL", shown)
	}
	if u.User != nil {
		return nil, fmt.Errorf("GitHub API URL %s: carries user information (USER:PASSWORD@), which smsctl refuses: give the token in GITHUB_TOKEN (or GH_TOKEN), never in the URL", redactURL(api))
	}
	if u.Scheme == "http" && !(allowHTTPLoopback && isLoopback(u.Hostname())) {
		return nil, fmt.Errorf("GitHub API URL %s: not https; smsctl talks to GitHub, and sends its token, over https only", redactURL(api))
	}
	u.Host = strings.ToLower(u.Host)
	u.RawQuery, u.Fragment = "", ""
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u, nil
}

// isLoopback is true for localhost and loopback IP addresses.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// GitHost is the host that serves Git for this API, where the token may be
// sent with a push: github.com for api.github.com (and SUB.ghe.com for
// api.SUB.ghe.com), the API's own host for GitHub Enterprise Server
// (https://HOST/api/v3/), with its port if it has one.
func (c *Client) GitHost() string {
	return gitHost(c.api.Host)
}

func gitHost(apiHost string) string {
	if h, ok := strings.CutPrefix(apiHost, "api."); ok && h != "" {
		return h
	}
	return apiHost
}

// authTransport adds the token to the requests that go to the API's own
// scheme and host, and to no other: not to a host a redirect names, nor
// after a redirect from https to http.
type authTransport struct {
	base         http.RoundTripper
	token        string
	scheme, host string
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Header.Del("Authorization")
	if t.token != "" && r.URL.Scheme == t.scheme && strings.EqualFold(r.URL.Host, t.host) {
		r.Header.Set("Authorization", "Bearer "+t.token)
	}
	return t.base.RoundTrip(r)
}

// checkRedirect follows a redirect within the API's origin, and a read's
// redirect to another origin (without the token: authTransport sees to
// that). A request with a body (a comment, a check run) redirected to
// another origin is refused, so that the body stays with GitHub too.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	first := via[0]
	if req.URL.Scheme == first.URL.Scheme && strings.EqualFold(req.URL.Host, first.URL.Host) {
		return nil
	}
	if first.Method != http.MethodGet && first.Method != http.MethodHead {
		return fmt.Errorf("refused a redirect of %s %s to %s://%s: smsctl sends what it writes only to the GitHub API's own host",
			first.Method, first.URL.Path, req.URL.Scheme, req.URL.Host)
	}
	return nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// retryTransport retries server errors with exponential backoff and waits
// out secondary rate limits (403 or 429 with Retry-After, or a message that
// names the secondary limit), within cfg.MaxWait in total. A spent primary
// limit (X-RateLimit-Remaining: 0 without Retry-After) is passed through:
// waiting up to an hour is not the client's call.
type retryTransport struct {
	base http.RoundTripper
	cfg  Config
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var waited time.Duration
	for attempt := 0; ; attempt++ {
		ctx, cancel := context.WithTimeout(req.Context(), t.cfg.Timeout)
		r := req.Clone(ctx)
		if attempt > 0 && req.Body != nil && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				cancel()
				return nil, err
			}
			r.Body = body
		}
		resp, err := t.base.RoundTrip(r)
		if err == nil {
			resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
		} else {
			cancel()
		}
		if err != nil {
			// Only reads are repeated after a transport error: a write may
			// have reached the server.
			if req.Method != http.MethodGet || attempt >= t.cfg.Retries || req.Context().Err() != nil {
				return nil, err
			}
			wait := t.cfg.Backoff << attempt
			if waited+wait > t.cfg.MaxWait {
				return nil, err
			}
			if serr := t.cfg.Sleep(req.Context(), wait); serr != nil {
				return nil, err
			}
			waited += wait
			continue
		}
		wait, retry, err := t.classify(resp, attempt)
		if err != nil {
			return nil, err
		}
		if !retry || attempt >= t.cfg.Retries || waited+wait > t.cfg.MaxWait {
			return resp, nil
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err := t.cfg.Sleep(req.Context(), wait); err != nil {
			return nil, err
		}
		waited += wait
	}
}

// cancelBody ends an attempt's timeout when its body is closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// classify says whether resp is worth another try, and after how long. It
// may read the body (to recognise a secondary rate limit); it then puts it
// back.
func (t *retryTransport) classify(resp *http.Response, attempt int) (time.Duration, bool, error) {
	switch resp.StatusCode {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return t.cfg.Backoff << attempt, true, nil
	case http.StatusForbidden, http.StatusTooManyRequests:
	default:
		return 0, false, nil
	}
	if s := resp.Header.Get("Retry-After"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n >= 0 {
			return time.Duration(n) * time.Second, true, nil
		}
	}
	if resp.Header.Get("X-RateLimit-Remaining") == "0" {
		return 0, false, nil // the primary limit: an error naming the reset
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return 0, false, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if bytes.Contains(bytes.ToLower(body), []byte("secondary rate limit")) {
		// GitHub documents waiting at least a minute when no time is given.
		return time.Minute, true, nil
	}
	return 0, false, nil
}

// ErrNotFound is returned when GitHub answers 404: the repository or pull
// request does not exist, or the token may not see it.
var ErrNotFound = errors.New("not found")

// ErrUnauthorized is returned when GitHub refuses the token (401).
var ErrUnauthorized = errors.New("GitHub refused the token (401 Bad credentials): check GITHUB_TOKEN or GH_TOKEN")

// explain turns go-github's errors into ones that say what to do. what
// names the object asked for ("pull request acme/sms#7"). The token is
// taken out of the text, should the server have echoed it.
func (c *Client) explain(what string, err error) error {
	if err == nil {
		return nil
	}
	return c.redactErr(c.explain1(what, err))
}

func (c *Client) explain1(what string, err error) error {
	var rl *gh.RateLimitError
	if errors.As(err, &rl) {
		reset := rl.Rate.Reset.Time.UTC()
		in := ""
		if d := reset.Sub(c.now()).Round(time.Second); d > 0 {
			in = fmt.Sprintf(" (in %s)", d)
		}
		return fmt.Errorf("%s: GitHub's API rate limit (%d requests an hour) is spent until %s%s; retry then, or use a token with a higher limit",
			what, rl.Rate.Limit, reset.Format(time.RFC3339), in)
	}
	var ab *gh.AbuseRateLimitError
	if errors.As(err, &ab) {
		if ab.RetryAfter != nil {
			return fmt.Errorf("%s: GitHub's secondary rate limit asks to wait %s, longer than smsctl waits; retry later", what, ab.RetryAfter.Round(time.Second))
		}
		return fmt.Errorf("%s: GitHub's secondary rate limit; retry later", what)
	}
	var er *gh.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		switch er.Response.StatusCode {
		case http.StatusUnauthorized:
			return fmt.Errorf("%s: %w", what, ErrUnauthorized)
		case http.StatusNotFound:
			return fmt.Errorf("%s: %w (or the token may not read it)", what, ErrNotFound)
		case http.StatusForbidden:
			return fmt.Errorf("%s: GitHub refused the request (403 %s): the token lacks a permission it needs", what, er.Message)
		case http.StatusTooManyRequests:
			reset := ""
			if n, err := strconv.ParseInt(er.Response.Header.Get("X-RateLimit-Reset"), 10, 64); err == nil {
				reset = " until " + time.Unix(n, 0).UTC().Format(time.RFC3339)
			}
			return fmt.Errorf("%s: GitHub's rate limit is spent (429)%s; retry then", what, reset)
		}
		msg := er.Message
		if msg == "" {
			msg = http.StatusText(er.Response.StatusCode)
		}
		return fmt.Errorf("%s: GitHub answered %d %s", what, er.Response.StatusCode, msg)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %s %s: %v", what, ue.Op, redactURL(ue.URL), ue.Err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// redact replaces the token in s, text a server sent, with "***".
func (c *Client) redact(s string) string {
	if c.token == "" {
		return s
	}
	return strings.ReplaceAll(s, c.token, "***")
}

// redactErr is err with the token taken out of its text. It still answers
// errors.Is for the errors err wraps (ErrNotFound, ErrUnauthorized), but
// does not unwrap to them, so that the text with the token cannot be
// reached.
func (c *Client) redactErr(err error) error {
	if err == nil || c.token == "" || !strings.Contains(err.Error(), c.token) {
		return err
	}
	return &redactedError{msg: c.redact(err.Error()), err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string        { return e.msg }
func (e *redactedError) Is(target error) bool { return errors.Is(e.err, target) }

// redactURL drops a URL's user information and query, where credentials
// could hide.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(a URL)"
	}
	u.User = nil
	u.RawQuery = ""
	return u.String()
}
