// Package scaffold creates SMS repositories: the files of a new, empty SMS
// (CUE module, schema binding, sms.cue, a first role and person, the CI
// workflow), the bundled examples, and the replayed history of an example.
// Files are written atomically and nothing is ever overwritten.
package scaffold

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/smsctl/smsctl/internal/atomicfile"
	"github.com/smsctl/smsctl/schema"
)

// InitOptions describe a new, empty SMS repository.
type InitOptions struct {
	// Module is the CUE module path, e.g. "sms.example/acme".
	Module string
	// Organisation is the organisation that operates the SMS.
	Organisation string
	// OwnerID, OwnerName and OwnerEmail describe the first person: top
	// management, who approves the service management policy.
	OwnerID    string
	OwnerName  string
	OwnerEmail string
	// Today dates the policy's approval; its review falls a year later.
	Today time.Time
	// TimeZone is the IANA zone of the business calendar.
	TimeZone string
	// ActionsRef is the ref of the smsctl repository whose actions the
	// workflow uses (a commit hash, a tag or a branch); "main" when empty.
	// The CLI defaults it to the release or commit smsctl was built from.
	ActionsRef string
}

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// Slug turns a name into an ID: lower case, hyphens for anything else.
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimRight(b.String(), "-")
	if len(out) > 63 {
		out = strings.TrimRight(out[:63], "-")
	}
	if out == "" {
		out = "sms"
	}
	return out
}

// ModuleFile is cue.mod/module.cue for a module path.
func ModuleFile(module string) []byte {
	return fmt.Appendf(nil, "module: %q\nlanguage: version: \"v0.17.0\"\n", module)
}

var emptyTemplates = template.Must(template.New("").Parse(`
{{define "sms.cue"}}package sms

// The service management system: its scope, policy, objectives and the
// calendars and matrices the records use (ISO/IEC 20000-1 4.3, 5.2, 6.2).
sms: {
	organisation: {{printf "%q" .Organisation}}
	scope: {
		statement: {{printf "%q" (printf "The SMS of %s covers the services in its service catalogue." .Organisation)}}
	}
	policy: {
		statement:   "We deliver services that meet agreed requirements and continually improve the SMS."
		approved_by: {{printf "%q" .OwnerID}}
		approved_on: {{printf "%q" (.Today.Format "2006-01-02")}}
		review_by:   {{printf "%q" ((.Today.AddDate 1 0 0).Format "2006-01-02")}}
	}
	calendars: {
		"business-hours": {
			timezone: {{printf "%q" .TimeZone}}
			business_hours: {
				mon: {start: "09:00", end: "17:00"}
				tue: {start: "09:00", end: "17:00"}
				wed: {start: "09:00", end: "17:00"}
				thu: {start: "09:00", end: "17:00"}
				fri: {start: "09:00", end: "17:00"}
			}
		}
		"24x7": timezone: {{printf "%q" .TimeZone}}
	}
	priority_matrix: {
		high: {high: "P1", medium: "P2", low: "P3"}
		medium: {high: "P2", medium: "P3", low: "P4"}
		low: {high: "P3", medium: "P4", low: "P5"}
	}
	intervals: {
		internal_audit:    "12mo"
		management_review: "12mo"
		continuity_test:   "12mo"
		policy_review:     "12mo"
	}
}
{{end}}
{{define "role"}}package sms

roles: "top-management": {
	name:        "Top management"
	description: "Directs the SMS, approves its policy and accepts risk."
	authorities: ["approve-policy", "accept-risk", "approve-waiver", "approve-normal-change", "approve-emergency-change"]
}
{{end}}
{{define "person"}}package sms

people: {{printf "%q" .OwnerID}}: {
	name: {{printf "%q" .OwnerName}}
	type: "person"
	roles: ["top-management"]
{{- if .OwnerEmail}}
	email: {{printf "%q" .OwnerEmail}}
	git_emails: [{{printf "%q" .OwnerEmail}}]
{{- end}}
	active: true
}
{{end}}
`))

// workflowTemplate is .github/workflows/sms.yml. Its delimiters are [[ ]],
// since the workflow's own expressions are ${{ }}.
var workflowTemplate = template.Must(template.New("workflow").Delims("[[", "]]").Parse(`# The SMS gate (smsctl). Every pull request is validated, and its
# approvals judged with the policies and waivers of the base branch; the
# gate runs again when a review is submitted, edited or dismissed, judging
# the pull request's head (an approval of an older commit does not count).
# After a merge to main, the pull request's approval evidence is kept in
# Git notes (refs/notes/smsctl).
#
# The smsctl actions build smsctl from the smsctl repository at the ref
# after "@": smsctl init pins it to the release or commit it was built
# from. Move it only to a commit you reviewed.
name: sms
on:
  pull_request:
  pull_request_review:
    types: [submitted, edited, dismissed]
  push:
    branches: [main]
# Nothing by default; each job asks for what it needs.
permissions: {}
jobs:
  validate:
    if: github.event_name == 'pull_request' || github.event_name == 'pull_request_review'
    runs-on: ubuntu-latest
    timeout-minutes: 15
    # One gate per pull request: a newer push or review supersedes a run
    # still going.
    concurrency:
      group: ${{ github.workflow }}-validate-${{ github.event.pull_request.number }}
      cancel-in-progress: true
    permissions:
      contents: read
      pull-requests: write # the reviews, and the comment with the verdict
      # checks: write      # only with the action's check-run: "true"
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          fetch-depth: 0 # --base reads the base's history
          persist-credentials: false
      - uses: smsctl/smsctl/actions/validate@[[.ActionsRef]]
  attest:
    if: github.event_name == 'push'
    runs-on: ubuntu-latest
    timeout-minutes: 15
    # Pushes to main are attested one after another, never cancelled:
    # each adds to refs/notes/smsctl.
    concurrency:
      group: ${{ github.workflow }}-attest-${{ github.ref }}
      cancel-in-progress: false
    permissions:
      contents: write # push refs/notes/smsctl (smsctl sends the token itself)
      pull-requests: read
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          fetch-depth: 0 # the merge's parent and the history of IDs
          persist-credentials: false
      - uses: smsctl/smsctl/actions/attest@[[.ActionsRef]]
        with:
          # the OpenSSH key that signs the evidence; sms.cue lists its
          # public key in sms.attesters
          attester-key: ${{ secrets.SMSCTL_ATTESTER_KEY }}
`))

// WorkflowPath is where the CI workflow lives in an SMS repository.
const WorkflowPath = ".github/workflows/sms.yml"

// Workflow is the CI workflow that runs the smsctl actions at actionsRef
// ("main" when empty): validate on pull requests and reviews, attest on
// pushes to main.
func Workflow(actionsRef string) ([]byte, error) {
	if actionsRef == "" {
		actionsRef = "main"
	}
	if !actionsRefRE.MatchString(actionsRef) {
		return nil, fmt.Errorf("actions ref %q: give a commit hash, tag or branch name", actionsRef)
	}
	var b bytes.Buffer
	if err := workflowTemplate.Execute(&b, struct{ ActionsRef string }{actionsRef}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// AddWorkflow gives the example the CI workflow at actionsRef, as init
// gives a new repository, unless the example has one of its own. It
// arrives with the history's set-up commit.
func (e *Example) AddWorkflow(actionsRef string) error {
	if _, ok := e.files[WorkflowPath]; ok {
		return nil
	}
	wf, err := Workflow(actionsRef)
	if err != nil {
		return err
	}
	e.files[WorkflowPath] = wf
	return nil
}

// actionsRefRE admits commit hashes, tags and branch names, and nothing
// that could break out of the workflow's YAML.
var actionsRefRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$`)

// EmptyFiles returns the files of a new, valid SMS repository.
func EmptyFiles(o InitOptions) (map[string][]byte, error) {
	if !slugRE.MatchString(o.OwnerID) {
		return nil, fmt.Errorf("owner ID %q: IDs are lower-case letters, digits and hyphens", o.OwnerID)
	}
	if o.TimeZone == "" {
		o.TimeZone = "UTC"
	}
	workflow, err := Workflow(o.ActionsRef)
	if err != nil {
		return nil, err
	}
	if _, err := time.LoadLocation(o.TimeZone); err != nil {
		return nil, fmt.Errorf("time zone %q: %w", o.TimeZone, err)
	}
	files := map[string][]byte{
		"cue.mod/module.cue": ModuleFile(o.Module),
		"schema.cue":         schema.Source,
		WorkflowPath:         workflow,
	}
	for name, tmpl := range map[string]string{
		"sms.cue":                      "sms.cue",
		"roles/top-management.cue":     "role",
		"people/" + o.OwnerID + ".cue": "person",
	} {
		var b bytes.Buffer
		if err := emptyTemplates.ExecuteTemplate(&b, tmpl, o); err != nil {
			return nil, err
		}
		files[name] = b.Bytes()
	}
	return files, nil
}

// CheckTarget refuses a directory that already holds anything but a .git
// folder, so init never mixes with or overwrites existing files.
func CheckTarget(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Name() != ".git" {
			return fmt.Errorf("%s is not empty (it has %s); init writes only into a new or empty directory", dir, e.Name())
		}
	}
	return nil
}

// WriteFiles writes files under dir, each through a temporary file renamed
// into place. It refuses to replace an existing file.
func WriteFiles(dir string, files map[string][]byte) error {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := WriteFileAtomic(filepath.Join(dir, filepath.FromSlash(name)), files[name], false); err != nil {
			return err
		}
	}
	return nil
}

// WriteFileAtomic writes data to a temporary file beside path and renames it
// into place, so a reader never sees half a file. Unless replace is set, an
// existing file is an error.
func WriteFileAtomic(path string, data []byte, replace bool) error {
	return atomicfile.Write(path, data, atomicfile.Options{NoReplace: !replace, Perm: 0o644})
}
