package github_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/smsctl/smsctl/internal/github"
	"github.com/smsctl/smsctl/internal/github/githubtest"
)

// elsewhere is another host: it records what reaches it and answers every
// request with a pull request's JSON.
type elsewhere struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string // method, path, Authorization and body of each request
}

func newElsewhere(t *testing.T) *elsewhere {
	e := &elsewhere{}
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		e.mu.Lock()
		e.seen = append(e.seen, r.Method+" "+r.URL.Path+" auth="+r.Header.Get("Authorization")+" body="+string(body))
		e.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"number": 7, "title": "from elsewhere", "user": {"login": "lwalsh-acme"}, "head": {"sha": "`+head+`", "ref": "rotate-key"}, "base": {"ref": "main"}}`)
	}))
	t.Cleanup(e.Close)
	return e
}

func (e *elsewhere) requests() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.seen...)
}

// A redirect to another host takes neither the token nor a body there: a
// read is followed without the token, a write (307/308 keep the body) is
// refused before anything leaves.
func TestRedirectToAnotherHost(t *testing.T) {
	repo := github.Repo{Owner: "acme", Name: "sms"}
	t.Run("GET 302", func(t *testing.T) {
		other := newElsewhere(t)
		fx := fixture()
		fx.Faults = []githubtest.Fault{{Path: "/pulls/7$", Status: 302, Headers: map[string]string{"Location": other.URL + "/repos/acme/sms/pulls/7"}}}
		srv := githubtest.New(fx)
		defer srv.Close()
		pr, err := client(t, srv, token, nil).PullRequest(context.Background(), repo, 7)
		if err != nil {
			t.Fatal(err)
		}
		if pr.Title != "from elsewhere" {
			t.Errorf("the redirect was not followed: title %q", pr.Title)
		}
		got := other.requests()
		if len(got) != 1 || !strings.HasPrefix(got[0], "GET /repos/acme/sms/pulls/7 auth= body=") {
			t.Errorf("the other host saw %q, want one GET without Authorization", got)
		}
		for _, r := range got {
			if strings.Contains(r, token) {
				t.Errorf("the other host saw the token: %s", r)
			}
		}
		// the API's own host still gets the token for the rest
		for _, r := range srv.Requests() {
			if r.Method == "GET" && strings.HasSuffix(r.Path, "/reviews") && r.Authorization != "Bearer "+token {
				t.Errorf("%s %s: Authorization %q", r.Method, r.Path, r.Authorization)
			}
		}
	})
	for _, tc := range []struct {
		name   string
		method string
		path   string
		status int
		call   func(c *github.Client) error
	}{
		{"POST comment 307", "POST", "/issues/7/comments$", 307, func(c *github.Client) error {
			_, _, err := c.UpsertComment(context.Background(), repo, 7, "verdict SECRETBODY")
			return err
		}},
		{"POST comment 302", "POST", "/issues/7/comments$", 302, func(c *github.Client) error {
			_, _, err := c.UpsertComment(context.Background(), repo, 7, "verdict SECRETBODY")
			return err
		}},
		{"POST check run 307", "POST", "/check-runs$", 307, func(c *github.Client) error {
			_, err := c.CreateCheckRun(context.Background(), repo, github.CheckRun{Name: "smsctl", HeadSHA: head, Conclusion: "success", Title: "t", Summary: "SECRETBODY"})
			return err
		}},
		{"PATCH comment 308", "PATCH", "/issues/comments/1$", 308, func(c *github.Client) error {
			_, _, err := c.UpsertComment(context.Background(), repo, 7, "verdict SECRETBODY")
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			other := newElsewhere(t)
			fx := fixture()
			if tc.method == "PATCH" {
				fx.Comments = []githubtest.Comment{{ID: 1, Number: 7, User: "github-actions[bot]", Body: github.CommentMarker + "\nold verdict"}}
			}
			fx.Faults = []githubtest.Fault{{Method: tc.method, Path: tc.path, Status: tc.status, Headers: map[string]string{"Location": other.URL + "/steal"}}}
			srv := githubtest.New(fx)
			defer srv.Close()
			err := tc.call(client(t, srv, token, nil))
			if err == nil || !strings.Contains(err.Error(), "refused a redirect of "+tc.method) {
				t.Errorf("error %v, want the redirect refused", err)
			}
			if err != nil && strings.Contains(err.Error(), token) {
				t.Errorf("the error shows the token: %v", err)
			}
			if got := other.requests(); len(got) != 0 {
				t.Errorf("the other host saw %q, want nothing", got)
			}
		})
	}
}

// The API URL is https, without credentials in it; plain http only to a
// loopback test server, and only when the caller says so.
func TestAPIURLRefused(t *testing.T) {
	for _, tc := range []struct {
		url      string
		loopback bool
		want     string
	}{
		{"https://x-access-token:" + token + "@ghe.example.com/api/v3/", false, "carries user information"},
		{"https://" + token + "@api.github.com/", false, "carries user information"},
		{"http://ghe.example.com/api/v3/", false, "not https"},
		{"http://ghe.example.com/api/v3/", true, "not https"},
		{"http://127.0.0.1:8080/api/v3/", false, "not https"},
		{"http://x:" + token + "@127.0.0.1:8080/api/v3/", true, "carries user information"},
		{"ftp://example.com/", false, "not an https URL"},
		{"http://api.github.com/?access_token=" + token, false, "not https"},
	} {
		_, err := github.New(github.Config{Token: "ghp_other", APIURL: tc.url, AllowHTTPLoopback: tc.loopback})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.url, err, tc.want)
			continue
		}
		if strings.Contains(err.Error(), token) || strings.Contains(err.Error(), "x-access-token") {
			t.Errorf("%s: the error shows the credentials: %v", tc.url, err)
		}
	}
	for _, ok := range []struct {
		url      string
		loopback bool
	}{
		{"https://api.github.com", false},
		{"https://ghe.example.com/api/v3/", false},
		{"http://127.0.0.1:8080/api/v3/", true},
		{"http://[::1]:8080/", true},
		{"http://localhost:8080/", true},
	} {
		if _, err := github.New(github.Config{Token: "ghp_other", APIURL: ok.url, AllowHTTPLoopback: ok.loopback}); err != nil {
			t.Errorf("%s: %v", ok.url, err)
		}
	}
}

// Text a server sends back is returned without the token in it.
func TestServerEchoingTheToken(t *testing.T) {
	repo := github.Repo{Owner: "acme", Name: "sms"}
	for _, f := range []githubtest.Fault{
		{Path: "/pulls/7$", Status: 422, Body: `{"message": "Validation Failed: token ` + token + ` is odd"}`},
		{Path: "/pulls/7$", Status: 403, Body: `{"message": "Forbidden for Bearer ` + token + `"}`},
		{Path: "/pulls/7$", Status: 404, Body: `{"message": "` + token + `"}`},
		{Path: "/pulls/7$", Status: 200, Body: `{"number": 7, "title": "` + token + `", "user": {"login": "lwalsh-acme"}, "head": {"sha": "` + head + `", "ref": "` + token + `"}, "base": {"ref": "main"}, "html_url": "https://x/` + token + `"}`},
	} {
		fx := fixture()
		fx.Faults = []githubtest.Fault{f}
		srv := githubtest.New(fx)
		pr, err := client(t, srv, token, nil).PullRequest(context.Background(), repo, 7)
		srv.Close()
		if err != nil && strings.Contains(err.Error(), token) {
			t.Errorf("%d: the error shows the token: %v", f.Status, err)
		}
		if f.Status == 404 && !strings.Contains(err.Error(), "not found") {
			t.Errorf("404: %v", err)
		}
		if f.Status == 200 {
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(pr.Title+pr.URL+pr.HeadRef, token) || pr.Title != "***" {
				t.Errorf("the pull request shows the token: %+v", pr)
			}
		}
	}
	// a comment's URL
	fx := fixture()
	fx.Faults = []githubtest.Fault{{Method: "POST", Path: "/issues/7/comments$", Status: 201, Body: `{"id": 5, "html_url": "https://x/` + token + `"}`}}
	srv := githubtest.New(fx)
	defer srv.Close()
	url, _, err := client(t, srv, token, nil).UpsertComment(context.Background(), repo, 7, "v")
	if err != nil || strings.Contains(url, token) {
		t.Errorf("comment URL %q, %v", url, err)
	}
}

// GitHost is where the token may go with a push.
func TestGitHost(t *testing.T) {
	for api, want := range map[string]string{
		"":                                    "github.com",
		"https://api.github.com/":             "github.com",
		"https://ghe.example.com/api/v3/":     "ghe.example.com",
		"https://api.acme.ghe.com/":           "acme.ghe.com",
		"https://GHE.example.com:8443/api/v3": "ghe.example.com:8443",
	} {
		c, err := github.New(github.Config{APIURL: api})
		if err != nil {
			t.Fatal(err)
		}
		if got := c.GitHost(); got != want {
			t.Errorf("GitHost of %q = %q, want %q", api, got, want)
		}
	}
}
