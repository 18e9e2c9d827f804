package records

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"

	"github.com/smsctl/smsctl/internal/finding"
	"github.com/smsctl/smsctl/schema"
)

// MaxFileSize is the largest .cue file the loader reads (1 MiB). A record is
// a few kilobytes; anything bigger is refused rather than parsed.
const MaxFileSize = 1 << 20

// SchemaFile is the repository's copy of the schema that binds records for
// the plain `cue` CLI; smsctl judges with its embedded copy and reports a
// copy that differs.
const SchemaFile = "schema.cue"

// ErrNotSMS is returned when the directory or tree holds no sms.cue.
var ErrNotSMS = errors.New("not an SMS repository: no sms.cue at its root (create one with `smsctl init`)")

// Record is one validated (or partly valid) record.
type Record struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
	// File is the record's path relative to the repository root.
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
	// Data is the record's value as JSON; nil when it is not concrete.
	Data json.RawMessage `json:"data,omitempty"`
	// Valid is false when the record had schema errors.
	Valid bool `json:"valid"`
	// Refs are the IDs the record names, with where it names them.
	Refs []Ref `json:"-"`
}

// Key is "kind/ID", unique in a repository.
func (r *Record) Key() string { return r.Kind + "/" + r.ID }

// Ref is one ID a record names in a field marked @ref.
type Ref struct {
	Path   string
	Target string
	ID     string
	Line   int
	Column int
}

// Repository is what the loader found: the records and every problem.
type Repository struct {
	// Records are ordered by kind (sms first, then DESIGN.md's order) and ID.
	Records []*Record
	// Findings are sorted by file and position.
	Findings []finding.Finding
	// Files is the number of .cue files read.
	Files int
	// FastChecked is the number of records accepted by the fast path,
	// without evaluating them with CUE.
	FastChecked int
	// Evaluated is the number of records evaluated with CUE: those the
	// fast path does not accept, if they are literal data of a bounded
	// size.
	Evaluated int
}

// Lookup returns the record of a kind and ID, or nil.
func (r *Repository) Lookup(kind, id string) *Record {
	for _, rec := range r.Records {
		if rec.Kind == kind && rec.ID == id {
			return rec
		}
	}
	return nil
}

// Options tune the loader.
type Options struct {
	// Workers is the number of records validated at once; 0 means one per CPU.
	Workers int
	// ConcurrentReads lets the workers read files in parallel; set it only
	// for a file system that allows concurrent use (the work tree through
	// os.Root does; a Git tree does not). Otherwise one goroutine reads.
	ConcurrentReads bool
}

type job struct {
	name   string
	target string // what to read: the file, or a link's target
	src    []byte // already read, unless the worker reads it
}

type result struct {
	rec       *Record
	findings  []finding.Finding
	fast      bool
	evaluated bool // CUE evaluated the record
	read      bool // the file was read (counts in Files)
}

// Load reads the SMS repository rooted at fsys: every .cue file outside
// cue.mod and hidden folders. Problems with files and records are findings;
// the error is for a tree that cannot be read at all or is no SMS
// repository.
func Load(fsys fs.FS, opts Options) (*Repository, error) {
	if _, err := fs.Stat(fsys, "sms.cue"); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, ErrNotSMS
		}
		return nil, fmt.Errorf("read sms.cue: %w", err)
	}
	checks, err := schemaChecks()
	if err != nil {
		return nil, err
	}

	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	jobs := make(chan job, 4*workers)
	results := make(chan result, 4*workers)
	var wg sync.WaitGroup
	for range workers {
		v := &validator{refs: checks.refs, fast: checks.fast}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				src := j.src
				if src == nil {
					var msg string
					if src, msg = readLimited(fsys, j.target); msg != "" {
						results <- result{findings: []finding.Finding{{Rule: "file", Severity: finding.Error, File: j.name, Message: msg}}}
						continue
					}
				}
				r := v.check(j.name, src)
				r.read = true
				results <- r
			}
			releaseSchema(v.schema)
		}()
	}

	repo := &Repository{}
	var walkFindings []finding.Finding
	var walkErr error
	go func() {
		walkFindings, walkErr = walk(fsys, func(name, target string) string {
			if opts.ConcurrentReads {
				jobs <- job{name: name, target: target}
				return ""
			}
			src, msg := readLimited(fsys, target)
			if msg == "" {
				jobs <- job{name: name, target: target, src: src}
			}
			return msg
		})
		close(jobs)
		wg.Wait()
		close(results)
	}()
	for r := range results {
		if r.rec != nil {
			repo.Records = append(repo.Records, r.rec)
		}
		if r.fast {
			repo.FastChecked++
		}
		if r.evaluated {
			repo.Evaluated++
		}
		if r.read {
			repo.Files++
		}
		repo.Findings = append(repo.Findings, r.findings...)
	}
	if walkErr != nil {
		return nil, walkErr
	}
	repo.Findings = append(repo.Findings, walkFindings...)
	sortRecords(repo.Records)
	repo.Findings = append(repo.Findings, checkDuplicates(repo.Records)...)
	repo.Findings = append(repo.Findings, checkReferences(repo.Records)...)
	finding.Sort(repo.Findings)
	return repo, nil
}

// walk visits every .cue file that belongs to the SMS, handing fn its name
// and what to read for it (the file, or a link's target inside the tree),
// and returns findings for the files it or fn refuses.
func walk(fsys fs.FS, fn func(name, target string) (refused string)) ([]finding.Finding, error) {
	var out []finding.Finding
	refuse := func(name, msg string) {
		out = append(out, finding.Finding{Rule: "file", Severity: finding.Error, File: name, Message: msg})
	}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			if name == "." {
				return err
			}
			refuse(name, fmt.Sprintf("cannot read: %v", err))
			return nil
		}
		base := path.Base(name)
		if d.IsDir() {
			if name != "." && (base == "cue.mod" || strings.HasPrefix(base, ".") || strings.HasPrefix(base, "_")) {
				return fs.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".cue") || strings.HasPrefix(base, ".") || strings.HasPrefix(base, "_") {
			return nil
		}
		target := name
		if d.Type()&fs.ModeSymlink != 0 {
			link, err := readLink(fsys, name)
			if err != nil {
				refuse(name, fmt.Sprintf("cannot read symbolic link: %v", err))
				return nil
			}
			resolved, ok := resolveLink(name, link)
			if !ok {
				refuse(name, fmt.Sprintf("symbolic link to %q points outside the repository; refused", link))
				return nil
			}
			target = resolved
		} else if !d.Type().IsRegular() {
			refuse(name, "not a regular file; refused")
			return nil
		}
		if msg := fn(name, target); msg != "" {
			refuse(name, msg)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read repository: %w", err)
	}
	return out, nil
}

func readLink(fsys fs.FS, name string) (string, error) {
	if rl, ok := fsys.(fs.ReadLinkFS); ok {
		return rl.ReadLink(name)
	}
	return "", errors.New("this file system cannot read links")
}

// resolveLink resolves a link's target relative to the link's folder and
// reports whether it stays inside the repository.
func resolveLink(name, link string) (string, bool) {
	if path.IsAbs(link) || strings.HasPrefix(link, "/") {
		return "", false
	}
	resolved := path.Join(path.Dir(name), link)
	if resolved == ".." || strings.HasPrefix(resolved, "../") || !fs.ValidPath(resolved) {
		return "", false
	}
	return resolved, true
}

// readLimited reads a record file, or says why it refuses it. The size
// comes first, from Stat (for a Git tree, from the object's header alone),
// so a file over MaxFileSize is refused before anything is read or
// inflated; one that grows past it while it is read is refused too.
func readLimited(fsys fs.FS, name string) ([]byte, string) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Sprintf("cannot read: %v", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Sprintf("cannot read: %v", err)
	}
	if info.Size() > MaxFileSize {
		return nil, fmt.Sprintf("%d bytes, over the %d-byte limit for a record file; refused", info.Size(), MaxFileSize)
	}
	src, err := readAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Sprintf("cannot read: %v", err)
	}
	if len(src) > MaxFileSize {
		return nil, fmt.Sprintf("larger than the %d-byte limit for a record file; refused", MaxFileSize)
	}
	if !utf8.Valid(src) || bytes.IndexByte(src, 0) >= 0 {
		return nil, "not UTF-8 text (binary or wrongly encoded); a .cue file must be UTF-8"
	}
	return src, ""
}

// readBufs holds buffers that most record files fit in whole.
var readBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// readAll reads r into a pooled buffer and returns a copy of exactly what
// it read: one allocation of the right size for a small file, where
// io.ReadAll grows its slice several times.
func readAll(r io.Reader) ([]byte, error) {
	bp := readBufs.Get().(*[]byte)
	defer readBufs.Put(bp)
	buf := *bp
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err == io.EOF {
			return bytes.Clone(buf[:n]), nil
		}
		if err != nil {
			return nil, err
		}
	}
	rest, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return append(bytes.Clone(buf[:n]), rest...), nil
}

// validator checks files one at a time in its own CUE context.
type validator struct {
	schema *compiledSchema
	refs   map[string][]refPath
	// fast holds the compiled fast checks, shared read-only by all workers.
	fast map[string]ftype
}

func (v *validator) errorf(file string, pos ast.Node, rule, format string, args ...any) finding.Finding {
	f := finding.Finding{Rule: rule, Severity: finding.Error, File: file, Message: fmt.Sprintf(format, args...)}
	if pos != nil {
		p := pos.Pos()
		f.Line, f.Column = p.Line(), p.Column()
	}
	return f
}

func (v *validator) check(name string, src []byte) result {
	if name == SchemaFile {
		if !bytes.Equal(src, schema.Source) {
			return result{findings: []finding.Finding{{
				Rule: "schema-copy", Severity: finding.Error, File: name, Line: 1,
				Message: "schema.cue is not the schema this smsctl ships (edited, or from another version), so `cue vet` would judge differently; restore it with `smsctl init --schema-only`",
			}}}
		}
		return result{}
	}
	if rec, ok := v.scanFast(name, src); ok {
		return result{rec: rec, fast: true}
	}
	// Comments are not needed to judge a record; skipping them is faster.
	f, err := parser.ParseFile(name, src)
	if err != nil {
		return result{findings: syntaxFindings(name, err)}
	}
	kind, id, field, fs := v.recordShape(name, f)
	var rec *Record
	var lit literalCheck
	if len(fs) == 0 {
		pos := field.Label.Pos()
		rec = &Record{Kind: kind.Name, ID: id, File: name, Line: pos.Line(), Column: pos.Column(), Valid: true}
		lit = checkLiteral(name, f, rec.Key(), recordDepth(kind))
	} else {
		lit = checkLiteral(name, f, "", 0)
	}
	if len(lit.findings) > 0 {
		// Not data: CUE does not see it. The record, when the file has
		// one, is listed as invalid, so that references to it resolve.
		if rec != nil {
			rec.Valid = false
		}
		return result{rec: rec, findings: append(lit.findings, besides(fs, lit.findings)...)}
	}
	if len(fs) > 0 {
		return result{findings: fs}
	}
	t := v.fast[kind.Def]
	var n *node
	if field.Constraint == token.ILLEGAL {
		n, _ = decode(field.Value, field.Pos())
	}
	if n != nil && t != nil && t.accepts(n, v.fast) {
		var b bytes.Buffer
		n.appendJSON(&b)
		rec.Data = b.Bytes()
		rec.Refs = nodeRefs(n, v.refs[kind.Name])
		return result{rec: rec, fast: true}
	}
	if why := lit.tooLargeForCUE(); why != "" {
		return result{rec: rec, findings: v.tooLarge(name, rec, t, n, why)}
	}
	if v.schema == nil || v.schema.built >= contextRecords {
		cs, err := acquireSchema()
		if err != nil {
			return result{findings: []finding.Finding{{Rule: "internal", Severity: finding.Error, File: name, Message: err.Error()}}}
		}
		v.schema = cs
	}
	v.schema.built++
	file := v.schema.ctx.BuildFile(f)
	if err := file.Err(); err != nil {
		rec.Valid = false
		return result{rec: rec, findings: cueFindings(name, rec, file, err), evaluated: true}
	}
	recPath := cue.MakePath(cue.Str(kind.Field))
	if kind.Name != SMSKind.Name {
		recPath = cue.MakePath(cue.Str(kind.Field), cue.Str(id))
	}
	raw := file.LookupPath(recPath)
	// The record against its kind's definition alone: the ID's form and
	// place were checked above, so the binding's other parts add nothing.
	def := v.schema.def(kind.Def)
	unified := def.Unify(raw)
	var out []finding.Finding
	if err := unified.Validate(cue.Concrete(true)); err != nil {
		rec.Valid = false
		out = cueFindings(name, rec, raw, err)
	}
	if data, err := raw.MarshalJSON(); err == nil {
		rec.Data = data
	}
	rec.Refs = collectRefs(raw, v.refs[kind.Name])
	return result{rec: rec, findings: out, evaluated: true}
}

// recordShape checks that a file holds exactly one record, of a known kind,
// whose ID agrees with the file's path.
func (v *validator) recordShape(name string, f *ast.File) (Kind, string, *ast.Field, []finding.Finding) {
	fail := func(n ast.Node, format string, args ...any) (Kind, string, *ast.Field, []finding.Finding) {
		return Kind{}, "", nil, []finding.Finding{v.errorf(name, n, "layout", format, args...)}
	}
	if f.PackageName() != "sms" {
		return fail(f, "a record file must start with `package sms`")
	}
	var fields []*ast.Field
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.Package, *ast.CommentGroup, *ast.Attribute:
		case *ast.Field:
			fields = append(fields, d)
		case *ast.ImportDecl:
			return fail(d, "a record file may not import packages; records are plain data")
		default:
			return fail(d, "a record file holds one record and nothing else; found a declaration that is not a field")
		}
	}
	if len(fields) == 0 {
		return fail(f, "no record in file: expected `<kind>: \"<ID>\": {...}`")
	}
	if len(fields) > 1 {
		return fail(fields[1], "two records in one file: each record has a file of its own")
	}
	top := fields[0]
	field, _, err := ast.LabelName(top.Label)
	if err != nil {
		return fail(top, "the record's kind must be a plain field name")
	}
	if name == "sms.cue" || field == SMSKind.Field {
		if field != SMSKind.Field {
			return fail(top, "sms.cue must hold the field `sms`, found %q", field)
		}
		if name != "sms.cue" {
			return fail(top, "the SMS record belongs in sms.cue at the repository root, not in %s", name)
		}
		if top.Constraint != token.ILLEGAL {
			return fail(top, "the SMS record must be a regular field")
		}
		return SMSKind, "sms", top, nil
	}
	kind, ok := kindByField(field)
	if !ok {
		if k, ok := LookupKind(field); ok {
			return fail(top, "unknown kind %q: did you mean %q?", field, k.Field)
		}
		return fail(top, "unknown kind %q; the kinds are sms, %s", field, strings.Join(fieldNames(), ", "))
	}
	if top.Constraint != token.ILLEGAL {
		return fail(top, "the record must be a regular field, not optional or required")
	}
	st, ok := top.Value.(*ast.StructLit)
	if !ok {
		return fail(top.Value, "expected `%s: \"<ID>\": {...}`", field)
	}
	var inner []*ast.Field
	for _, e := range st.Elts {
		switch e := e.(type) {
		case *ast.Field:
			inner = append(inner, e)
		case *ast.CommentGroup:
		default:
			return fail(e, "expected `%s: \"<ID>\": {...}`", field)
		}
	}
	if len(inner) == 0 {
		return fail(top, "no record ID under %s: expected `%s: \"<ID>\": {...}`", field, field)
	}
	if len(inner) > 1 {
		return fail(inner[1], "two records in one file: each record has a file of its own")
	}
	id, _, err := ast.LabelName(inner[0].Label)
	if err != nil {
		return fail(inner[0], "the record ID must be a plain string label")
	}
	if !kind.ValidID(id) {
		return fail(inner[0].Label, "invalid %s ID %q: IDs take the form %s", kind.Name, id, kind.IDForm())
	}
	if want := kind.PathFor(id); want != name {
		return fail(inner[0].Label, "%s %s is in the wrong place: it belongs in %s", kind.Name, id, want)
	}
	return kind, id, inner[0], nil
}

func fieldNames() []string {
	out := make([]string, len(Kinds))
	for i, k := range Kinds {
		out[i] = k.Field
	}
	return out
}

func sortRecords(recs []*Record) {
	order := map[string]int{SMSKind.Name: -1}
	for i, k := range Kinds {
		order[k.Name] = i
	}
	sort.SliceStable(recs, func(i, j int) bool {
		if a, b := order[recs[i].Kind], order[recs[j].Kind]; a != b {
			return a < b
		}
		if recs[i].ID != recs[j].ID {
			return recs[i].ID < recs[j].ID
		}
		return recs[i].File < recs[j].File
	})
}

func checkDuplicates(recs []*Record) []finding.Finding {
	var out []finding.Finding
	for i := 1; i < len(recs); i++ {
		a, b := recs[i-1], recs[i]
		if a.Kind == b.Kind && a.ID == b.ID {
			out = append(out, finding.Finding{
				Rule: "duplicate", Severity: finding.Error, File: b.File, Line: b.Line, Column: b.Column,
				Record: b.Key(), Message: fmt.Sprintf("duplicate %s ID %s: also defined in %s:%d", b.Kind, b.ID, a.File, a.Line),
			})
		}
	}
	return out
}

// NextID returns the next free ID of a numbered kind: one more than the
// highest number in use (in that year, for yearly kinds), among the
// records and the IDs in taken (those other branches hold, or the history
// once held: an ID is never handed out twice).
func NextID(repo *Repository, k Kind, year int, taken ...string) string {
	highest := 0
	consider := func(id string) {
		if y, n, ok := k.Sequence(id); ok && (!k.Yearly || y == year) && n > highest {
			highest = n
		}
	}
	for _, r := range repo.Records {
		if r.Kind == k.Name {
			consider(r.ID)
		}
	}
	for _, id := range taken {
		consider(id)
	}
	return k.FormatID(year, highest+1)
}

// FirstID returns the first ID, in order, of the records a reference kind
// names ("person", "service", …, or "calendar", "customer",
// "standard_change" from sms.cue), or "" when there is none.
func FirstID(repo *Repository, target string) string {
	if field, ok := smsKeyTargets[target]; ok {
		sms := repo.Lookup(SMSKind.Name, "sms")
		if sms == nil {
			return ""
		}
		var m map[string]json.RawMessage
		var keyed map[string]json.RawMessage
		if json.Unmarshal(sms.Data, &m) != nil || json.Unmarshal(m[field], &keyed) != nil {
			return ""
		}
		keys := make([]string, 0, len(keyed))
		for k := range keyed {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if len(keys) == 0 {
			return ""
		}
		return keys[0]
	}
	for _, r := range repo.Records {
		if r.Kind == target || (target == "any" && r.Kind != SMSKind.Name) {
			return r.ID
		}
	}
	return ""
}

// scanFast accepts a record without CUE's parser or evaluator when the
// literal scanner reads it, it is where its kind and ID say, and the fast
// checks accept it. Anything else returns false, and the full path decides.
func (v *validator) scanFast(name string, src []byte) (*Record, bool) {
	sc, ok := scanRecord(name, src)
	if !ok {
		return nil, false
	}
	kind := SMSKind
	if sc.field != SMSKind.Field {
		if kind, ok = kindByField(sc.field); !ok || !kind.ValidID(sc.id) {
			return nil, false
		}
	} else {
		sc.id = "sms"
	}
	if kind.PathFor(sc.id) != name {
		return nil, false
	}
	t := v.fast[kind.Def]
	if t == nil || !t.accepts(sc.body, v.fast) {
		return nil, false
	}
	var b bytes.Buffer
	sc.body.appendJSON(&b)
	return &Record{
		Kind: kind.Name, ID: sc.id, File: name, Line: sc.line, Column: sc.column, Valid: true,
		Data: b.Bytes(), Refs: nodeRefs(sc.body, v.refs[kind.Name]),
	}, true
}
