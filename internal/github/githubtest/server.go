// Package githubtest is an in-process stand-in for the GitHub REST API, for
// tests: it serves the JSON shapes GitHub documents for the endpoints smsctl
// uses (pull requests, reviews, files, repository activity, commits,
// issue comments with their authors, check runs, the authenticated user),
// paginates with Link headers, sends
// rate-limit headers, checks the token, and injects faults (5xx, rate
// limits) on request. State is loaded from a small fixture, not GitHub's
// full shapes, and what clients write (comments, check runs) is kept for
// assertions.
package githubtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fixture is the server's initial state.
type Fixture struct {
	// Token is the one token accepted (as "Bearer" or "token"); empty
	// accepts anonymous requests only.
	Token string `json:"token"`
	// Repo is OWNER/NAME.
	Repo string `json:"repo"`
	// PerPage caps every page, to exercise pagination (default 30).
	PerPage int    `json:"per_page"`
	Pulls   []Pull `json:"pulls"`
	// Comments are issue comments already present.
	Comments []Comment `json:"comments"`
	// Faults are answered instead of the real response, in order.
	Faults []Fault `json:"faults"`
	// ActivityHidden makes the activity endpoint answer 404, as it does
	// for a token that may not read it.
	ActivityHidden bool `json:"activity_hidden"`
	// TokenLogin is the user Token belongs to (a personal access token):
	// GET /user answers it, and the comments the token writes are by it.
	// Empty makes Token a GitHub App installation token, as GitHub Actions'
	// GITHUB_TOKEN is: GET /user answers 403 "Resource not accessible by
	// integration", and the comments the token writes are by AppBot.
	TokenLogin string `json:"token_login"`
	// AppBot is the bot an installation token writes as (default
	// github-actions[bot]).
	AppBot string `json:"app_bot"`
}

// Pull is a pull request in the fixture.
type Pull struct {
	Number      int      `json:"number"`
	Title       string   `json:"title"`
	Author      string   `json:"author"`
	State       string   `json:"state"`
	HeadSHA     string   `json:"head_sha"`
	HeadRef     string   `json:"head_ref"`
	HeadRepo    string   `json:"head_repo"` // default: Repo
	BaseRef     string   `json:"base_ref"`
	BaseSHA     string   `json:"base_sha"`
	Merged      bool     `json:"merged"`
	MergedBy    string   `json:"merged_by"`
	MergedAt    string   `json:"merged_at"`
	MergeCommit string   `json:"merge_commit"`
	Labels      []string `json:"labels"`
	Files       []struct {
		Path   string `json:"path"`
		Status string `json:"status"`
	} `json:"files"`
	Reviews []struct {
		Login       string `json:"login"`
		State       string `json:"state"`
		CommitID    string `json:"commit_id"`
		SubmittedAt string `json:"submitted_at"`
	} `json:"reviews"`
	// Pusher pushed HeadSHA (repository activity).
	Pusher string `json:"pusher"`
	// Committer is the head commit's committer login.
	Committer string `json:"committer"`
}

// Comment is an issue comment.
type Comment struct {
	ID     int64  `json:"id"`
	Number int    `json:"number"`
	User   string `json:"user"`
	// UserType is the author's type: "Bot" for a login ending in "[bot]",
	// "User" otherwise, unless given.
	UserType string `json:"user_type,omitempty"`
	Body     string `json:"body"`
	// Edits counts the edits a client made.
	Edits int `json:"edits,omitempty"`
}

// Fault is an injected response.
type Fault struct {
	Method string `json:"method"` // default GET
	// Path is matched as a regular expression against the URL path.
	Path    string            `json:"path"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
	// Times is how many requests get the fault (default 1).
	Times int `json:"times"`
}

// CheckRun is a check run a client created.
type CheckRun struct {
	ID          int64            `json:"id"`
	Name        string           `json:"name"`
	HeadSHA     string           `json:"head_sha"`
	Status      string           `json:"status"`
	Conclusion  string           `json:"conclusion"`
	Title       string           `json:"title"`
	Summary     string           `json:"summary"`
	Annotations []map[string]any `json:"annotations"`
}

// Request is a request the server received.
type Request struct {
	Method, Path, Query, Authorization string
}

// Server is the stand-in.
type Server struct {
	*httptest.Server
	mu        sync.Mutex
	fx        Fixture
	checkRuns []CheckRun
	requests  []Request
	nextID    int64
	remaining int
}

// New starts a server with fixture fx; Close stops it.
func New(fx Fixture) *Server {
	if fx.PerPage <= 0 {
		fx.PerPage = 30
	}
	if fx.AppBot == "" {
		fx.AppBot = "github-actions[bot]"
	}
	s := &Server{fx: fx, nextID: 1000, remaining: 5000}
	for _, c := range fx.Comments {
		s.nextID = max(s.nextID, c.ID+1)
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL is the API base URL to give the client (with a trailing slash).
func (s *Server) APIURL() string { return s.Server.URL + "/api/v3/" }

// Comments returns the comments on pull request number.
func (s *Server) Comments(number int) []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Comment
	for _, c := range s.fx.Comments {
		if c.Number == number {
			out = append(out, c)
		}
	}
	return out
}

// CheckRuns returns the check runs created.
func (s *Server) CheckRuns() []CheckRun {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]CheckRun(nil), s.checkRuns...)
}

// Requests returns the requests received, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// State is what the server holds now, for dumping in scripts.
func (s *Server) State() map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Requests are listed without their Authorization header, so a dump
	// can be searched for a leaked token.
	var reqs []string
	for _, r := range s.requests {
		reqs = append(reqs, r.Method+" "+r.Path)
	}
	return map[string]any{"comments": s.fx.Comments, "check_runs": s.checkRuns, "requests": reqs}
}

var (
	rePull       = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/pulls/(\d+)$`)
	reReviews    = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/pulls/(\d+)/reviews$`)
	reFiles      = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/pulls/(\d+)/files$`)
	reActivity   = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/activity$`)
	reCommit     = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/commits/([0-9a-f]+)$`)
	reCommitPRs  = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/commits/([0-9a-f]+)/pulls$`)
	reComments   = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/issues/(\d+)/comments$`)
	reComment    = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/issues/comments/(\d+)$`)
	reCheckRuns  = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/check-runs$`)
	reCheckRun   = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/check-runs/(\d+)$`)
	errNotFound  = map[string]string{"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}
	errBadCreds  = map[string]string{"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}
	apiPrefix    = "/api/v3"
	userTemplate = func(login string) any {
		if login == "" {
			return nil
		}
		return userJSON(login, "")
	}
)

// userJSON is GitHub's simple user: a login ending in "[bot]" is a Bot
// unless typ says otherwise.
func userJSON(login, typ string) map[string]any {
	if typ == "" {
		typ = "User"
		if strings.HasSuffix(login, "[bot]") {
			typ = "Bot"
		}
	}
	return map[string]any{"login": login, "id": len(login), "node_id": "U_" + login, "type": typ, "site_admin": false}
}

// identity is who the token acts as: its user, or the app's bot.
func (s *Server) identity() (login, typ string) {
	if s.fx.TokenLogin != "" {
		return s.fx.TokenLogin, "User"
	}
	return s.fx.AppBot, "Bot"
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	path := strings.TrimPrefix(r.URL.Path, apiPrefix)
	s.requests = append(s.requests, Request{Method: r.Method, Path: path, Query: r.URL.RawQuery, Authorization: r.Header.Get("Authorization")})
	reset := time.Now().Add(time.Hour).Unix()
	w.Header().Set("X-RateLimit-Limit", "5000")
	w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset, 10))
	w.Header().Set("X-RateLimit-Resource", "core")
	for i := range s.fx.Faults {
		f := &s.fx.Faults[i]
		m := f.Method
		if m == "" {
			m = http.MethodGet
		}
		if f.Times < 0 || m != r.Method || !regexp.MustCompile(f.Path).MatchString(path) {
			continue
		}
		if f.Times <= 1 {
			f.Times = -1 // used up
		} else {
			f.Times--
		}
		for k, v := range f.Headers {
			w.Header().Set(k, v)
		}
		if w.Header().Get("X-RateLimit-Remaining") == "" {
			w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(s.remaining))
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(f.Status)
		fmt.Fprint(w, f.Body)
		return
	}
	s.remaining--
	w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(s.remaining))
	if auth := r.Header.Get("Authorization"); s.fx.Token != "" || auth != "" {
		if auth != "Bearer "+s.fx.Token && auth != "token "+s.fx.Token {
			writeJSON(w, http.StatusUnauthorized, errBadCreds)
			return
		}
	}
	if path == "/user" && r.Method == http.MethodGet {
		switch {
		case r.Header.Get("Authorization") == "":
			writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Requires authentication", "documentation_url": "https://docs.github.com/rest/users/users#get-the-authenticated-user"})
		case s.fx.TokenLogin == "":
			writeJSON(w, http.StatusForbidden, map[string]string{"message": "Resource not accessible by integration", "documentation_url": "https://docs.github.com/rest/users/users#get-the-authenticated-user"})
		default:
			u := userJSON(s.fx.TokenLogin, "User")
			u["name"] = s.fx.TokenLogin
			writeJSON(w, 200, u)
		}
		return
	}
	if m := reReviews.FindStringSubmatch(path); m != nil && r.Method == http.MethodGet {
		p := s.pull(m)
		if p == nil {
			writeJSON(w, 404, errNotFound)
			return
		}
		var out []any
		for i, rv := range p.Reviews {
			out = append(out, map[string]any{
				"id": p.Number*100 + i, "user": userTemplate(rv.Login), "body": "", "state": rv.State,
				"commit_id": rv.CommitID, "submitted_at": rv.SubmittedAt, "author_association": "MEMBER",
				"html_url": fmt.Sprintf("%s/%s/pull/%d#pullrequestreview-%d", s.URL, s.fx.Repo, p.Number, p.Number*100+i),
			})
		}
		s.page(w, r, out)
		return
	}
	if m := reFiles.FindStringSubmatch(path); m != nil && r.Method == http.MethodGet {
		p := s.pull(m)
		if p == nil {
			writeJSON(w, 404, errNotFound)
			return
		}
		var out []any
		for _, f := range p.Files {
			out = append(out, map[string]any{"sha": "0000000000000000000000000000000000000000", "filename": f.Path, "status": f.Status, "additions": 1, "deletions": 0, "changes": 1})
		}
		s.page(w, r, out)
		return
	}
	if m := rePull.FindStringSubmatch(path); m != nil && r.Method == http.MethodGet {
		p := s.pull(m)
		if p == nil {
			writeJSON(w, 404, errNotFound)
			return
		}
		writeJSON(w, 200, s.pullJSON(p))
		return
	}
	if m := reActivity.FindStringSubmatch(path); m != nil && r.Method == http.MethodGet {
		if !s.repo(m) || s.fx.ActivityHidden {
			writeJSON(w, 404, errNotFound)
			return
		}
		ref := r.URL.Query().Get("ref")
		var out []any
		for i := range s.fx.Pulls {
			p := &s.fx.Pulls[i]
			if p.Pusher == "" || (ref != "" && ref != "refs/heads/"+p.HeadRef) {
				continue
			}
			out = append(out, map[string]any{
				"id": i + 1, "node_id": "RA_" + strconv.Itoa(i), "before": "0000000000000000000000000000000000000000",
				"after": p.HeadSHA, "ref": "refs/heads/" + p.HeadRef, "timestamp": "2026-11-20T10:00:00Z",
				"activity_type": "push", "actor": userTemplate(p.Pusher),
			})
		}
		s.page(w, r, out)
		return
	}
	if m := reCommitPRs.FindStringSubmatch(path); m != nil && r.Method == http.MethodGet {
		if !s.repo(m) {
			writeJSON(w, 404, errNotFound)
			return
		}
		var out []any
		for i := range s.fx.Pulls {
			p := &s.fx.Pulls[i]
			if p.MergeCommit == m[3] || p.HeadSHA == m[3] {
				out = append(out, s.pullJSON(p))
			}
		}
		s.page(w, r, out)
		return
	}
	if m := reCommit.FindStringSubmatch(path); m != nil && r.Method == http.MethodGet {
		for i := range s.fx.Pulls {
			p := &s.fx.Pulls[i]
			if s.repo(m) && p.HeadSHA == m[3] {
				writeJSON(w, 200, map[string]any{
					"sha": p.HeadSHA, "author": userTemplate(p.Author), "committer": userTemplate(p.Committer),
					"commit": map[string]any{"message": p.Title},
				})
				return
			}
		}
		writeJSON(w, 422, map[string]string{"message": "No commit found for SHA: " + m[3]})
		return
	}
	if m := reComments.FindStringSubmatch(path); m != nil {
		n, _ := strconv.Atoi(m[3])
		if !s.repo(m) || s.pullByNumber(n) == nil {
			writeJSON(w, 404, errNotFound)
			return
		}
		switch r.Method {
		case http.MethodGet:
			var out []any
			for _, c := range s.fx.Comments {
				if c.Number == n {
					out = append(out, s.commentJSON(c))
				}
			}
			s.page(w, r, out)
		case http.MethodPost:
			var body struct {
				Body string `json:"body"`
			}
			if json.NewDecoder(r.Body).Decode(&body) != nil || body.Body == "" {
				writeJSON(w, 422, map[string]string{"message": "Validation Failed"})
				return
			}
			login, typ := s.identity()
			c := Comment{ID: s.nextID, Number: n, User: login, UserType: typ, Body: body.Body}
			s.nextID++
			s.fx.Comments = append(s.fx.Comments, c)
			writeJSON(w, 201, s.commentJSON(c))
		default:
			writeJSON(w, 405, map[string]string{"message": "Method Not Allowed"})
		}
		return
	}
	if m := reComment.FindStringSubmatch(path); m != nil && r.Method == http.MethodPatch {
		id, _ := strconv.ParseInt(m[3], 10, 64)
		for i := range s.fx.Comments {
			if s.fx.Comments[i].ID == id && s.repo(m) {
				var body struct {
					Body string `json:"body"`
				}
				if json.NewDecoder(r.Body).Decode(&body) != nil || body.Body == "" {
					writeJSON(w, 422, map[string]string{"message": "Validation Failed"})
					return
				}
				s.fx.Comments[i].Body = body.Body
				s.fx.Comments[i].Edits++
				writeJSON(w, 200, s.commentJSON(s.fx.Comments[i]))
				return
			}
		}
		writeJSON(w, 404, errNotFound)
		return
	}
	if m := reCheckRuns.FindStringSubmatch(path); m != nil && r.Method == http.MethodPost {
		var in struct {
			Name       string `json:"name"`
			HeadSHA    string `json:"head_sha"`
			Status     string `json:"status"`
			Conclusion string `json:"conclusion"`
			Output     *struct {
				Title       string           `json:"title"`
				Summary     string           `json:"summary"`
				Annotations []map[string]any `json:"annotations"`
			} `json:"output"`
		}
		if !s.repo(m) || json.NewDecoder(r.Body).Decode(&in) != nil || in.Name == "" || in.HeadSHA == "" {
			writeJSON(w, 422, map[string]string{"message": "Validation Failed"})
			return
		}
		cr := CheckRun{ID: s.nextID, Name: in.Name, HeadSHA: in.HeadSHA, Status: in.Status, Conclusion: in.Conclusion}
		s.nextID++
		if in.Output != nil {
			if len(in.Output.Annotations) > 50 {
				writeJSON(w, 422, map[string]string{"message": "Only 50 annotations are allowed per request"})
				return
			}
			cr.Title, cr.Summary, cr.Annotations = in.Output.Title, in.Output.Summary, in.Output.Annotations
		}
		s.checkRuns = append(s.checkRuns, cr)
		writeJSON(w, 201, map[string]any{"id": cr.ID, "name": cr.Name, "head_sha": cr.HeadSHA, "status": cr.Status, "conclusion": cr.Conclusion, "html_url": fmt.Sprintf("%s/%s/runs/%d", s.URL, s.fx.Repo, cr.ID)})
		return
	}
	if m := reCheckRun.FindStringSubmatch(path); m != nil && r.Method == http.MethodPatch {
		id, _ := strconv.ParseInt(m[3], 10, 64)
		var in struct {
			Output *struct {
				Annotations []map[string]any `json:"annotations"`
			} `json:"output"`
		}
		if json.NewDecoder(r.Body).Decode(&in) != nil {
			writeJSON(w, 422, map[string]string{"message": "Validation Failed"})
			return
		}
		for i := range s.checkRuns {
			if s.checkRuns[i].ID == id {
				if in.Output != nil {
					if len(in.Output.Annotations) > 50 {
						writeJSON(w, 422, map[string]string{"message": "Only 50 annotations are allowed per request"})
						return
					}
					s.checkRuns[i].Annotations = append(s.checkRuns[i].Annotations, in.Output.Annotations...)
				}
				writeJSON(w, 200, map[string]any{"id": id, "name": s.checkRuns[i].Name})
				return
			}
		}
		writeJSON(w, 404, errNotFound)
		return
	}
	writeJSON(w, 404, errNotFound)
}

func (s *Server) repo(m []string) bool { return m[1]+"/"+m[2] == s.fx.Repo }

func (s *Server) pull(m []string) *Pull {
	if !s.repo(m) {
		return nil
	}
	n, _ := strconv.Atoi(m[3])
	return s.pullByNumber(n)
}

func (s *Server) pullByNumber(n int) *Pull {
	for i := range s.fx.Pulls {
		if s.fx.Pulls[i].Number == n {
			return &s.fx.Pulls[i]
		}
	}
	return nil
}

func (s *Server) pullJSON(p *Pull) map[string]any {
	headRepo := p.HeadRepo
	if headRepo == "" {
		headRepo = s.fx.Repo
	}
	state := p.State
	if state == "" {
		state = "open"
		if p.Merged {
			state = "closed"
		}
	}
	var labels []any
	for i, l := range p.Labels {
		labels = append(labels, map[string]any{"id": i + 1, "name": l, "color": "ededed"})
	}
	repoJSON := func(full string) map[string]any {
		owner, _, _ := strings.Cut(full, "/")
		return map[string]any{"full_name": full, "owner": userTemplate(owner), "fork": full != s.fx.Repo}
	}
	out := map[string]any{
		"number": p.Number, "title": p.Title, "state": state, "draft": false,
		"html_url": fmt.Sprintf("%s/%s/pull/%d", s.URL, s.fx.Repo, p.Number),
		"user":     userTemplate(p.Author), "labels": labels,
		"head":   map[string]any{"sha": p.HeadSHA, "ref": p.HeadRef, "label": p.HeadRef, "repo": repoJSON(headRepo)},
		"base":   map[string]any{"sha": p.BaseSHA, "ref": p.BaseRef, "label": p.BaseRef, "repo": repoJSON(s.fx.Repo)},
		"merged": p.Merged, "mergeable_state": "clean", "merged_by": userTemplate(p.MergedBy),
	}
	if p.Merged {
		out["merge_commit_sha"] = p.MergeCommit
		out["merged_at"] = p.MergedAt
	}
	return out
}

func (s *Server) commentJSON(c Comment) map[string]any {
	assoc := "CONTRIBUTOR"
	if strings.HasSuffix(c.User, "[bot]") {
		assoc = "NONE"
	}
	return map[string]any{
		"id": c.ID, "node_id": "IC_" + strconv.FormatInt(c.ID, 10), "body": c.Body, "user": userJSON(c.User, c.UserType),
		"author_association": assoc, "performed_via_github_app": nil,
		"html_url":  fmt.Sprintf("%s/%s/pull/%d#issuecomment-%d", s.URL, s.fx.Repo, c.Number, c.ID),
		"issue_url": fmt.Sprintf("%s/api/v3/repos/%s/issues/%d", s.URL, s.fx.Repo, c.Number),
	}
}

// page writes one page of items, with a Link header to the next and last
// pages, as GitHub paginates.
func (s *Server) page(w http.ResponseWriter, r *http.Request, items []any) {
	per := s.fx.PerPage
	if n, err := strconv.Atoi(r.URL.Query().Get("per_page")); err == nil && n > 0 && n < per {
		per = n
	}
	page := 1
	if n, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && n > 0 {
		page = n
	}
	last := max(1, (len(items)+per-1)/per)
	lo, hi := min((page-1)*per, len(items)), min(page*per, len(items))
	link := func(p int, rel string) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(p))
		q.Set("per_page", strconv.Itoa(per))
		return fmt.Sprintf(`<%s%s?%s>; rel="%s"`, s.URL, r.URL.Path, q.Encode(), rel)
	}
	var links []string
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if page > 1 {
		links = append(links, link(1, "first"), link(page-1, "prev"))
	}
	sort.Strings(links)
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	out := items[lo:hi]
	if out == nil {
		out = []any{}
	}
	writeJSON(w, 200, out)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
