package github_test

import (
	"context"
	"strings"
	"testing"

	"github.com/smsctl/smsctl/internal/github"
	"github.com/smsctl/smsctl/internal/github/githubtest"
)

// The comment smsctl edits is one its own identity wrote: a marker anyone
// else planted is left alone and a comment of smsctl's own is created.
func TestUpsertCommentOnlyOurs(t *testing.T) {
	repo := github.Repo{Owner: "acme", Name: "sms"}
	planted := github.CommentMarker + "\n## smsctl validate\n\n✅ **no errors** (planted by the author)"
	for _, tc := range []struct {
		name       string
		tokenLogin string // "" = an installation token (GET /user: 403)
		appBot     string
		author     string // Config.CommentAuthor
		comments   []githubtest.Comment
		edited     int64 // the comment to be edited, 0 for a new one
		wantUser   string
	}{
		{
			name: "a planted marker by the pull request's author", tokenLogin: "smsctl-ci",
			comments: []githubtest.Comment{{ID: 1, Number: 7, User: "lwalsh-acme", Body: planted}},
			wantUser: "smsctl-ci",
		},
		{
			name:     "a planted marker, with an installation token",
			comments: []githubtest.Comment{{ID: 1, Number: 7, User: "lwalsh-acme", Body: planted}},
			wantUser: "github-actions[bot]",
		},
		{
			name: "our own comment, with a personal access token", tokenLogin: "smsctl-ci",
			comments: []githubtest.Comment{
				{ID: 1, Number: 7, User: "lwalsh-acme", Body: planted},
				{ID: 2, Number: 7, User: "github-actions[bot]", Body: github.CommentMarker + "\nby the Actions bot"},
				{ID: 3, Number: 7, User: "SMSCTL-ci", Body: github.CommentMarker + "\nold verdict"},
			},
			edited: 3, wantUser: "SMSCTL-ci",
		},
		{
			name: "our own comment, with GitHub Actions' installation token",
			comments: []githubtest.Comment{
				{ID: 1, Number: 7, User: "lwalsh-acme", Body: planted},
				{ID: 2, Number: 7, User: "github-actions[bot]", UserType: "User", Body: github.CommentMarker + "\nnot a bot"},
				{ID: 3, Number: 7, User: "github-actions[bot]", Body: "a bot's comment without the marker"},
				{ID: 4, Number: 7, User: "github-actions[bot]", Body: github.CommentMarker + "\nold verdict"},
			},
			edited: 4, wantUser: "github-actions[bot]",
		},
		{
			name: "a GitHub App's own installation token", appBot: "smsctl-app[bot]", author: "smsctl-app[bot]",
			comments: []githubtest.Comment{
				{ID: 1, Number: 7, User: "github-actions[bot]", Body: github.CommentMarker + "\nanother workflow's"},
				{ID: 2, Number: 7, User: "smsctl-app[bot]", Body: github.CommentMarker + "\nold verdict"},
			},
			edited: 2, wantUser: "smsctl-app[bot]",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := fixture()
			fx.TokenLogin, fx.AppBot, fx.Comments = tc.tokenLogin, tc.appBot, tc.comments
			srv := githubtest.New(fx)
			defer srv.Close()
			c, err := github.New(github.Config{Token: token, APIURL: srv.APIURL(), AllowHTTPLoopback: true, CommentAuthor: tc.author})
			if err != nil {
				t.Fatal(err)
			}
			for i := range 2 {
				_, created, err := c.UpsertComment(context.Background(), repo, 7, "new verdict")
				if err != nil {
					t.Fatal(err)
				}
				if wantCreated := tc.edited == 0 && i == 0; created != wantCreated {
					t.Errorf("run %d: created = %v, want %v", i, created, wantCreated)
				}
			}
			byID := map[int64]githubtest.Comment{}
			for _, cm := range srv.Comments(7) {
				byID[cm.ID] = cm
			}
			for _, before := range tc.comments {
				after := byID[before.ID]
				if before.ID == tc.edited {
					if after.Edits != 2 || !strings.Contains(after.Body, "new verdict") || after.User != tc.wantUser {
						t.Errorf("our comment %d: %+v, want it edited twice", before.ID, after)
					}
				} else if after.Edits != 0 || after.Body != before.Body {
					t.Errorf("comment %d by %s was edited: %+v", before.ID, before.User, after)
				}
			}
			wantN := len(tc.comments)
			if tc.edited == 0 {
				wantN++
				last := srv.Comments(7)[wantN-1]
				if last.User != tc.wantUser || last.Edits != 1 || !strings.HasPrefix(last.Body, github.CommentMarker) {
					t.Errorf("the new comment: %+v, want one by %s, edited once by the second run", last, tc.wantUser)
				}
			}
			if n := len(srv.Comments(7)); n != wantN {
				t.Errorf("%d comments, want %d", n, wantN)
			}
		})
	}
}

// Self names the token's identity: GET /user for a user's token, the bot
// for an installation token; other refusals are errors.
func TestSelf(t *testing.T) {
	fx := fixture()
	fx.TokenLogin = "smsctl-ci"
	srv := githubtest.New(fx)
	defer srv.Close()
	if id, err := client(t, srv, token, nil).Self(context.Background()); err != nil || id != (github.Identity{Login: "smsctl-ci", Type: "User"}) {
		t.Errorf("personal access token: %+v, %v", id, err)
	}
	fx.TokenLogin = ""
	srv2 := githubtest.New(fx)
	defer srv2.Close()
	if id, err := client(t, srv2, token, nil).Self(context.Background()); err != nil || id != (github.Identity{Login: "github-actions[bot]", Type: "Bot"}) {
		t.Errorf("installation token: %+v, %v", id, err)
	}
	if _, err := client(t, srv2, "ghp_wrong", nil).Self(context.Background()); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("a refused token: %v", err)
	}
	if _, err := client(t, srv2, "", nil).Self(context.Background()); err == nil || !strings.Contains(err.Error(), "no token") {
		t.Errorf("no token: %v", err)
	}
	fx.Faults = []githubtest.Fault{{Path: "^/user$", Status: 403, Body: `{"message": "Must have admin rights to Repository."}`}}
	srv3 := githubtest.New(fx)
	defer srv3.Close()
	if _, err := client(t, srv3, token, nil).Self(context.Background()); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("another 403 is no installation token: %v", err)
	}
}
