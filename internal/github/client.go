// Package github is smsctl's one door to the GitHub REST API (go-github): it
// reads a pull request's facts (author, reviews, last pusher, merge commit,
// changed files, labels), finds the pull request a merge commit came from,
// and reports on a pull request (one comment kept up to date, a check run).
//
// The client is built from values the caller passes in (token, API base
// URL, HTTP client, clock); it never reads the environment. Its transport
// retries server errors (5xx) with backoff and waits out GitHub's secondary
// rate limits within a bound; a spent primary rate limit is an error that
// names the reset time. Errors never contain the token.
package github

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
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
	// its transport is wrapped with the retries and the timeout.
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
}

// Client talks to one GitHub (or GitHub Enterprise Server) API.
type Client struct {
	gh  *gh.Client
	now func() time.Time
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
	hc.Transport = &retryTransport{base: base, cfg: cfg}
	c := gh.NewClient(hc)
	if cfg.Token != "" {
		c = c.WithAuthToken(cfg.Token)
	}
	if cfg.UserAgent != "" {
		c.UserAgent = cfg.UserAgent
	}
	api := cfg.APIURL
	if api == "" {
		api = DefaultAPIURL
	}
	u, err := url.Parse(api)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("GitHub API URL %q: not an http(s) URL", api)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	c.BaseURL = u
	c.UploadURL = u
	return &Client{gh: c, now: cfg.Now}, nil
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
// names the object asked for ("pull request acme/sms#7").
func (c *Client) explain(what string, err error) error {
	if err == nil {
		return nil
	}
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
