// Package reconcile brings an SMS repository's records in line with their
// evidence: the records say what was decided; Git, the pull requests and
// the attestations say what happened. Each reconciler is a small named unit
// that reads evidence and proposes Changes (a record, a field, its old and
// new value, and the evidence). Plan runs the reconcilers and holds back
// every change to a record that would give the policies a finding they do
// not give now; Apply writes what is left, editing the CUE syntax in place
// (records.Splice), atomically, and never over a file that changed on disk
// since it was read.
package reconcile

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing/fstest"
	"time"

	"github.com/smsctl/smsctl/internal/atomicfile"
	"github.com/smsctl/smsctl/internal/attest"
	"github.com/smsctl/smsctl/internal/finding"
	"github.com/smsctl/smsctl/internal/gitrepo"
	"github.com/smsctl/smsctl/internal/records"
)

// Change is one edit the evidence calls for.
type Change struct {
	// Reconciler is the name of the reconciler that proposed it.
	Reconciler string `json:"reconciler"`
	// File is the file it edits, relative to the SMS repository's root.
	File string `json:"file"`
	// Record is "kind/ID" for an edit of a record.
	Record string `json:"record,omitempty"`
	// Field is the field path in the record ("actual.end"), empty for a
	// file that is not a record.
	Field string `json:"field,omitempty"`
	// Old and New are the field's value before and after, as JSON; Old is
	// absent when the field is added.
	Old json.RawMessage `json:"old,omitempty"`
	New json.RawMessage `json:"new,omitempty"`
	// Evidence says what the change is derived from.
	Evidence string `json:"evidence"`
	// Edit is the syntax edit of a record file.
	Edit *records.Edit `json:"edit,omitempty"`
	// Content is the whole new content of a file that is not a record.
	Content *string `json:"content,omitempty"`
}

// Report is a problem a reconciler found but does not fix by itself: it
// says what is wrong and how to fix it.
type Report struct {
	Reconciler string `json:"reconciler"`
	File       string `json:"file"`
	Record     string `json:"record,omitempty"`
	Field      string `json:"field,omitempty"`
	Message    string `json:"message"`
	Fix        string `json:"fix"`
}

// HeldBack is a change the policies do not allow: with it, they would find
// what the Findings say.
type HeldBack struct {
	Change   Change   `json:"change"`
	Findings []string `json:"findings"`
}

// Plan is what reconciling would do.
type Plan struct {
	// Reconcilers are the names of those that ran.
	Reconcilers []string `json:"reconcilers"`
	// Changes are the edits --apply writes, by file.
	Changes []Change `json:"changes"`
	// Reports are problems to fix by hand.
	Reports []Report `json:"reports"`
	// HeldBack are edits the evidence calls for but the policies forbid.
	HeldBack []HeldBack `json:"held_back"`
	// Files maps each file the changes edit to the SHA-256 of its content
	// when it was read ("" for a file that did not exist): Apply writes a
	// file only while it still has that content.
	Files map[string]string `json:"files"`
	// Head is the commit checked out when the plan was made ("" outside
	// Git): a saved plan applies only there.
	Head string `json:"head,omitempty"`
}

// ErrPlanRefused is returned when a saved plan is not what reconcile would
// plan now: another HEAD, a file changed since, an edit it would not make
// (or the policies would hold back), or a path outside the repository.
var ErrPlanRefused = errors.New("the saved plan is refused")

// CheckSaved re-checks a saved plan against fresh, the plan made now from
// the same reconcilers: a plan is data, so nothing in it is written unless
// reconcile would write it now. Every path must be local to the
// repository, the plan must be made at the same HEAD, and every change and
// file digest must be one fresh has (fresh has been through the policy
// gate, so an edit it holds back is refused too).
func CheckSaved(saved, fresh *Plan) error {
	refuse := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s; nothing written (make the plan again: smsctl reconcile -o json)", ErrPlanRefused, fmt.Sprintf(format, args...))
	}
	for f := range saved.Files {
		if err := localPath(f); err != nil {
			return refuse("%v", err)
		}
	}
	for _, c := range saved.Changes {
		if err := localPath(c.File); err != nil {
			return refuse("%v", err)
		}
		if _, ok := saved.Files[c.File]; !ok {
			return refuse("the change of %s has no digest of the file it read", c.File)
		}
	}
	if saved.Head != fresh.Head {
		return refuse("it was made at commit %s, HEAD is now %s", orNone(saved.Head), orNone(fresh.Head))
	}
	want := map[string]bool{}
	for _, c := range fresh.Changes {
		want[changeKey(c)] = true
	}
	for _, c := range saved.Changes {
		if !want[changeKey(c)] {
			what := c.File
			if c.Record != "" {
				what = c.Record + " " + c.Field + " (" + c.File + ")"
			}
			return refuse("reconcile would not make its change of %s now", what)
		}
	}
	for f, d := range saved.Files {
		if fd, ok := fresh.Files[f]; !ok || fd != d {
			return refuse("%s has changed since the plan read it", f)
		}
	}
	return nil
}

func changeKey(c Change) string {
	b, _ := json.Marshal(c) // plain data
	return string(b)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s[:min(12, len(s))]
}

// localPath refuses a path that is absolute, not clean, or climbs out of
// the repository; links inside it are refused at write time by Apply,
// which writes through os.Root.
func localPath(p string) error {
	if p == "" || !filepath.IsLocal(filepath.FromSlash(p)) || path.Clean(p) != p || strings.Contains(p, "\\") {
		return fmt.Errorf("%q is not a path inside the repository", p)
	}
	return nil
}

// Input is what the reconcilers read.
type Input struct {
	// Dir is the SMS repository's folder on disk; FS reads it.
	Dir string
	FS  fs.FS
	// Records are the records as read from FS.
	Records *records.Repository
	// Repo is the Git repository that holds Dir (nil: no history).
	Repo *gitrepo.Repo
	// Sub is Dir relative to the top of Repo's work tree ("" at the top).
	Sub string
	// Attestations are the approval evidence of `smsctl attest`, by merge
	// commit.
	Attestations map[string]*attest.Attestation
	// PullRequest, when set, fetches a merged pull request's approvals
	// from the forge, as evidence for a merge no attestation covers; nil
	// (no token) or a nil result means none.
	PullRequest func(ctx context.Context, number int) (*attest.Attestation, error)
	// Judge judges records (the repository with a plan's edits in place)
	// against Records as base, with Records' policies, waivers, settings,
	// people and roles, and returns the loader's and the policies'
	// findings; nil skips the policy check. The CLI passes smsctl's one
	// judge (internal/gate).
	Judge func(ctx context.Context, head *records.Repository) ([]finding.Finding, error)
	// Now is "today" for the policies and the SLA periods.
	Now time.Time
}

// Reconciler is one named unit of reconciliation.
type Reconciler struct {
	Name string `json:"name"`
	// Reads says what evidence it reads.
	Reads string `json:"reads"`
	// Changes says what it may change.
	Changes string `json:"may_change"`
	run     func(ctx context.Context, in *Input) ([]Change, []Report, error)
}

// All lists the reconcilers in the order they run.
func All() []Reconciler {
	return []Reconciler{
		{Name: "changes", Reads: "Git history (pull-request merges on the first-parent line), smsctl attest notes (refs/notes/smsctl) and, with a GitHub token, the reviews of merged pull requests no note covers; the change records at each pull request's base",
			Changes: "changes/*/*.cue: pull_request, merge_commit, approvals (appended), status (forward only: to approved, to implemented), actual.start, actual.end", run: reconcileChanges},
		{Name: "codeowners", Reads: "people (GitHub logins, active), roles (authorities), services, agreements, suppliers, CIs (owners)",
			Changes: ".github/CODEOWNERS: the block between smsctl's markers; the rest of the file is kept", run: reconcileCodeowners},
		{Name: "references", Reads: "every record's references; services and CIs marked retired, people marked inactive; Git history for deleted records",
			Changes: "lists that name a retired or deleted record lose that element (when the list keeps one); other references are reported with their fix", run: reconcileReferences},
		{Name: "sla-summaries", Reads: "incidents and requests (their timestamps), agreements and the calendars of sms.cue: the measurement of smsctl report sla",
			Changes: "agreements/*.cue: measured.\"YYYY-MM\" for each calendar month that ended while the agreement was in force (up to 24 back), added or corrected", run: reconcileSLASummaries},
	}
}

// Lookup finds reconcilers by name; no names means all.
func Lookup(names []string) ([]Reconciler, error) {
	all := All()
	if len(names) == 0 {
		return all, nil
	}
	var out []Reconciler
	for _, n := range names {
		i := slices.IndexFunc(all, func(r Reconciler) bool { return r.Name == n })
		if i < 0 {
			known := make([]string, len(all))
			for j, r := range all {
				known[j] = r.Name
			}
			return nil, fmt.Errorf("no reconciler %q: the reconcilers are %s", n, strings.Join(known, ", "))
		}
		out = append(out, all[i])
	}
	return out, nil
}

// MakePlan runs the reconcilers and checks their record edits with the
// policies.
func MakePlan(ctx context.Context, in *Input, rs []Reconciler) (*Plan, error) {
	p := &Plan{Changes: []Change{}, Reports: []Report{}, HeldBack: []HeldBack{}, Files: map[string]string{}}
	if in.Repo != nil {
		if c, err := in.Repo.Resolve("HEAD"); err == nil {
			p.Head = c.Hash
		}
	}
	for _, r := range rs {
		p.Reconcilers = append(p.Reconcilers, r.Name)
		cs, reps, err := r.run(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("reconciler %s: %w", r.Name, err)
		}
		for i := range cs {
			cs[i].Reconciler = r.Name
		}
		for i := range reps {
			reps[i].Reconciler = r.Name
		}
		p.Changes = append(p.Changes, cs...)
		p.Reports = append(p.Reports, reps...)
	}
	contents := map[string][]byte{}
	for _, c := range p.Changes {
		if _, ok := p.Files[c.File]; ok {
			continue
		}
		data, err := fs.ReadFile(in.FS, c.File)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			p.Files[c.File] = ""
		case err != nil:
			return nil, err
		default:
			p.Files[c.File] = digest(data)
			contents[c.File] = data
		}
	}
	if in.Judge != nil {
		if err := p.gate(ctx, in, contents); err != nil {
			return nil, err
		}
	}
	sortChanges(p.Changes)
	for f := range p.Files {
		if !slices.ContainsFunc(p.Changes, func(c Change) bool { return c.File == f }) {
			delete(p.Files, f)
		}
	}
	return p, nil
}

func sortChanges(cs []Change) {
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].File < cs[j].File })
}

func digest(b []byte) string {
	h := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(h[:])
}

// statusFields are the fields whose edits move a record along its
// lifecycle; they are held back first when the policies object.
var statusFields = []string{"status", "actual.start", "actual.end"}

// gate judges the records with the proposed edits against the records as
// they are, and holds back the edits of every record that gains a finding:
// first its status edits, then all of them.
func (p *Plan) gate(ctx context.Context, in *Input, contents map[string][]byte) error {
	before, err := in.Judge(ctx, in.Records)
	if err != nil {
		return err
	}
	// what is wrong already (the loader's findings and the policies') is
	// no reason to hold an edit back
	base := findingSet(before)
	for round := 0; round < 2; round++ {
		after, err := p.judge(ctx, in, contents)
		if err != nil {
			return err
		}
		gained := map[string][]string{} // record -> new findings
		for _, f := range after {
			if !base[findingKey(f)] && f.Severity == finding.Error {
				gained[f.Record] = append(gained[f.Record], f.Rule+": "+f.Message)
			}
		}
		if len(gained) == 0 {
			return nil
		}
		var keep []Change
		for _, c := range p.Changes {
			fs, hit := gained[c.Record]
			if hit && c.Edit != nil && (round == 1 || slices.Contains(statusFields, c.Field)) {
				p.HeldBack = append(p.HeldBack, HeldBack{Change: c, Findings: fs})
				continue
			}
			keep = append(keep, c)
		}
		p.Changes = keep
	}
	return nil
}

func findingKey(f finding.Finding) string { return f.Rule + "\x00" + f.Record + "\x00" + f.Message }

func findingSet(fs []finding.Finding) map[string]bool {
	out := map[string]bool{}
	for _, f := range fs {
		out[findingKey(f)] = true
	}
	return out
}

// judge loads the records as the plan's edits leave them and returns the
// loader's and the policies' findings, judged against the records as read.
func (p *Plan) judge(ctx context.Context, in *Input, contents map[string][]byte) ([]finding.Finding, error) {
	edited, err := p.edited(contents)
	if err != nil {
		return nil, err
	}
	over := overlay{base: in.FS, files: fstest.MapFS{}}
	for name, data := range edited {
		if strings.HasSuffix(name, ".cue") {
			over.files[name] = &fstest.MapFile{Data: data, Mode: 0o644}
		}
	}
	repo, err := records.Load(over, records.Options{})
	if err != nil {
		return nil, err
	}
	return in.Judge(ctx, repo)
}

// edited applies the plan's changes to the files' contents as read.
func (p *Plan) edited(contents map[string][]byte) (map[string][]byte, error) {
	out := map[string][]byte{}
	byFile := map[string][]records.Edit{}
	var order []string
	for _, c := range p.Changes {
		if c.Content != nil {
			out[c.File] = []byte(*c.Content)
			continue
		}
		if c.Edit == nil {
			continue
		}
		if _, ok := byFile[c.File]; !ok {
			order = append(order, c.File)
		}
		byFile[c.File] = append(byFile[c.File], *c.Edit)
	}
	for _, f := range order {
		data, err := records.Splice(f, contents[f], byFile[f])
		if err != nil {
			return nil, err
		}
		out[f] = data
	}
	return out, nil
}

// overlay is a file system with some files' contents replaced.
type overlay struct {
	base  fs.FS
	files fstest.MapFS
}

func (o overlay) Open(name string) (fs.File, error) {
	if _, ok := o.files[name]; ok {
		return o.files.Open(name)
	}
	return o.base.Open(name)
}

// ErrChangedOnDisk is returned by Apply when a file changed after the plan
// read it.
var ErrChangedOnDisk = errors.New("changed on disk since it was read")

// Apply writes the plan's changes into dir: every file's new content is
// computed first, then each file is checked to still hold what the plan
// read (by its SHA-256) and replaced by a temporary file renamed over it.
// When any file changed on disk, nothing is written. It returns the files
// written, in order.
func Apply(dir string, p *Plan) ([]string, error) {
	for f := range p.Files {
		if err := localPath(f); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrPlanRefused, err)
		}
		if err := noLinkOut(dir, f); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrPlanRefused, err)
		}
	}
	contents := map[string][]byte{}
	for f, want := range p.Files {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f)))
		switch {
		case errors.Is(err, fs.ErrNotExist) && want == "":
			continue
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			return nil, err
		}
		if got := digestOrEmpty(data, err); got != want {
			return nil, fmt.Errorf("%s: %w (the plan read %s, the file now is %s); nothing written, run reconcile again", f, ErrChangedOnDisk, short(want), short(got))
		}
		contents[f] = data
	}
	edited, err := p.edited(contents)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(edited))
	for f := range edited {
		names = append(names, f)
	}
	slices.Sort(names)
	var written []string
	for _, f := range names {
		if bytes.Equal(edited[f], contents[f]) {
			continue
		}
		if err := writeAtomic(dir, f, edited[f], p.Files[f]); err != nil {
			return written, err
		}
		written = append(written, f)
	}
	return written, nil
}

// noLinkOut refuses a file whose folders, or the file itself, are
// symbolic links that resolve outside dir.
func noLinkOut(dir, name string) error {
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return err
	}
	full := filepath.Join(root, filepath.FromSlash(name))
	target, err := filepath.EvalSymlinks(full)
	if errors.Is(err, fs.ErrNotExist) {
		target, err = filepath.EvalSymlinks(filepath.Dir(full))
		if errors.Is(err, fs.ErrNotExist) {
			return nil // Apply creates no folders: the write fails cleanly
		}
	}
	if err != nil {
		return err
	}
	if rel, err := filepath.Rel(root, target); err != nil || !filepath.IsLocal(rel) && rel != "." {
		return fmt.Errorf("%s resolves outside the repository (%s)", name, target)
	}
	return nil
}

func digestOrEmpty(data []byte, err error) string {
	if err != nil {
		return ""
	}
	return digest(data)
}

func short(d string) string {
	if d == "" {
		return "absent"
	}
	return d[:len("sha256:")+12]
}

// writeAtomic writes data to a temporary file next to name and renames it
// over name, checking just before the rename that name still has the
// content whose digest is want.
func writeAtomic(dir, name string, data []byte, want string) error {
	full := filepath.Join(dir, filepath.FromSlash(name))
	return atomicfile.Write(full, data, atomicfile.Options{Sync: true, Check: func() error {
		cur, err := os.ReadFile(full)
		if got := digestOrEmpty(cur, err); got != want {
			return fmt.Errorf("%s: %w (between reading and writing it); not overwritten", name, ErrChangedOnDisk)
		}
		return nil
	}})
}

// jsonValue encodes v for Change.Old and Change.New.
func jsonValue(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}
