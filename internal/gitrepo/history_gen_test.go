package gitrepo

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// This file holds the helpers of history_test.go: a git runner with fixed
// identities and dates, a parser of `git log --raw -z`, a comparison of
// History with it, and a generator of random histories written with
// `git fast-import`.

// gitEnv is the environment every git command of these tests runs in.
func gitEnv(home string) []string {
	env := []string{}
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "GIT_") || strings.HasPrefix(kv, "HOME=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"GIT_AUTHOR_NAME=Ada Author", "GIT_AUTHOR_EMAIL=ada@example.com",
		"GIT_COMMITTER_NAME=Cy Committer", "GIT_COMMITTER_EMAIL=cy@example.com",
		"GIT_CONFIG_NOSYSTEM=1", "HOME="+home, "TZ=UTC", "LC_ALL=C")
}

// repoBuilder runs git in one repository with a clock that moves one minute
// per commit unless told otherwise.
type repoBuilder struct {
	t     testing.TB
	dir   string
	clock int64
}

func newRepoBuilder(t testing.TB) *repoBuilder {
	t.Helper()
	needGit(t)
	b := &repoBuilder{t: t, dir: t.TempDir(), clock: 1_700_000_000}
	b.git("init", "-q", "-b", "main")
	b.git("config", "core.autocrlf", "false")
	b.git("config", "gc.auto", "0")
	return b
}

func needGit(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
}

func (b *repoBuilder) gitIn(stdin []byte, extraEnv []string, args ...string) string {
	b.t.Helper()
	cmd := exec.Command("git", append([]string{"-C", b.dir}, args...)...)
	cmd.Env = append(gitEnv(b.dir), extraEnv...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		b.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

func (b *repoBuilder) git(args ...string) string {
	b.t.Helper()
	return b.gitIn(nil, nil, args...)
}

// commit commits what is staged (or nothing, with --allow-empty) at the next
// minute and returns the new HEAD.
func (b *repoBuilder) commit(msg string, args ...string) string {
	b.t.Helper()
	b.clock += 60
	date := fmt.Sprintf("GIT_AUTHOR_DATE=@%d +0200", b.clock-30)
	cdate := fmt.Sprintf("GIT_COMMITTER_DATE=@%d +0000", b.clock)
	b.gitIn(nil, []string{date, cdate}, append([]string{"commit", "-q", "--allow-empty", "-m", msg}, args...)...)
	return strings.TrimSpace(b.git("rev-parse", "HEAD"))
}

// merge merges branch into the current branch with a merge commit.
func (b *repoBuilder) merge(branch, msg string) string {
	b.t.Helper()
	b.clock += 60
	cdate := fmt.Sprintf("GIT_COMMITTER_DATE=@%d +0000", b.clock)
	adate := fmt.Sprintf("GIT_AUTHOR_DATE=@%d +0000", b.clock)
	b.gitIn(nil, []string{cdate, adate}, "merge", "-q", "--no-ff", "-m", msg, branch)
	return strings.TrimSpace(b.git("rev-parse", "HEAD"))
}

func (b *repoBuilder) write(name, data string) {
	b.t.Helper()
	p := filepath.Join(b.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// gitChange is one line of `git log --raw`.
type gitChange struct {
	status           byte
	path, oldPath    string
	oldBlob, newBlob string
}

type gitCommit struct {
	hash    string
	changes []gitChange
}

const zeroHex = "0000000000000000000000000000000000000000"

// gitLog runs `git log --raw --no-abbrev -z` with args and parses it. Git's
// 'T' (type change) is read as 'M', as History reports it.
func gitLog(t testing.TB, dir string, args ...string) []gitCommit {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir, "log", "--raw", "--no-abbrev", "-z", "--format=%x01%H"}, args...)...)
	cmd.Env = gitEnv(dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git log %v: %v\n%s", args, err, stderr.String())
	}
	var commits []gitCommit
	for _, chunk := range strings.Split(string(out), "\x01")[1:] {
		hash, rest, _ := strings.Cut(chunk, "\x00")
		c := gitCommit{hash: hash}
		tokens := strings.Split(strings.TrimPrefix(rest, "\n"), "\x00")
		for i := 0; i < len(tokens); i++ {
			meta := tokens[i]
			if meta == "" {
				continue
			}
			f := strings.Fields(strings.TrimPrefix(meta, ":"))
			if len(f) != 5 {
				t.Fatalf("unexpected raw line %q", meta)
			}
			ch := gitChange{status: f[4][0], oldBlob: f[2], newBlob: f[3]}
			i++
			ch.path, ch.oldPath = tokens[i], tokens[i]
			if ch.status == 'R' || ch.status == 'C' {
				i++
				ch.path = tokens[i]
			}
			switch ch.status {
			case 'T':
				ch.status = 'M'
			case 'A':
				ch.oldBlob = ""
			case 'D':
				ch.newBlob = ""
			}
			c.changes = append(c.changes, ch)
		}
		commits = append(commits, c)
	}
	return commits
}

// collect runs History and returns what it reported.
func collect(t testing.TB, repo *Repo, opts HistoryOptions) []*HistoryCommit {
	t.Helper()
	var got []*HistoryCommit
	err := repo.History(opts, func(c *HistoryCommit) error {
		got = append(got, c)
		return nil
	})
	if err != nil {
		t.Fatalf("History(%+v): %v", opts, err)
	}
	return got
}

func formatChange(status byte, oldPath, path, oldBlob, newBlob string) string {
	s := string(status) + " " + path
	if status == 'R' {
		s = "R " + oldPath + " -> " + path
	}
	return s + " [" + short(oldBlob) + ".." + short(newBlob) + "]"
}

func short(h string) string {
	if len(h) > 10 {
		return h[:10]
	}
	return h
}

// compareWithGit checks that History reported exactly the commits of want,
// in the same order, with the same changes (status, paths and blobs).
func compareWithGit(t testing.TB, what string, got []*HistoryCommit, want []gitCommit) {
	t.Helper()
	errs := 0
	fail := func(format string, args ...any) {
		t.Helper()
		errs++
		if errs <= 12 {
			t.Errorf(what+": "+format, args...)
		}
	}
	if len(got) != len(want) {
		fail("History reported %d commits, git log %d", len(got), len(want))
	}
	for i := 0; i < min(len(got), len(want)); i++ {
		g, w := got[i], want[i]
		if g.Hash != w.hash {
			fail("commit #%d: History %s, git %s", i, short(g.Hash), short(w.hash))
			continue
		}
		var gs, ws []string
		for k, c := range g.Changes {
			if k > 0 && g.Changes[k-1].Path >= c.Path {
				fail("commit %s: changes not sorted by path at %q", short(g.Hash), c.Path)
			}
			gs = append(gs, formatChange(c.Status, c.OldPath, c.Path, c.OldBlob, c.NewBlob))
			if c.Status != 'R' && c.OldPath != c.Path {
				fail("commit %s: %c %s has OldPath %q", short(g.Hash), c.Status, c.Path, c.OldPath)
			}
		}
		for _, c := range w.changes {
			ws = append(ws, formatChange(c.status, c.oldPath, c.path, c.oldBlob, c.newBlob))
		}
		sort.Strings(gs)
		sort.Strings(ws)
		if strings.Join(gs, "\n") != strings.Join(ws, "\n") {
			fail("commit %s (%s):\nHistory:\n  %s\ngit log:\n  %s", short(g.Hash), g.Subject, strings.Join(gs, "\n  "), strings.Join(ws, "\n  "))
		}
	}
	if errs > 12 {
		t.Errorf("%s: %d more differences", what, errs-12)
	}
}

// filterGit keeps the changes under sub (made relative to it) whose path
// matches, and drops commits left without one: what History does with Sub
// and Match.
func filterGit(commits []gitCommit, sub string, match func(string) bool) []gitCommit {
	var out []gitCommit
	for _, c := range commits {
		var kept []gitChange
		for _, ch := range c.changes {
			if sub != "" {
				if !strings.HasPrefix(ch.path, sub+"/") {
					continue
				}
				ch.path = strings.TrimPrefix(ch.path, sub+"/")
				ch.oldPath = ch.path
			}
			if match == nil || match(ch.path) {
				kept = append(kept, ch)
			}
		}
		if len(kept) > 0 {
			out = append(out, gitCommit{hash: c.hash, changes: kept})
		}
	}
	return out
}

// ---- Random histories through git fast-import ----

type genFile struct {
	mode  string // 100644, 100755, 120000 or 160000
	lines []string
	link  string // for 160000: the commit hash
}

func (f *genFile) content() string {
	if f.mode == "120000" {
		return f.lines[0]
	}
	return strings.Join(f.lines, "")
}

type genBranch struct {
	name  string
	files map[string]*genFile
	head  string // mark of the last commit, ":N"
}

// histGen writes a random history as a fast-import stream.
type histGen struct {
	rnd    *rand.Rand
	out    bytes.Buffer
	mark   int
	clock  int64
	blobs  map[string]string // content -> mark
	word   int
	merges int
	prs    int
}

var genNames = []string{
	"a", "a.b", "a-b", "a0", "b", "Z", "record.cue", "notes.md", "ünï cödé.cue", "with space.txt",
	"日本.txt", "x", "x.y", "deep", "policy.rego", "README", "c", "d", "e",
}

func newHistGen(seed int64) *histGen {
	return &histGen{rnd: rand.New(rand.NewSource(seed)), clock: 1_600_000_000, blobs: map[string]string{}}
}

func (g *histGen) nextMark() string {
	g.mark++
	return ":" + strconv.Itoa(g.mark)
}

func (g *histGen) blob(content string) string {
	if m, ok := g.blobs[content]; ok {
		return m
	}
	m := g.nextMark()
	fmt.Fprintf(&g.out, "blob\nmark %s\ndata %d\n%s\n", m, len(content), content)
	g.blobs[content] = m
	return m
}

func (g *histGen) line() string {
	g.word++
	return fmt.Sprintf("line %d of some record text, with words %d %d\n", g.word, g.rnd.Intn(1000), g.rnd.Intn(1000))
}

func (g *histGen) newLines(n int) []string {
	ls := make([]string, n)
	for i := range ls {
		ls[i] = g.line()
	}
	return ls
}

func (g *histGen) randomPath(prefix string) string {
	depth := g.rnd.Intn(4)
	if g.rnd.Intn(12) == 0 {
		depth = 10 + g.rnd.Intn(4)
	}
	parts := []string{}
	if prefix != "" {
		parts = append(parts, prefix)
	}
	for range depth {
		parts = append(parts, genNames[g.rnd.Intn(len(genNames))])
	}
	parts = append(parts, genNames[g.rnd.Intn(len(genNames))])
	return strings.Join(parts, "/")
}

// canPlace tells whether a file may be added at p: no file is at one of its
// folders, and p is not a folder.
func canPlace(files map[string]*genFile, p string) bool {
	if _, ok := files[p]; ok {
		return false
	}
	for i := range len(p) {
		if p[i] == '/' {
			if _, ok := files[p[:i]]; ok {
				return false
			}
		}
	}
	for q := range files {
		if strings.HasPrefix(q, p+"/") {
			return false
		}
	}
	return true
}

func pick(rnd *rand.Rand, files map[string]*genFile, under string) string {
	var ps []string
	for p := range files {
		if under == "" || strings.HasPrefix(p, under+"/") {
			ps = append(ps, p)
		}
	}
	if len(ps) == 0 {
		return ""
	}
	sort.Strings(ps)
	return ps[rnd.Intn(len(ps))]
}

// mutate applies one random change to files, inside folder under ("" = any).
func (g *histGen) mutate(files map[string]*genFile, under string) {
	r := g.rnd
	p := pick(r, files, under)
	place := func() string {
		for range 20 {
			q := g.randomPath(under)
			if canPlace(files, q) {
				return q
			}
		}
		return ""
	}
	switch op := r.Intn(18); {
	case p == "" || op <= 2: // add
		if q := place(); q != "" {
			files[q] = &genFile{mode: "100644", lines: g.newLines(2 + r.Intn(8))}
		}
	case op <= 5: // modify
		nf := *files[p]
		f := &nf
		files[p] = f
		if f.mode == "160000" {
			f.link = fmt.Sprintf("%040x", r.Int63())
		} else if f.mode == "120000" {
			f.lines = []string{"target-" + strconv.Itoa(r.Intn(100))}
		} else {
			f.lines = append(append([]string{}, f.lines...), g.line())
			if len(f.lines) > 3 && r.Intn(2) == 0 {
				f.lines[r.Intn(len(f.lines))] = g.line()
			}
		}
	case op == 6: // delete
		delete(files, p)
	case op == 7 || op == 8: // rename, same content
		if q := place(); q != "" {
			files[q] = files[p]
			delete(files, p)
		}
	case op == 9: // rename with a small edit, or a large one
		if q := place(); q != "" && files[p].mode == "100644" {
			f := files[p]
			nf := &genFile{mode: f.mode, lines: append([]string{}, f.lines...)}
			if r.Intn(3) == 0 {
				nf.lines = append(nf.lines[:len(nf.lines)/3], g.newLines(len(nf.lines))...)
			} else {
				nf.lines = append(nf.lines, g.line())
			}
			files[q] = nf
			delete(files, p)
		}
	case op == 10: // chmod +x / -x
		f := files[p]
		switch f.mode {
		case "100644":
			files[p] = &genFile{mode: "100755", lines: f.lines}
		case "100755":
			files[p] = &genFile{mode: "100644", lines: f.lines}
		}
	case op == 11: // file -> folder
		f := files[p]
		delete(files, p)
		files[p+"/"+genNames[r.Intn(len(genNames))]] = f
	case op == 12: // folder -> file
		if i := strings.LastIndexByte(p, '/'); i > 0 && (under == "" || len(p[:i]) > len(under)) {
			dir := p[:i]
			for q := range files {
				if strings.HasPrefix(q, dir+"/") {
					delete(files, q)
				}
			}
			files[dir] = &genFile{mode: "100644", lines: g.newLines(3)}
		}
	case op == 13: // a link or a submodule
		if q := place(); q != "" {
			if r.Intn(2) == 0 {
				files[q] = &genFile{mode: "120000", lines: []string{"../" + genNames[r.Intn(len(genNames))]}}
			} else {
				files[q] = &genFile{mode: "160000", link: fmt.Sprintf("%040x", r.Int63())}
			}
		}
	case op == 14: // a copy, so that identical blobs compete as rename sources
		if q := place(); q != "" {
			f := files[p]
			files[q] = &genFile{mode: f.mode, lines: f.lines, link: f.link}
		}
	case op == 16: // a file becomes a link or a submodule, or back: Git's T
		switch f := files[p]; f.mode {
		case "100644", "100755":
			files[p] = &genFile{mode: "120000", lines: []string{"target"}}
		case "120000":
			files[p] = &genFile{mode: "160000", link: fmt.Sprintf("%040x", r.Int63())}
		default:
			files[p] = &genFile{mode: "100755", lines: g.newLines(3)}
		}
	case op == 17: // a folder moves, some files edited on the way
		i := strings.LastIndexByte(p, '/')
		if i <= len(under) {
			break
		}
		dir := p[:i]
		to := ""
		for range 20 {
			q := g.randomPath(under)
			if canPlace(files, q) && !strings.HasPrefix(q, dir+"/") {
				to = q
				break
			}
		}
		if to == "" {
			break
		}
		moved := map[string]*genFile{}
		for q, f := range files {
			if strings.HasPrefix(q, dir+"/") {
				if f.mode == "100644" && r.Intn(3) == 0 {
					f = &genFile{mode: f.mode, lines: append(append([]string{}, f.lines...), g.line())}
				}
				moved[to+q[len(dir):]] = f
				delete(files, q)
			}
		}
		for q, f := range moved {
			files[q] = f
		}
	default: // an empty file, or a file made empty
		if q := place(); q != "" {
			files[q] = &genFile{mode: "100644"}
		}
	}
}

func (g *histGen) subject() string {
	switch g.rnd.Intn(5) {
	case 0:
		g.prs++
		return fmt.Sprintf("Change records (#%d)", g.prs)
	case 1:
		return "records: update\n\nA body line.\nAnother one."
	}
	return fmt.Sprintf("change %d", g.mark)
}

// commit writes a commit of branch b with its current files.
func (g *histGen) commit(b *genBranch, msg string, merge ...string) {
	marks := map[string]string{}
	var paths []string
	for p, f := range b.files {
		paths = append(paths, p)
		if f.mode != "160000" {
			marks[p] = g.blob(f.content())
		}
	}
	sort.Strings(paths)
	switch r := g.rnd.Intn(20); {
	case r == 0: // the same second as the previous commit
	case r == 1: // a clock that went back
		g.clock -= 3600
	default:
		g.clock += int64(30 + g.rnd.Intn(600))
	}
	m := g.nextMark()
	fmt.Fprintf(&g.out, "commit refs/heads/%s\nmark %s\n", b.name, m)
	fmt.Fprintf(&g.out, "author Ada Author <ada@example.com> %d +0100\n", g.clock-100)
	fmt.Fprintf(&g.out, "committer Cy Committer <cy@example.com> %d +0000\n", g.clock)
	fmt.Fprintf(&g.out, "data %d\n%s\n", len(msg), msg)
	if b.head != "" {
		fmt.Fprintf(&g.out, "from %s\n", b.head)
	}
	for _, p := range merge {
		fmt.Fprintf(&g.out, "merge %s\n", p)
	}
	g.out.WriteString("deleteall\n")
	for _, p := range paths {
		f := b.files[p]
		if f.mode == "160000" {
			fmt.Fprintf(&g.out, "M 160000 %s %s\n", f.link, p)
		} else {
			fmt.Fprintf(&g.out, "M %s %s %s\n", f.mode, marks[p], p)
		}
	}
	g.out.WriteString("\n")
	b.head = m
}

func copyFiles(files map[string]*genFile) map[string]*genFile {
	out := make(map[string]*genFile, len(files))
	for p, f := range files {
		out[p] = f
	}
	return out
}

// generate writes n commits on main, with side branches merged back: a side
// branch changes only its own folder, so the merge's tree is main's with that
// folder taken from the side branch.
func (g *histGen) generate(n int) {
	main := &genBranch{name: "main", files: map[string]*genFile{}}
	for range 3 {
		g.mutate(main.files, "")
	}
	g.commit(main, "Initial records")
	type side struct {
		b    *genBranch
		dir  string
		left int
	}
	var sides []*side
	for count := 1; count < n; count++ {
		if len(sides) < 3 && g.rnd.Intn(8) == 0 {
			g.merges++
			dir := fmt.Sprintf("side%d", g.merges)
			s := &side{b: &genBranch{name: "topic-" + strconv.Itoa(g.merges), files: copyFiles(main.files), head: main.head}, dir: dir, left: 1 + g.rnd.Intn(5)}
			s.b.files[dir+"/start.cue"] = &genFile{mode: "100644", lines: g.newLines(4)}
			sides = append(sides, s)
		}
		if len(sides) > 0 && g.rnd.Intn(2) == 0 {
			i := g.rnd.Intn(len(sides))
			s := sides[i]
			if s.left > 0 {
				for range 1 + g.rnd.Intn(3) {
					g.mutate(s.b.files, s.dir)
				}
				g.commit(s.b, g.subject())
				s.left--
				continue
			}
			// Merge: main's files outside the folder, the side's inside.
			for p := range main.files {
				if strings.HasPrefix(p, s.dir+"/") || p == s.dir {
					delete(main.files, p)
				}
			}
			for p, f := range s.b.files {
				if strings.HasPrefix(p, s.dir+"/") && canPlace(main.files, p) {
					main.files[p] = f
				}
			}
			msg := fmt.Sprintf("Merge pull request #%d from org/%s", 1000+g.merges, s.b.name)
			g.commit(main, msg, s.b.head)
			sides = append(sides[:i], sides[i+1:]...)
			continue
		}
		if g.rnd.Intn(25) == 0 {
			g.commit(main, "empty commit")
			continue
		}
		for range 1 + g.rnd.Intn(3) {
			g.mutate(main.files, "")
		}
		// Keep the side folders to the side branches.
		for p := range main.files {
			for _, s := range sides {
				if strings.HasPrefix(p, s.dir+"/") {
					delete(main.files, p)
				}
			}
		}
		g.commit(main, g.subject())
	}
}

// generatedRepo makes a repository with n random commits; with gc it is
// repacked as `git gc` would.
func generatedRepo(t testing.TB, seed int64, n int, gc bool) string {
	t.Helper()
	needGit(t)
	b := &repoBuilder{t: t, dir: t.TempDir()}
	b.git("init", "-q", "-b", "main")
	g := newHistGen(seed)
	g.generate(n)
	b.gitIn(g.out.Bytes(), nil, "fast-import", "--quiet", "--force")
	if gc {
		b.git("repack", "-a", "-d", "-q")
	}
	return b.dir
}

// smsLikeRepo makes a repository shaped like an SMS: records in folders by
// kind and year, changed through pull requests (a topic branch of one to
// three commits, merged with a merge commit whose tree is the topic's) and
// squashed commits, about n commits in all. The fast-import stream carries
// only what each commit changes, so that tens of thousands of commits are
// quick to make.
func smsLikeRepo(t testing.TB, seed int64, n int) string {
	t.Helper()
	needGit(t)
	b := &repoBuilder{t: t, dir: t.TempDir()}
	b.git("init", "-q", "-b", "main")
	g := newHistGen(seed)
	r := g.rnd
	kinds := []string{"incidents", "changes", "problems", "requests", "risks"}
	var records []string
	record := func() string {
		g.word++
		return fmt.Sprintf("package sms\n\nrecord: {\n\tid: %q\n\tstatus: %q\n\towner: \"team-%d\"\n\tnotes: [\n\t\t%q,\n\t\t%q,\n\t]\n}\n",
			strconv.Itoa(g.word), []string{"open", "closed", "review"}[r.Intn(3)], r.Intn(20), g.line(), g.line())
	}
	edits := func(k int) []string {
		var ops []string
		for range k {
			switch {
			case len(records) < 50 || r.Intn(4) == 0:
				kind := kinds[r.Intn(len(kinds))]
				p := fmt.Sprintf("sms/%s/%d/%s-%d.cue", kind, 2020+r.Intn(6), kind[:3], len(records)+1)
				records = append(records, p)
				ops = append(ops, fmt.Sprintf("M 100644 %s %s", g.blob(record()), p))
			case r.Intn(40) == 0:
				i := r.Intn(len(records))
				ops = append(ops, "D "+records[i])
				records = append(records[:i], records[i+1:]...)
			default:
				ops = append(ops, fmt.Sprintf("M 100644 %s %s", g.blob(record()), records[r.Intn(len(records))]))
			}
		}
		return ops
	}
	commit := func(branch, from, msg, merge string, ops []string) string {
		g.clock += int64(60 + r.Intn(3600))
		m := g.nextMark()
		fmt.Fprintf(&g.out, "commit refs/heads/%s\nmark %s\n", branch, m)
		fmt.Fprintf(&g.out, "author Ada Author <ada@example.com> %d +0100\ncommitter Cy Committer <cy@example.com> %d +0000\n", g.clock, g.clock)
		fmt.Fprintf(&g.out, "data %d\n%s\n", len(msg), msg)
		if from != "" {
			fmt.Fprintf(&g.out, "from %s\n", from)
		}
		if merge != "" {
			fmt.Fprintf(&g.out, "merge %s\n", merge)
		}
		for _, op := range ops {
			g.out.WriteString(op + "\n")
		}
		g.out.WriteString("\n")
		return m
	}
	main := commit("main", "", "Initial records", "", edits(60))
	for count := 1; count < n; {
		g.prs++
		if r.Intn(3) == 0 {
			main = commit("main", main, fmt.Sprintf("Update records (#%d)", g.prs), "", edits(1+r.Intn(3)))
			count++
			continue
		}
		topic := fmt.Sprintf("topic-%d", g.prs)
		head := main
		var all []string
		for range 1 + r.Intn(3) {
			ops := edits(1 + r.Intn(2))
			all = append(all, ops...)
			head = commit(topic, head, "records: change", "", ops)
			count++
		}
		main = commit("main", main, fmt.Sprintf("Merge pull request #%d from org/%s", g.prs, topic), head, all)
		fmt.Fprintf(&g.out, "reset refs/heads/%s\nfrom %s\n\n", topic, "0000000000000000000000000000000000000000")
		count++
	}
	b.gitIn(g.out.Bytes(), nil, "fast-import", "--quiet", "--force")
	b.git("repack", "-a", "-d", "-q")
	return b.dir
}
