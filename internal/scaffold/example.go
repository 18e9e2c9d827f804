package scaffold

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"testing/fstest"
	"time"

	"github.com/smsctl/smsctl/examples"
	"github.com/smsctl/smsctl/internal/gitrepo"
	"github.com/smsctl/smsctl/internal/records"
)

// Example is a bundled example SMS.
type Example struct {
	Name  string
	files map[string][]byte
}

// ExampleNames lists the bundled examples.
func ExampleNames() []string {
	entries, _ := fs.ReadDir(examples.FS, ".")
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	return names
}

// LookupExample loads a bundled example's files.
func LookupExample(name string) (*Example, error) {
	if !slices.Contains(ExampleNames(), name) {
		return nil, fmt.Errorf("no example %q; the examples are %s", name, strings.Join(ExampleNames(), ", "))
	}
	sub, err := fs.Sub(examples.FS, name)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(sub, p)
		files[p] = data
		return err
	})
	if err != nil {
		return nil, err
	}
	return &Example{Name: name, files: files}, nil
}

// FileCount is the number of files in the example.
func (e *Example) FileCount() int { return len(e.files) }

// CreateExample writes the example into dir as a Git repository whose
// history replays the year its records describe, and checks out main. It
// returns the number of commits.
func CreateExample(dir string, ex *Example) (int, error) {
	plan, err := PlanHistory(ex.files)
	if err != nil {
		return 0, err
	}
	w, err := gitrepo.NewHistoryWriter(dir)
	if err != nil {
		return 0, err
	}
	if err := w.SetRemote("https://github.com/" + ex.Name + "/sms.git"); err != nil {
		return 0, err
	}
	n, err := plan.Write(w)
	if err != nil {
		return 0, err
	}
	repo, err := gitrepo.Open(dir)
	if err != nil {
		return 0, err
	}
	if err := plan.WriteAttestations(repo, ex.Name+"/sms"); err != nil {
		return 0, err
	}
	if err := w.Checkout("main"); err != nil {
		return 0, fmt.Errorf("check out main: %w", err)
	}
	return n, nil
}

// person is who a record names, for authors and committers.
type person struct {
	name, email string
}

// step is one pull request (or, for the first, a direct commit) of the
// replayed history.
type step struct {
	when    time.Time
	author  string // person ID
	merger  string // person ID
	branch  string
	title   string
	squash  bool
	direct  bool
	changes map[string][]byte // path -> content at this step
	// body is the merge commit's description.
	body string
}

// History is the replay of an example's year: a sequence of pull requests.
type History struct {
	org    string
	people map[string]person
	steps  []step
	final  map[string][]byte
	// records are the example's records by path, as they finally stand.
	records map[string]*records.Record
	// merged are the pull requests Write merged, in order.
	merged []mergedPR
}

// mergedPR is a pull request as Write merged it.
type mergedPR struct {
	number       int
	step         *step
	head, merge  string
	authored, at time.Time
}

// PlanHistory derives a plausible history from an example's records: the
// set-up commit with the catalogue, then every dated record in date order, each
// brought in by a pull request authored by the person the record names.
func PlanHistory(files map[string][]byte) (*History, error) {
	repo, err := records.Load(mapFS(files), records.Options{})
	if err != nil {
		return nil, err
	}
	for _, f := range repo.Findings {
		if f.Severity == "error" {
			return nil, fmt.Errorf("example does not validate: %s: %s", f.Location(), f.Message)
		}
	}
	h := &History{people: map[string]person{}, final: files, records: map[string]*records.Record{}}
	var sms struct {
		Organisation string `json:"organisation"`
		Policy       struct {
			ApprovedBy string `json:"approved_by"`
			ApprovedOn string `json:"approved_on"`
		} `json:"policy"`
	}
	byPath := map[string]*records.Record{}
	for _, r := range repo.Records {
		byPath[r.File] = r
		h.records[r.File] = r
		switch r.Kind {
		case "sms":
			_ = json.Unmarshal(r.Data, &sms)
		case "person":
			var p struct {
				Name      string   `json:"name"`
				Type      string   `json:"type"`
				GitEmails []string `json:"git_emails"`
				Email     string   `json:"email"`
			}
			_ = json.Unmarshal(r.Data, &p)
			email := p.Email
			if len(p.GitEmails) > 0 {
				email = p.GitEmails[0]
			}
			if p.Type == "person" && email != "" {
				h.people[r.ID] = person{name: p.Name, email: email}
			}
		}
	}
	h.org = Slug(sms.Organisation)
	manager := sms.Policy.ApprovedBy
	roleHolder := func(role string) string {
		for _, r := range repo.Records {
			if r.Kind != "person" {
				continue
			}
			var p struct {
				Roles []string `json:"roles"`
			}
			_ = json.Unmarshal(r.Data, &p)
			if _, ok := h.people[r.ID]; ok && slices.Contains(p.Roles, role) {
				return r.ID
			}
		}
		return manager
	}
	smsManager := roleHolder("sms-manager")
	changeManager := roleHolder("change-manager")

	// Every file not tied to a date arrives with the set-up commit: the
	// catalogue too, since sms.cue names services.
	var dated []datedRecord
	setup := map[string][]byte{}
	var start time.Time
	for p, data := range files {
		r := byPath[p]
		if r == nil || slices.Contains([]string{"sms", "role", "person", "service", "supplier", "ci", "agreement"}, r.Kind) {
			setup[p] = data
			continue
		}
		d, err := recordDates(r)
		if err != nil {
			return nil, err
		}
		dated = append(dated, d)
		if start.IsZero() || d.first.Before(start) {
			start = d.first
		}
	}
	if start.IsZero() {
		start = time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	}
	day := time.Date(start.Year(), start.Month(), start.Day(), 9, 0, 0, 0, time.UTC)
	h.steps = append(h.steps, step{
		when: day.AddDate(0, 0, -14), author: smsManager, merger: smsManager, direct: true,
		title: "Set up the SMS: scope, policy, roles, people and the service catalogue", changes: setup,
	})

	// A record enters no earlier than the records it names, so every commit
	// of the history validates; records that name each other (a problem and
	// its incidents) end up with the same time and enter together.
	at := map[string]int{}
	for i, d := range dated {
		at[d.rec.Key()] = i
	}
	for changed, rounds := true, 0; changed && rounds <= len(dated); rounds++ {
		changed = false
		for i := range dated {
			for _, ref := range dated[i].rec.Refs {
				j, ok := at[ref.Target+"/"+ref.ID]
				if ok && dated[j].first.After(dated[i].first) {
					dated[i].first = dated[j].first
					if dated[i].done.Before(dated[i].first) {
						dated[i].done = dated[i].first
					}
					changed = true
				}
			}
		}
	}
	sort.SliceStable(dated, func(i, j int) bool {
		if !dated[i].first.Equal(dated[j].first) {
			return dated[i].first.Before(dated[j].first)
		}
		return dated[i].rec.File < dated[j].rec.File
	})
	for i, d := range dated {
		r := d.rec
		author := d.author
		if _, ok := h.people[author]; !ok {
			author = smsManager
		}
		if r.Kind == "change" && d.done.After(d.first) {
			// Raised on a branch and merged once reviewed; the outcome
			// follows in a second pull request.
			raised, err := records.EditFields(r.File, files[r.File], []string{"approvals", "actual", "pir"}, map[string]string{"status": "submitted"})
			if err != nil {
				return nil, err
			}
			h.steps = append(h.steps, step{
				when: d.first, author: author, merger: changeManager, branch: "change/" + r.ID,
				title: fmt.Sprintf("Raise %s: %s", r.ID, d.title), changes: map[string][]byte{r.File: raised},
				body: d.title,
			})
			implementer := d.implementer
			if _, ok := h.people[implementer]; !ok {
				implementer = author
			}
			h.steps = append(h.steps, step{
				when: d.done, author: implementer, merger: changeManager, branch: "change/" + r.ID + "-outcome",
				title: fmt.Sprintf("Record the outcome of %s", r.ID), changes: map[string][]byte{r.File: files[r.File]},
				squash: true,
			})
			continue
		}
		h.steps = append(h.steps, step{
			when: d.first, author: author, merger: smsManager, branch: strings.ToLower(r.Kind + "/" + r.ID),
			title: fmt.Sprintf("Record %s: %s", r.ID, d.title), changes: map[string][]byte{r.File: files[r.File]},
			squash: i%3 != 0, body: d.title,
		})
	}
	sort.SliceStable(h.steps, func(i, j int) bool { return h.steps[i].when.Before(h.steps[j].when) })
	merged := h.steps[:0]
	for _, st := range h.steps {
		if n := len(merged); n > 0 && !st.direct && !merged[n-1].direct && merged[n-1].when.Equal(st.when) {
			last := &merged[n-1]
			for p, data := range st.changes {
				last.changes[p] = data
			}
			last.body = strings.TrimSpace(last.body + "\n" + st.title)
			continue
		}
		merged = append(merged, st)
	}
	h.steps = merged
	return h, nil
}

// datedRecord is a record with the times that place it in the history.
type datedRecord struct {
	rec         *records.Record
	first       time.Time // when it was first recorded
	done        time.Time // when its outcome was recorded (changes)
	author      string
	implementer string
	title       string
}

// recordDates reads when a record was first written, and by whom, from the
// fields its kind has.
func recordDates(r *records.Record) (datedRecord, error) {
	var m map[string]any
	if err := json.Unmarshal(r.Data, &m); err != nil {
		return datedRecord{}, fmt.Errorf("%s: %w", r.File, err)
	}
	str := func(path ...string) string {
		var v any = m
		for _, p := range path {
			mm, ok := v.(map[string]any)
			if !ok {
				return ""
			}
			v = mm[p]
		}
		s, _ := v.(string)
		return s
	}
	d := datedRecord{rec: r, title: str("title")}
	first := map[string][]string{
		"change": {"raised"}, "incident": {"opened"}, "request": {"opened"}, "problem": {"opened"},
		"release": {"deployed_at", "planned_date"}, "risk": {"reviewed_on"}, "continuity": {"approved_on"},
		"audit": {"conducted", "planned"}, "review": {"date"}, "nonconformity": {"raised"},
		"improvement": {"raised"}, "waiver": {"approved_on"},
	}[r.Kind]
	for _, f := range first {
		if t, ok := parseWhen(str(f)); ok {
			d.first = t
			break
		}
	}
	if d.first.IsZero() {
		return d, fmt.Errorf("%s: no date to place it in the history", r.File)
	}
	for _, f := range []string{"requester", "assignee", "owner", "auditor", "chair", "approved_by", "deployed_by"} {
		if s := str(f); s != "" {
			d.author = s
			break
		}
	}
	d.implementer = str("implementer")
	if r.Kind == "incident" || r.Kind == "request" {
		// A ticket is recorded in Git once it is resolved, or as it stands.
		for _, f := range []string{"closed", "resolved", "fulfilled"} {
			if t, ok := parseWhen(str(f)); ok {
				d.first = t
				break
			}
		}
	}
	if r.Kind == "change" {
		d.done = d.first
		for _, t := range []string{str("actual", "end"), str("pir", "date")} {
			if w, ok := parseWhen(t); ok && w.After(d.done) {
				d.done = w
			}
		}
		if approvals, ok := m["approvals"].([]any); ok {
			for _, a := range approvals {
				if am, ok := a.(map[string]any); ok {
					if s, _ := am["at"].(string); s != "" {
						if w, ok := parseWhen(s); ok && w.After(d.done) {
							d.done = w
						}
					}
				}
			}
		}
		if d.done.After(d.first) {
			d.done = d.done.Add(2 * time.Hour)
		}
	}
	return d, nil
}

func parseWhen(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.Add(10 * time.Hour), true
	}
	return time.Time{}, false
}

// Write replays the history into w and points main at its last commit.
func (h *History) Write(w *gitrepo.HistoryWriter) (int, error) {
	tree := map[string][]byte{}
	main := ""
	commits := 0
	sig := func(id string, when time.Time) gitrepo.Signature {
		p := h.people[id]
		return gitrepo.Signature{Name: p.name, Email: p.email, When: when}
	}
	parents := func() []string {
		if main == "" {
			return nil
		}
		return []string{main}
	}
	pr := 0
	h.merged = h.merged[:0]
	for i := range h.steps {
		s := &h.steps[i]
		next := maps(tree)
		for p, data := range s.changes {
			next[p] = data
		}
		if s.direct {
			c, err := w.Commit(next, parents(), sig(s.author, s.when), sig(s.author, s.when), s.title+"\n")
			if err != nil {
				return commits, err
			}
			main, tree, commits = c, next, commits+1
			continue
		}
		pr++
		authored := s.when
		merged := s.when.Add(90 * time.Minute)
		// The pull request's head: the author's commit on the branch. A
		// squash merge leaves it off the main line, as GitHub does.
		tip, err := w.Commit(next, parents(), sig(s.author, authored), sig(s.author, authored), s.title+"\n")
		if err != nil {
			return commits, err
		}
		if s.squash {
			msg := fmt.Sprintf("%s (#%d)\n", s.title, pr)
			if s.body != "" && s.body != s.title {
				msg += "\n" + s.body + "\n"
			}
			c, err := w.Commit(next, parents(), sig(s.author, authored), sig(s.merger, merged), msg)
			if err != nil {
				return commits, err
			}
			h.merged = append(h.merged, mergedPR{number: pr, step: s, head: tip, merge: c, authored: authored, at: merged})
			main, tree, commits = c, next, commits+1
			continue
		}
		msg := fmt.Sprintf("Merge pull request #%d from %s/%s\n\n%s\n", pr, h.org, s.branch, s.title)
		c, err := w.Commit(next, append(parents(), tip), sig(s.merger, merged), sig(s.merger, merged), msg)
		if err != nil {
			return commits, err
		}
		h.merged = append(h.merged, mergedPR{number: pr, step: s, head: tip, merge: c, authored: authored, at: merged})
		main, tree, commits = c, next, commits+2
	}
	if err := w.SetBranch("main", main); err != nil {
		return commits, err
	}
	return commits, nil
}

func maps(m map[string][]byte) map[string][]byte {
	out := make(map[string][]byte, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func mapFS(files map[string][]byte) fs.FS {
	m := fstest.MapFS{}
	for p, data := range files {
		m[p] = &fstest.MapFile{Data: data, Mode: 0o644}
	}
	return m
}
