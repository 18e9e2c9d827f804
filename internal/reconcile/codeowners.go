package reconcile

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/smsctl/smsctl/internal/gitrepo"
	"github.com/smsctl/smsctl/internal/records"
)

// CodeownersFile is where GitHub reads code owners.
const CodeownersFile = ".github/CODEOWNERS"

// The markers around the block reconcile owns in CODEOWNERS; lines outside
// them are the repository's own and are kept as they are.
const (
	codeownersBegin = "# BEGIN smsctl reconcile: generated from people, roles and record owners; edit those records, not this block"
	codeownersEnd   = "# END smsctl reconcile"
)

type person struct {
	GitHub  string   `json:"github"`
	Type    string   `json:"type"`
	Active  *bool    `json:"active"`
	Roles   []string `json:"roles"`
	Members []string `json:"members"`
}

type owners struct {
	people map[string]person
	roles  map[string][]string // role -> authorities
}

// handles are the GitHub handles of a person (a team: of its members who
// are people), sorted; inactive people and people without a login have
// none.
func (o *owners) handles(slugs ...string) []string {
	var out []string
	var add func(slug string, depth int)
	add = func(slug string, depth int) {
		p, ok := o.people[slug]
		if !ok || (p.Active != nil && !*p.Active) || depth > 3 {
			return
		}
		if p.Type == "team" {
			for _, m := range p.Members {
				add(m, depth+1)
			}
			return
		}
		if p.GitHub != "" {
			h := "@" + p.GitHub
			if !slices.Contains(out, h) {
				out = append(out, h)
			}
		}
	}
	for _, s := range slugs {
		add(s, 0)
	}
	slices.Sort(out)
	return out
}

// holders are the people holding a role that grants authority.
func (o *owners) holders(authority string) []string {
	var slugs []string
	for slug, p := range o.people {
		for _, r := range p.Roles {
			if slices.Contains(o.roles[r], authority) {
				slugs = append(slugs, slug)
				break
			}
		}
	}
	slices.Sort(slugs)
	return o.handles(slugs...)
}

// Codeowners builds the block of CODEOWNERS lines for the records: later
// lines win, as GitHub reads them.
func Codeowners(repo *records.Repository, sub string) string {
	o := &owners{people: map[string]person{}, roles: roleAuthorities(repo)}
	for _, r := range repo.Records {
		if r.Kind == "person" && r.Data != nil {
			var p person
			_ = json.Unmarshal(r.Data, &p)
			o.people[r.ID] = p
		}
	}
	prefix := "/"
	if sub != "" {
		prefix = "/" + sub + "/"
	}
	var b strings.Builder
	b.WriteString(codeownersBegin + "\n")
	line := func(pattern string, handles []string) {
		if len(handles) > 0 {
			fmt.Fprintf(&b, "%s %s\n", pattern, strings.Join(handles, " "))
		}
	}
	policy := o.holders("approve-policy")
	line(prefix+"**", policy)
	for _, p := range []string{"sms.cue", "schema.cue", "cue.mod/", "roles/", "people/", "policies/"} {
		line(prefix+p, policy)
	}
	line(prefix+"waivers/", o.holders("approve-waiver"))
	line(prefix+"changes/", o.holders("approve-normal-change"))
	line(prefix+"releases/", o.holders("approve-release"))
	line(prefix+"problems/", o.holders("close-problem"))
	line(prefix+"risks/", o.holders("accept-risk"))
	for _, r := range repo.Records {
		if r.Data == nil {
			continue
		}
		var d struct {
			Owner    string   `json:"owner"`
			Services []string `json:"services"`
		}
		_ = json.Unmarshal(r.Data, &d)
		switch r.Kind {
		case "service", "supplier", "ci":
			line(prefix+r.File, o.handles(d.Owner))
		case "agreement":
			// the agreement's owner and the owners of the services it covers
			slugs := []string{d.Owner}
			for _, s := range d.Services {
				if svc := repo.Lookup("service", s); svc != nil {
					var sd struct {
						Owner string `json:"owner"`
					}
					_ = json.Unmarshal(svc.Data, &sd)
					slugs = append(slugs, sd.Owner)
				}
			}
			line(prefix+r.File, o.handles(slugs...))
		}
	}
	b.WriteString(codeownersEnd + "\n")
	return b.String()
}

// withBlock puts block into a CODEOWNERS file's content: in place of the
// one between the markers, else at the end.
func withBlock(old, block string) (string, error) {
	i := strings.Index(old, codeownersBegin)
	if i < 0 {
		if old != "" && !strings.HasSuffix(old, "\n") {
			old += "\n"
		}
		if old != "" {
			old += "\n"
		}
		return old + block, nil
	}
	j := strings.Index(old[i:], codeownersEnd)
	if j < 0 {
		return "", fmt.Errorf("%s: smsctl's block starts but has no %q line; restore it or delete the block", CodeownersFile, codeownersEnd)
	}
	end := i + j + len(codeownersEnd)
	if end < len(old) && old[end] == '\n' {
		end++
	}
	return old[:i] + block + old[end:], nil
}

func reconcileCodeowners(_ context.Context, in *Input) ([]Change, []Report, error) {
	if in.Sub != "" {
		return nil, []Report{{File: CodeownersFile, Message: "the SMS is in the folder " + in.Sub + " of its Git repository; GitHub reads CODEOWNERS only at the top",
			Fix: "add the lines `smsctl reconcile --only codeowners` prints in the plan to the top's .github/CODEOWNERS"}}, nil
	}
	// CODEOWNERS is repository content: its size is checked before it is read.
	old, err := gitrepo.ReadFile(in.FS, CodeownersFile, gitrepo.MaxBlobSize)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, err
	}
	block := Codeowners(in.Records, "")
	content, err := withBlock(string(old), block)
	if err != nil {
		return nil, nil, err
	}
	if content == string(old) {
		return nil, nil, nil
	}
	c := Change{File: CodeownersFile, New: jsonValue(block), Evidence: "owners of services, agreements, suppliers and CIs; holders of the roles that approve policies, waivers, changes, releases, problems and risks; their GitHub logins", Content: &content}
	if i := strings.Index(string(old), codeownersBegin); i >= 0 {
		end := min(i+strings.Index(string(old)[i:], codeownersEnd)+len(codeownersEnd)+1, len(old))
		c.Old = jsonValue(string(old)[i:end])
	}
	return []Change{c}, nil, nil
}
