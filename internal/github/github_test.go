package github_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smsctl/smsctl/internal/github"
	"github.com/smsctl/smsctl/internal/github/githubtest"
)

const token = "ghp_TESTTOKENrecognisable0123456789"

const head = "1111111111111111111111111111111111111111"
const old = "2222222222222222222222222222222222222222"

func fixture() githubtest.Fixture {
	fx := githubtest.Fixture{Token: token, Repo: "acme/sms", PerPage: 2}
	p := githubtest.Pull{
		Number: 7, Title: "Rotate the backup key", Author: "lwalsh-acme", HeadSHA: head, HeadRef: "rotate-key",
		BaseRef: "main", BaseSHA: old, Labels: []string{"change", "backup"}, Pusher: "smarin-acme",
	}
	for _, r := range []struct{ login, state, commit, at string }{
		{"pshah-acme", "APPROVED", old, "2026-11-20T09:00:00Z"},           // stale
		{"lwalsh-acme", "COMMENTED", head, "2026-11-20T09:30:00Z"},        // the author comments
		{"smarin-acme", "APPROVED", head, "2026-11-20T10:00:00Z"},         // the last pusher
		{"tbennett-acme", "DISMISSED", head, "2026-11-20T10:30:00Z"},      // dismissed
		{"gokafor-acme", "APPROVED", head, "2026-11-20T11:00:00Z"},        // counts
		{"mreid-acme", "CHANGES_REQUESTED", head, "2026-11-20T11:30:00Z"}, // blocks
	} {
		p.Reviews = append(p.Reviews, struct {
			Login       string `json:"login"`
			State       string `json:"state"`
			CommitID    string `json:"commit_id"`
			SubmittedAt string `json:"submitted_at"`
		}{r.login, r.state, r.commit, r.at})
	}
	for _, f := range []string{"changes/2026/CHG-2026-0039.cue", "services/backup.cue", "README.md"} {
		p.Files = append(p.Files, struct {
			Path   string `json:"path"`
			Status string `json:"status"`
		}{f, "modified"})
	}
	fx.Pulls = []githubtest.Pull{p}
	return fx
}

// client returns a client of srv whose waits are recorded, not slept.
func client(t *testing.T, srv *githubtest.Server, tok string, waits *[]time.Duration) *github.Client {
	t.Helper()
	c, err := github.New(github.Config{
		Token: tok, APIURL: srv.APIURL(), Backoff: time.Second, MaxWait: 2 * time.Minute, AllowHTTPLoopback: true,
		Sleep: func(ctx context.Context, d time.Duration) error {
			if waits != nil {
				*waits = append(*waits, d)
			}
			return nil
		},
		Now: func() time.Time { return time.Now() },
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPullRequest(t *testing.T) {
	srv := githubtest.New(fixture())
	defer srv.Close()
	pr, err := client(t, srv, token, nil).PullRequest(context.Background(), github.Repo{Owner: "acme", Name: "sms"}, 7)
	if err != nil {
		t.Fatal(err)
	}
	if pr.Author != "lwalsh-acme" || pr.HeadSHA != head || pr.BaseRef != "main" || pr.Fork || pr.Merged {
		t.Errorf("pull request facts: %+v", pr)
	}
	if pr.LastPusher != "smarin-acme" || pr.LastPusherFrom != "activity" {
		t.Errorf("last pusher = %q from %q, want smarin-acme from activity", pr.LastPusher, pr.LastPusherFrom)
	}
	// six reviews over three pages of two, in time order
	if len(pr.Reviews) != 6 {
		t.Fatalf("%d reviews, want 6 (pagination over Link headers)", len(pr.Reviews))
	}
	if r := pr.Reviews[0]; r.Login != "pshah-acme" || r.CommitID != old || r.State != "APPROVED" || r.Dismissed {
		t.Errorf("stale review: %+v", r)
	}
	if r := pr.Reviews[3]; r.Login != "tbennett-acme" || !r.Dismissed {
		t.Errorf("dismissed review: %+v", r)
	}
	if r := pr.Reviews[2]; r.Login != "smarin-acme" || r.SubmittedAt.Format(time.RFC3339) != "2026-11-20T10:00:00Z" {
		t.Errorf("self-approval by the last pusher: %+v", r)
	}
	if len(pr.Files) != 3 || pr.Files[2].Path != "README.md" {
		t.Errorf("files: %+v", pr.Files)
	}
	if strings.Join(pr.Labels, ",") != "backup,change" {
		t.Errorf("labels: %v", pr.Labels)
	}
	var pages int
	for _, r := range srv.Requests() {
		if strings.HasSuffix(r.Path, "/reviews") {
			pages++
		}
		if r.Authorization != "Bearer "+token {
			t.Errorf("%s %s sent Authorization %q", r.Method, r.Path, r.Authorization)
		}
	}
	if pages != 3 {
		t.Errorf("%d review pages read, want 3", pages)
	}
}

func TestLastPusherFallsBackOnHeadCommit(t *testing.T) {
	fx := fixture()
	fx.ActivityHidden = true
	fx.Pulls[0].Committer = "jahmed-acme"
	srv := githubtest.New(fx)
	defer srv.Close()
	pr, err := client(t, srv, token, nil).PullRequest(context.Background(), github.Repo{Owner: "acme", Name: "sms"}, 7)
	if err != nil {
		t.Fatal(err)
	}
	if pr.LastPusher != "jahmed-acme" || pr.LastPusherFrom != "head-commit" {
		t.Errorf("last pusher = %q from %q, want jahmed-acme from head-commit", pr.LastPusher, pr.LastPusherFrom)
	}
}

func TestErrors(t *testing.T) {
	repo := github.Repo{Owner: "acme", Name: "sms"}
	tests := []struct {
		name   string
		faults []githubtest.Fault
		tok    string
		number int
		want   string
		is     error
		waits  string
	}{
		{name: "missing pull request", number: 99, want: "pull request acme/sms#99: not found", is: github.ErrNotFound},
		{name: "refused token", tok: "ghp_wrong", number: 7, want: "401 Bad credentials", is: github.ErrUnauthorized},
		{
			name: "primary rate limit spent", number: 7,
			faults: []githubtest.Fault{{Path: "/pulls/7$", Status: 403, Headers: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Limit": "5000", "X-RateLimit-Reset": "1795000000"}, Body: `{"message":"API rate limit exceeded for user ID 1.","documentation_url":"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"}`}},
			want:   "rate limit (5000 requests an hour) is spent until 2026-11-18T",
		},
		{
			name: "secondary limit longer than the bound", number: 7,
			faults: []githubtest.Fault{{Path: "/pulls/7$", Status: 403, Times: 9, Headers: map[string]string{"Retry-After": "600"}, Body: `{"message":"You have exceeded a secondary rate limit.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`}},
			want:   "secondary rate limit asks to wait 10m0s", waits: "",
		},
		{
			name: "429 with the limit spent", number: 7,
			faults: []githubtest.Fault{{Path: "/pulls/7$", Status: 429, Headers: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1795431600"}, Body: `{"message":"API rate limit exceeded"}`}},
			want:   "GitHub's rate limit is spent (429) until 2026-11-23T11:00:00Z",
		},
		{
			name: "a token without the permission", number: 7,
			faults: []githubtest.Fault{{Path: "/pulls/7$", Status: 403, Body: `{"message":"Resource not accessible by integration"}`}},
			want:   "GitHub refused the request (403 Resource not accessible by integration): the token lacks a permission it needs",
		},
		{
			name: "server errors beyond the retries", number: 7,
			faults: []githubtest.Fault{{Path: "/pulls/7$", Status: 502, Times: 9, Body: `{"message":"Server Error"}`}},
			want:   "GitHub answered 502 Server Error", waits: "1s 2s 4s 8s",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := fixture()
			fx.Faults = tt.faults
			srv := githubtest.New(fx)
			defer srv.Close()
			tok := tt.tok
			if tok == "" {
				tok = token
			}
			var waits []time.Duration
			_, err := client(t, srv, tok, &waits).PullRequest(context.Background(), repo, tt.number)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
			if strings.Contains(err.Error(), token) || strings.Contains(err.Error(), tok) {
				t.Errorf("error shows the token: %v", err)
			}
			if got := fmtWaits(waits); got != tt.waits {
				t.Errorf("waits %q, want %q", got, tt.waits)
			}
		})
	}
}

func fmtWaits(ws []time.Duration) string {
	var s []string
	for _, w := range ws {
		s = append(s, w.String())
	}
	return strings.Join(s, " ")
}

func TestRetries(t *testing.T) {
	fx := fixture()
	fx.Faults = []githubtest.Fault{
		{Path: "/pulls/7$", Status: 502, Body: `{"message":"Server Error"}`},
		{Path: "/pulls/7/reviews$", Status: 403, Headers: map[string]string{"Retry-After": "3"}, Body: `{"message":"You have exceeded a secondary rate limit."}`},
		{Path: "/pulls/7/files$", Status: 429, Body: `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}`},
	}
	srv := githubtest.New(fx)
	defer srv.Close()
	var waits []time.Duration
	pr, err := client(t, srv, token, &waits).PullRequest(context.Background(), github.Repo{Owner: "acme", Name: "sms"}, 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(pr.Reviews) != 6 || len(pr.Files) != 3 {
		t.Errorf("after retries: %d reviews, %d files", len(pr.Reviews), len(pr.Files))
	}
	if got := fmtWaits(waits); got != "1s 3s 1m0s" {
		t.Errorf("waits %q, want 1s (502 backoff), 3s (Retry-After), 1m0s (secondary limit without a time)", got)
	}
}

func TestUpsertComment(t *testing.T) {
	fx := fixture()
	fx.Comments = []githubtest.Comment{
		{ID: 1, Number: 7, User: "gokafor-acme", Body: "looks good"},
		{ID: 2, Number: 7, User: "pshah-acme", Body: "one question"},
		{ID: 3, Number: 7, User: "pshah-acme", Body: "answered"},
	}
	srv := githubtest.New(fx)
	defer srv.Close()
	c := client(t, srv, token, nil)
	repo := github.Repo{Owner: "acme", Name: "sms"}
	for i, body := range []string{"first verdict", "second verdict", "third verdict"} {
		_, created, err := c.UpsertComment(context.Background(), repo, 7, body)
		if err != nil {
			t.Fatal(err)
		}
		if created != (i == 0) {
			t.Errorf("run %d: created = %v", i, created)
		}
	}
	cs := srv.Comments(7)
	if len(cs) != 4 {
		t.Fatalf("%d comments, want 4 (3 + one of smsctl's, edited twice)", len(cs))
	}
	if !strings.HasPrefix(cs[3].Body, github.CommentMarker+"\n") || !strings.Contains(cs[3].Body, "third verdict") {
		t.Errorf("smsctl's comment: %q", cs[3].Body)
	}
}

func TestCheckRunAnnotationsInBatches(t *testing.T) {
	srv := githubtest.New(fixture())
	defer srv.Close()
	var as []github.Annotation
	for i := range 120 {
		as = append(as, github.Annotation{Path: "changes/x.cue", Line: i + 1, Level: "failure", Title: "rule", Message: fmt.Sprint("finding ", i)})
	}
	_, err := client(t, srv, token, nil).CreateCheckRun(context.Background(), github.Repo{Owner: "acme", Name: "sms"}, github.CheckRun{
		Name: "smsctl", HeadSHA: head, Conclusion: "failure", Title: "120 errors", Summary: "s", Annotations: as,
	})
	if err != nil {
		t.Fatal(err)
	}
	runs := srv.CheckRuns()
	if len(runs) != 1 || len(runs[0].Annotations) != 120 || runs[0].Conclusion != "failure" || runs[0].HeadSHA != head {
		t.Fatalf("check runs: %d, annotations %d", len(runs), len(runs[0].Annotations))
	}
}

func TestMergedPullRequest(t *testing.T) {
	fx := fixture()
	fx.Pulls[0].Merged, fx.Pulls[0].MergeCommit, fx.Pulls[0].MergedAt, fx.Pulls[0].MergedBy = true, "3333333333333333333333333333333333333333", "2026-11-21T09:00:00Z", "pshah-acme"
	srv := githubtest.New(fx)
	defer srv.Close()
	c := client(t, srv, token, nil)
	repo := github.Repo{Owner: "acme", Name: "sms"}
	n, err := c.MergedPullRequest(context.Background(), repo, "3333333333333333333333333333333333333333")
	if err != nil || n != 7 {
		t.Fatalf("MergedPullRequest = %d, %v", n, err)
	}
	if _, err := c.MergedPullRequest(context.Background(), repo, head); !errors.Is(err, github.ErrNotFound) {
		t.Errorf("head commit is no merge commit: %v", err)
	}
	pr, err := c.PullRequest(context.Background(), repo, 7)
	if err != nil {
		t.Fatal(err)
	}
	if !pr.Merged || pr.MergeCommit != "3333333333333333333333333333333333333333" || pr.MergedBy != "pshah-acme" || pr.MergedAt.IsZero() {
		t.Errorf("merge facts: %+v", pr)
	}
}

func TestRepoParsing(t *testing.T) {
	for in, want := range map[string]string{
		"https://github.com/acme/sms.git":        "acme/sms",
		"git@github.com:acme/sms.git":            "acme/sms",
		"ssh://git@ghe.example.com/acme/sms.git": "acme/sms",
		"https://x:secret@ghe.example.com/a/b":   "a/b",
	} {
		r, err := github.RepoFromRemote(in)
		if err != nil || r.String() != want {
			t.Errorf("RepoFromRemote(%q) = %v, %v; want %s", in, r, err, want)
		}
	}
	if _, err := github.RepoFromRemote("https://x:secret@example.com/"); err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("bad remote: %v", err)
	}
	if _, err := github.ParseRepo("acme"); err == nil {
		t.Error("ParseRepo accepted a name without owner")
	}
	ev, err := github.ParseEvent([]byte(`{"number":7,"pull_request":{"number":7,"head":{"sha":"h","repo":{"full_name":"mallory/sms"}},"base":{"sha":"b","repo":{"full_name":"acme/sms"}}},"repository":{"full_name":"acme/sms"}}`))
	if err != nil || ev.PullRequest != 7 || !ev.Fork || ev.BaseSHA != "b" {
		t.Errorf("ParseEvent = %+v, %v", ev, err)
	}
}

func TestTimeoutIsRetriedForReads(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != "/repos/acme/sms/pulls/7" {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"message": "Not Found"}`)
			return
		}
		if calls.Add(1) == 1 {
			time.Sleep(300 * time.Millisecond) // longer than the client waits
		}
		fmt.Fprint(w, `{"number": 7, "head": {"sha": "h"}, "base": {"ref": "main"}}`)
	}))
	defer srv.Close()
	var waits []time.Duration
	c, err := github.New(github.Config{
		APIURL: srv.URL + "/", Timeout: 100 * time.Millisecond, AllowHTTPLoopback: true,
		Sleep: func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	// The pull request itself times out once, then answers; its reviews and
	// files are 404s here, which is enough to see the retry.
	_, err = c.PullRequest(context.Background(), github.Repo{Owner: "acme", Name: "sms"}, 7)
	if calls.Load() < 2 || len(waits) != 1 || waits[0] != time.Second {
		t.Errorf("calls %d, waits %v: want the timed-out read tried again after 1s", calls.Load(), waits)
	}
	if err == nil || !strings.Contains(err.Error(), "reviews: not found") {
		t.Errorf("after the retry the reviews are read (and are missing here): %v", err)
	}
	if _, err := github.New(github.Config{APIURL: "ftp://example.com"}); err == nil {
		t.Error("an API URL that is not http(s) was accepted")
	}
}
