package auditctl

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/smsctl/smsctl/internal/attest"
	"github.com/smsctl/smsctl/internal/audit"
	"github.com/smsctl/smsctl/internal/gitrepo"
	"github.com/smsctl/smsctl/internal/records"
)

// SampleKinds are the kinds audit sample draws from, with the field that
// dates each record for --since and --until.
var SampleKinds = map[string]string{"change": "raised", "incident": "opened", "request": "opened"}

// SampleAlgorithm describes how Sample draws, for --help, the README and
// the output.
const SampleAlgorithm = `For every record of the kind whose date (a change's raised, an incident's
or request's opened) is in the period, the key SHA-256(seed || 0x00 || ID)
is computed (seed and ID as UTF-8 bytes, the key as 64 lowercase hex
characters). Records are grouped by the value of the --stratify field
("" when absent; a list counts by its first element), each group is sorted
by key (then ID), and the first N of each group are taken. The same seed,
period and records give the same sample on any machine and Go version.`

// SampleOptions select the population and the draw.
type SampleOptions struct {
	Kind         string
	Size         int
	Seed         string
	Since, Until time.Time
	// Stratify is a top-level field of the kind (priority, type, risk,
	// service, ...); "" draws from one stratum.
	Stratify string
}

// Sampled is one drawn record.
type Sampled struct {
	Kind    string `json:"kind"`
	ID      string `json:"id"`
	File    string `json:"file"`
	Stratum string `json:"stratum"`
	Key     string `json:"key"`
	Title   string `json:"title"`
	Status  string `json:"status"`
	Date    string `json:"date"`
	Trail   Trail  `json:"trail"`
}

// Trail summarises a record's audit trail.
type Trail struct {
	Commits      int       `json:"commits"`
	First        time.Time `json:"first,omitzero"`
	Last         time.Time `json:"last,omitzero"`
	PullRequests []int     `json:"pull_requests"`
	// Direct counts commits that changed the record without a pull
	// request.
	Direct int `json:"direct"`
	// Approvals are the approvals that counted in the attested pull
	// requests that changed the record.
	Approvals []string `json:"approvals"`
	// Fields are the record's fields changed over its trail.
	Fields []string `json:"fields"`
}

// SampleReport is the outcome of Sample.
type SampleReport struct {
	Kind       string    `json:"kind"`
	Seed       string    `json:"seed"`
	Size       int       `json:"size"`
	Stratify   string    `json:"stratify,omitempty"`
	Since      time.Time `json:"since,omitzero"`
	Until      time.Time `json:"until,omitzero"`
	Algorithm  string    `json:"algorithm"`
	Population int       `json:"population"`
	// Strata are the population per stratum.
	Strata  map[string]int `json:"strata"`
	Records []Sampled      `json:"records"`
}

// SampleKey is the ranking key of a record: hex SHA-256(seed 0x00 id).
func SampleKey(seed, id string) string {
	sum := sha256.Sum256([]byte(seed + "\x00" + id))
	return hex.EncodeToString(sum[:])
}

// Sample draws the sample from repo's records.
func Sample(repo *records.Repository, opts SampleOptions) (*SampleReport, error) {
	dateField, ok := SampleKinds[opts.Kind]
	if !ok {
		return nil, fmt.Errorf("--kind %q: give change, incident or request", opts.Kind)
	}
	if opts.Size <= 0 {
		return nil, fmt.Errorf("--size %d: give 1 or more", opts.Size)
	}
	rep := &SampleReport{Kind: opts.Kind, Seed: opts.Seed, Size: opts.Size, Stratify: opts.Stratify, Since: opts.Since, Until: opts.Until,
		Algorithm: strings.Join(strings.Fields(SampleAlgorithm), " "), Strata: map[string]int{}, Records: []Sampled{}}
	strata := map[string][]Sampled{}
	stratifiable := opts.Stratify == ""
	for _, r := range repo.Records {
		if r.Kind != opts.Kind || !r.Valid || r.Data == nil {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(r.Data, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", r.File, err)
		}
		date, _ := m[dateField].(string)
		when, ok := parseDate(date)
		if !ok {
			continue
		}
		if (!opts.Since.IsZero() && when.Before(opts.Since)) || (!opts.Until.IsZero() && when.After(opts.Until)) {
			continue
		}
		stratum := ""
		if opts.Stratify != "" {
			if _, ok := m[opts.Stratify]; ok {
				stratifiable = true
			}
			stratum = fieldString(m[opts.Stratify])
		}
		title, _ := m["title"].(string)
		status, _ := m["status"].(string)
		s := Sampled{Kind: r.Kind, ID: r.ID, File: r.File, Stratum: stratum, Key: SampleKey(opts.Seed, r.ID), Title: title, Status: status, Date: date}
		strata[stratum] = append(strata[stratum], s)
		rep.Population++
	}
	if !stratifiable {
		return nil, fmt.Errorf("--stratify %q: no %s in the period has that field", opts.Stratify, opts.Kind)
	}
	names := make([]string, 0, len(strata))
	for name, recs := range strata {
		names = append(names, name)
		rep.Strata[name] = len(recs)
		sort.Slice(recs, func(i, j int) bool {
			if recs[i].Key != recs[j].Key {
				return recs[i].Key < recs[j].Key
			}
			return recs[i].ID < recs[j].ID
		})
	}
	sort.Strings(names)
	for _, name := range names {
		recs := strata[name]
		if len(recs) > opts.Size {
			recs = recs[:opts.Size]
		}
		rep.Records = append(rep.Records, recs...)
	}
	return rep, nil
}

// fieldString is a stratum's name: a string or number as it is, a list by
// its first element.
func fieldString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []any:
		if len(x) == 0 {
			return ""
		}
		return fieldString(x[0])
	case bool, float64:
		return fmt.Sprint(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func parseDate(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// Summarise builds a trail summary from a record's trail entries (newest
// first) and the approval evidence by commit.
func Summarise(entries []audit.Entry, notes map[string]*attest.Attestation) Trail {
	t := Trail{PullRequests: []int{}, Approvals: []string{}, Fields: []string{}}
	prs := map[int]bool{}
	fields := map[string]bool{}
	approvals := map[string]bool{}
	for _, e := range entries {
		t.Commits++
		if t.Last.IsZero() || e.CommitTime.After(t.Last) {
			t.Last = e.CommitTime
		}
		if t.First.IsZero() || e.CommitTime.Before(t.First) {
			t.First = e.CommitTime
		}
		if e.PR == nil {
			t.Direct++
		} else if !prs[*e.PR] {
			prs[*e.PR] = true
			t.PullRequests = append(t.PullRequests, *e.PR)
		}
		for _, fc := range e.Changes {
			top, _, _ := strings.Cut(fc.Path, ".")
			top, _, _ = strings.Cut(top, "[")
			fields[top] = true
		}
		if a := notes[e.Commit]; a != nil {
			for _, r := range a.Approvals() {
				s := fmt.Sprintf("#%d %s", a.PullRequest.Number, r.Login)
				if r.Person != "" {
					s = fmt.Sprintf("#%d %s (%s)", a.PullRequest.Number, r.Person, r.Login)
				}
				s += " at " + r.SubmittedAt.UTC().Format(time.RFC3339)
				if !approvals[s] {
					approvals[s] = true
					t.Approvals = append(t.Approvals, s)
				}
			}
		}
	}
	sort.Ints(t.PullRequests)
	sort.Strings(t.Approvals)
	for f := range fields {
		t.Fields = append(t.Fields, f)
	}
	sort.Strings(t.Fields)
	return t
}

// Trails walks the history of rev once and returns the audit trail
// entries of every record of the given kinds, by ID.
func Trails(repo *gitrepo.Repo, sub, rev string, kinds ...string) (map[string][]audit.Entry, error) {
	byID := map[string][]audit.Entry{}
	err := audit.Each(repo, audit.Options{Rev: rev, Sub: sub, Cache: true}, func(e audit.Entry) error {
		if slices.Contains(kinds, e.Kind) {
			byID[e.ID] = append(byID[e.ID], e)
		}
		return nil
	})
	return byID, err
}

// AddTrails gives each sampled record the summary of its trail.
func (rep *SampleReport) AddTrails(byID map[string][]audit.Entry, notes map[string]*attest.Attestation) {
	for i := range rep.Records {
		rep.Records[i].Trail = Summarise(byID[rep.Records[i].ID], notes)
	}
}
