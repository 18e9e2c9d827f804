package github

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/smsctl/smsctl/internal/records"
)

func TestFacts(t *testing.T) {
	person := func(id, login string, roles ...string) *records.Record {
		data, _ := json.Marshal(map[string]any{"name": id, "type": "person", "github": login, "roles": roles})
		return &records.Record{Kind: "person", ID: id, Valid: true, Data: data}
	}
	repo := &records.Repository{Records: []*records.Record{
		person("priya-shah", "PShah-Acme", "change-manager", "cab-member"),
		person("liam-walsh", "lwalsh-acme", "engineer"),
		{Kind: "person", ID: "broken", Valid: false},
	}}
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	pr := &PullRequest{
		Number: 7, Author: "lwalsh-acme", LastPusher: "octocat", HeadSHA: "h",
		Files: []File{
			{Path: "sms/changes/2026/CHG-2026-0039.cue", Status: "added"},
			{Path: "sms/changes/2026/CHG-2026-0001.cue", Status: "removed"},
			{Path: "sms/services/web.cue", Status: "modified"},
			{Path: "README.md", Status: "modified"},
			{Path: "sms/changes/2026/notes.txt", Status: "added"},
		},
		Reviews: []Review{
			{Login: "pshah-acme", State: "APPROVED", CommitID: "h", SubmittedAt: at},
			{Login: "octocat", State: "APPROVED", CommitID: "h", SubmittedAt: at},
			{Login: "octocat", State: "COMMENTED", CommitID: "h", SubmittedAt: at},
			{Login: "ghost", State: "DISMISSED", CommitID: "h", SubmittedAt: at, Dismissed: true},
		},
	}
	f, unknown := Facts(pr, repo, "sms")
	if strings.Join(f.Changes, ",") != "CHG-2026-0039" {
		t.Errorf("changes %v, want the added change only (removed ones are not judged)", f.Changes)
	}
	if strings.Join(f.Files, ",") != "changes/2026/CHG-2026-0039.cue,changes/2026/CHG-2026-0001.cue,services/web.cue,changes/2026/notes.txt" {
		t.Errorf("files %v, want the SMS's files relative to its folder", f.Files)
	}
	if f.AuthorPerson != "liam-walsh" || f.LastPusherPerson != "" {
		t.Errorf("author %q, last pusher %q", f.AuthorPerson, f.LastPusherPerson)
	}
	r := f.Reviews[0]
	if r.Person != "priya-shah" || strings.Join(r.Roles, ",") != "change-manager,cab-member" || r.SubmittedAt != "2026-11-20T09:00:00Z" {
		t.Errorf("review mapped case-insensitively to priya-shah, in UTC: %+v", r)
	}
	if f.Reviews[1].Person != "" || f.Reviews[1].Roles == nil {
		t.Errorf("an unknown login gets no person and an empty role list: %+v", f.Reviews[1])
	}
	if strings.Join(unknown, ",") != "ghost,octocat" {
		t.Errorf("unknown logins %v", unknown)
	}
	data, _ := json.Marshal(f.Reviews[1])
	if strings.Contains(string(data), `"person"`) {
		t.Errorf("an unknown reviewer's person must be absent from the input (rules test `not r.person`): %s", data)
	}
	if top, _ := Facts(pr, repo, "."); len(top.Changes) != 0 || len(top.Files) != 5 {
		t.Errorf("at the top: changes %v files %v", top.Changes, top.Files)
	}
}
