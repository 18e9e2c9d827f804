package github

import (
	"net/http"
	"testing"
)

type recorder struct{ auth []string }

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.auth = append(r.auth, req.Header.Get("Authorization"))
	return &http.Response{StatusCode: 200, Body: http.NoBody, Request: req}, nil
}

// The token is added to requests to the API's own scheme and host only.
func TestAuthTransport(t *testing.T) {
	for url, want := range map[string]string{
		"https://api.github.com/repos/a/b":        "Bearer tok",
		"https://API.GitHub.com/repos/a/b":        "Bearer tok",
		"http://api.github.com/repos/a/b":         "", // a downgrade
		"https://api.github.com:8443/repos/a/b":   "",
		"https://objects.githubusercontent.com/x": "",
		"https://api.github.com.evil.example/x":   "",
	} {
		rec := &recorder{}
		tr := &authTransport{base: rec, token: "tok", scheme: "https", host: "api.github.com"}
		req, _ := http.NewRequest("GET", url, nil)
		req.Header.Set("Authorization", "Bearer planted")
		if _, err := tr.RoundTrip(req); err != nil {
			t.Fatal(err)
		}
		if rec.auth[0] != want {
			t.Errorf("%s: Authorization %q, want %q", url, rec.auth[0], want)
		}
	}
}
