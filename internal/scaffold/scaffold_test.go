package scaffold

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The workflow runs the gate on pull requests and on reviews, with no
// more permissions than each job needs, and pins the actions to the ref.
func TestWorkflow(t *testing.T) {
	const ref = "0123456789abcdef0123456789abcdef01234567"
	data, err := Workflow(ref)
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		On          map[string]map[string][]string `yaml:"on"`
		Permissions map[string]string              `yaml:"permissions"`
		Jobs        map[string]struct {
			If          string            `yaml:"if"`
			Timeout     int               `yaml:"timeout-minutes"`
			Permissions map[string]string `yaml:"permissions"`
			Concurrency struct {
				Group  string `yaml:"group"`
				Cancel bool   `yaml:"cancel-in-progress"`
			} `yaml:"concurrency"`
			Steps []struct {
				Uses string         `yaml:"uses"`
				With map[string]any `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(wf.On["pull_request_review"]["types"], ","); got != "submitted,edited,dismissed" {
		t.Errorf("pull_request_review types %q", got)
	}
	if len(wf.Permissions) != 0 {
		t.Errorf("workflow-level permissions %v, want none", wf.Permissions)
	}
	want := map[string]map[string]string{
		"validate": {"contents": "read", "pull-requests": "write"},
		"attest":   {"contents": "write", "pull-requests": "read"},
	}
	for name, perms := range want {
		job, ok := wf.Jobs[name]
		if !ok {
			t.Fatalf("no job %s", name)
		}
		if len(job.Permissions) != len(perms) {
			t.Errorf("%s: permissions %v, want %v", name, job.Permissions, perms)
		}
		for k, v := range perms {
			if job.Permissions[k] != v {
				t.Errorf("%s: %s: %q, want %q", name, k, job.Permissions[k], v)
			}
		}
		if job.Timeout <= 0 || job.Concurrency.Group == "" {
			t.Errorf("%s: timeout %d, concurrency %q", name, job.Timeout, job.Concurrency.Group)
		}
		if job.Concurrency.Cancel != (name == "validate") {
			t.Errorf("%s: cancel-in-progress %v", name, job.Concurrency.Cancel)
		}
		if len(job.Steps) != 2 || job.Steps[0].With["persist-credentials"] != false ||
			job.Steps[1].Uses != "smsctl/smsctl/actions/"+name+"@"+ref {
			t.Errorf("%s: steps %+v", name, job.Steps)
		}
	}
	if !strings.Contains(wf.Jobs["validate"].If, "pull_request_review") {
		t.Errorf("validate runs if %q", wf.Jobs["validate"].If)
	}
	for _, bad := range []string{"main # evil", "-x", "a b", "x\ny"} {
		if _, err := Workflow(bad); err == nil {
			t.Errorf("Workflow(%q) accepted", bad)
		}
	}
}
