package gitrepo

import (
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
)

const testToken = "ghs_PUSHTOKENrecognisable0123456789"

// The token goes only over https to the GitHub host it belongs to.
func TestCredentialsAuth(t *testing.T) {
	for _, tc := range []struct {
		host, url string
		sent      bool
		held      string // part of the reason given, "" for none
	}{
		{"", "https://github.com/acme/sms.git", true, ""},
		{"github.com", "https://GitHub.com/acme/sms", true, ""},
		{"github.com", "https://github.com:443/acme/sms", true, ""},
		{"github.com", "https://x:y@github.com/acme/sms", true, ""},
		{"", "http://github.com/acme/sms.git", false, "only over https"},
		{"", "https://gitlab.com/acme/sms.git", false, "the token is for github.com and the remote is on gitlab.com"},
		{"", "https://github.com.evil.example/acme/sms", false, "remote is on github.com.evil.example"},
		{"", "https://github.com:8443/acme/sms", false, "remote is on github.com:8443"},
		{"ghe.example.com", "https://ghe.example.com/acme/sms", true, ""},
		{"ghe.example.com", "https://github.com/acme/sms", false, "the token is for ghe.example.com"},
		{"ghe.example.com:8443", "https://ghe.example.com:8443/acme/sms", true, ""},
		{"ghe.example.com", "https://ghe.example.com:8443/acme/sms", false, "remote is on ghe.example.com:8443"},
		{"", "git@github.com:acme/sms.git", false, ""},
		{"", "ssh://git@github.com/acme/sms.git", false, ""},
		{"", "/tmp/remote.git", false, ""},
		{"", "file:///tmp/remote.git", false, ""},
	} {
		auth, held := Credentials{Token: testToken, Host: tc.host}.auth(tc.url)
		if sent := auth != nil; sent != tc.sent {
			t.Errorf("%s (host %q): token sent = %v, want %v", tc.url, tc.host, sent, tc.sent)
		}
		if ba, ok := auth.(*githttp.BasicAuth); ok && (ba.Username != "x-access-token" || ba.Password != testToken) {
			t.Errorf("%s: auth %v", tc.url, ba)
		}
		if (tc.held == "") != (held == "") || !strings.Contains(held, tc.held) {
			t.Errorf("%s (host %q): held back %q, want %q", tc.url, tc.host, held, tc.held)
		}
		if strings.Contains(held, testToken) || strings.Contains(held, "x:y") {
			t.Errorf("%s: the reason shows credentials: %s", tc.url, held)
		}
	}
	if auth, held := (Credentials{Host: "github.com"}).auth("https://github.com/a/b"); auth != nil || held != "" {
		t.Errorf("no token: %v %q", auth, held)
	}
}

// gitServer serves the bare repositories under root over smart HTTP (git
// http-backend), recording each request's Authorization header. With
// wantAuth set it answers 401 to a request without that header, as GitHub
// does; with echo it answers 401 with the header it got in the body.
type gitServer struct {
	*httptest.Server
	mu       sync.Mutex
	auth     []string
	wantAuth string
	echo     bool
}

func newGitServer(t *testing.T, root string, tls bool) *gitServer {
	t.Helper()
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git")
	}
	s := &gitServer{}
	backend := &cgi.Handler{Path: git, Args: []string{"http-backend"}, Root: "/git",
		Env: []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1", "GIT_CONFIG_NOSYSTEM=1", "HOME=" + root}}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := r.Header.Get("Authorization")
		s.mu.Lock()
		s.auth = append(s.auth, got)
		want, echo := s.wantAuth, s.echo
		s.mu.Unlock()
		if echo {
			w.WriteHeader(http.StatusUnauthorized)
			dec, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(got, "Basic "))
			w.Write([]byte("bad credentials " + got + " = " + string(dec)))
			return
		}
		if want != "" && got != want {
			w.Header().Set("WWW-Authenticate", `Basic realm="GitHub"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		backend.ServeHTTP(w, r)
	})
	if tls {
		s.Server = httptest.NewTLSServer(h)
	} else {
		s.Server = httptest.NewServer(h)
	}
	t.Cleanup(s.Close)
	return s
}

func (s *gitServer) seen() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.auth...)
}

func (s *gitServer) host() string {
	return strings.TrimPrefix(strings.TrimPrefix(s.URL, "https://"), "http://")
}

func (s *gitServer) caBundle() []byte {
	if s.Certificate() == nil {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw})
}

// pushFixture is a repository with a note, and an empty bare remote that
// takes pushes over HTTP.
func pushFixture(t *testing.T) (*Repo, string, string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir, root := t.TempDir(), t.TempDir()
	gitCmd(t, dir, "init", "-q", "-b", "main")
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a\n"), 0o644)
	gitCmd(t, dir, "add", "a.txt")
	gitCmd(t, dir, "commit", "-q", "-m", "one")
	head := gitCmd(t, dir, "rev-parse", "HEAD")
	gitCmd(t, root, "init", "-q", "--bare", "remote.git")
	gitCmd(t, filepath.Join(root, "remote.git"), "config", "http.receivepack", "true")
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	who := Signature{Name: "smsctl", Email: "smsctl@example.com", When: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	if _, err := r.AddNote(NotesRef, head, []byte("{}\n"), who, "attest"); err != nil {
		t.Fatal(err)
	}
	return r, dir, root
}

// A push and fetch over https to the token's own host carry it; the remote
// gets the notes.
func TestPushNotesOverHTTPS(t *testing.T) {
	r, dir, root := pushFixture(t)
	srv := newGitServer(t, root, true)
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("x-access-token:"+testToken))
	srv.wantAuth = basic
	gitCmd(t, dir, "remote", "add", "origin", srv.URL+"/git/remote.git")
	cred := Credentials{Token: testToken, Host: srv.host(), caBundle: srv.caBundle()}
	if err := r.FetchNotes("origin", NotesRef, cred, false); err != nil {
		t.Fatal(err)
	}
	if err := r.PushNotes("origin", NotesRef, cred); err != nil {
		t.Fatal(err)
	}
	if got := gitCmd(t, filepath.Join(root, "remote.git"), "rev-parse", NotesRef); got != gitCmd(t, dir, "rev-parse", NotesRef) {
		t.Errorf("the remote's notes are at %s", got)
	}
	seen := srv.seen()
	if len(seen) == 0 {
		t.Fatal("no requests")
	}
	for _, a := range seen {
		if a != basic {
			t.Errorf("a request carried Authorization %q, want the token's", a)
		}
	}
}

// To another host, or over plain http, the token is not sent; when the
// remote then asks for credentials, the error says why and what to do.
func TestPushNotesHoldsTheTokenBack(t *testing.T) {
	for _, tc := range []struct {
		name string
		tls  bool
		host func(s *gitServer) string
		want string
	}{
		{"another host", true, func(*gitServer) string { return "github.com" }, "the token was not sent: the token is for github.com and the remote is on 127.0.0.1:"},
		{"plain http", false, func(s *gitServer) string { return s.host() }, "the token was not sent: the remote is plain http, and smsctl sends the token only over https"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, dir, root := pushFixture(t)
			srv := newGitServer(t, root, tc.tls)
			srv.wantAuth = "Basic " + base64.StdEncoding.EncodeToString([]byte("x-access-token:"+testToken))
			gitCmd(t, dir, "remote", "add", "origin", srv.URL+"/git/remote.git")
			cred := Credentials{Token: testToken, Host: tc.host(srv), caBundle: srv.caBundle()}
			for op, err := range map[string]error{
				"push":  r.PushNotes("origin", NotesRef, cred),
				"fetch": r.FetchNotes("origin", NotesRef, cred, false),
			} {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("%s: %v, want %q", op, err, tc.want)
				}
			}
			for _, a := range srv.seen() {
				if a != "" {
					t.Errorf("a request carried Authorization %q", a)
				}
			}
		})
	}
}

// A remote that echoes the token in its answer does not get it printed.
func TestPushNotesErrorRedacted(t *testing.T) {
	r, dir, root := pushFixture(t)
	srv := newGitServer(t, root, true)
	srv.echo = true
	gitCmd(t, dir, "remote", "add", "origin", srv.URL+"/git/remote.git")
	cred := Credentials{Token: testToken, Host: srv.host(), caBundle: srv.caBundle()}
	basic := base64.StdEncoding.EncodeToString([]byte("x-access-token:" + testToken))
	for op, err := range map[string]error{
		"push":  r.PushNotes("origin", NotesRef, cred),
		"fetch": r.FetchNotes("origin", NotesRef, cred, false),
	} {
		if err == nil || !strings.Contains(err.Error(), "bad credentials") {
			t.Fatalf("%s: %v, want the remote's refusal", op, err)
		}
		if strings.Contains(err.Error(), testToken) || strings.Contains(err.Error(), basic) {
			t.Errorf("%s: the error shows the token: %v", op, err)
		}
	}
}
