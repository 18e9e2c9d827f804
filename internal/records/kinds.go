package records

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Kind describes one record kind: where its records live, how their IDs look
// and which schema definition judges them.
type Kind struct {
	// Name is the singular name used on the command line: "change".
	Name string
	// Field is the top-level CUE field that holds the kind's records, and the
	// directory they live in: "changes".
	Field string
	// Def is the schema definition: "#Change".
	Def string
	// Prefix starts numbered IDs ("CHG"); empty for kinds named by slugs.
	Prefix string
	// Yearly kinds carry the year in their ID and live in a folder per year:
	// changes/2026/CHG-2026-0001.cue.
	Yearly bool
	// Clause is the ISO/IEC 20000-1:2018 clause the kind serves.
	Clause string

	idRE *regexp.Regexp
}

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

func slugKind(name, field, def, clause string) Kind {
	return Kind{Name: name, Field: field, Def: def, Clause: clause, idRE: slugRE}
}

func numberedKind(name, field, def, prefix string, yearly bool, clause string) Kind {
	re := `^` + prefix + `-[0-9]{4,}$`
	if yearly {
		re = `^` + prefix + `-[0-9]{4}-[0-9]{4,}$`
	}
	return Kind{Name: name, Field: field, Def: def, Prefix: prefix, Yearly: yearly, Clause: clause, idRE: regexp.MustCompile(re)}
}

// SMSKind is the singleton record of sms.cue.
var SMSKind = Kind{Name: "sms", Field: "sms", Def: "#SMS", Clause: "4.3, 5.2, 6.2"}

// Kinds lists every record kind but the SMS itself, in the order of
// DESIGN.md's repository layout.
var Kinds = []Kind{
	slugKind("service", "services", "#Service", "8.2.4"),
	slugKind("agreement", "agreements", "#Agreement", "8.3.3, 8.3.4"),
	slugKind("supplier", "suppliers", "#Supplier", "8.3.4"),
	slugKind("role", "roles", "#Role", "5.3"),
	slugKind("person", "people", "#Person", "5.3"),
	slugKind("ci", "cis", "#CI", "8.2.5, 8.2.6"),
	numberedKind("change", "changes", "#Change", "CHG", true, "8.5.1"),
	numberedKind("release", "releases", "#Release", "REL", false, "8.5.3"),
	numberedKind("incident", "incidents", "#Incident", "INC", true, "8.6.1"),
	numberedKind("request", "requests", "#Request", "REQ", true, "8.6.2"),
	numberedKind("problem", "problems", "#Problem", "PRB", false, "8.6.3"),
	numberedKind("risk", "risks", "#Risk", "RSK", false, "6.1"),
	numberedKind("continuity", "continuity", "#ContinuityPlan", "BCP", false, "8.7.1, 8.7.2"),
	numberedKind("audit", "audits", "#Audit", "AUD", false, "9.2"),
	numberedKind("review", "reviews", "#Review", "MR", false, "9.3"),
	numberedKind("nonconformity", "nonconformities", "#Nonconformity", "NC", false, "10.1"),
	numberedKind("improvement", "improvements", "#Improvement", "IMP", false, "10.2"),
	numberedKind("waiver", "waivers", "#Waiver", "WVR", false, "7.5"),
}

// LookupKind finds a kind by its singular name or its field ("change" or
// "changes").
func LookupKind(name string) (Kind, bool) {
	for _, k := range Kinds {
		if k.Name == name || k.Field == name {
			return k, true
		}
	}
	return Kind{}, false
}

// KindNames lists the singular names of all kinds, for help and errors.
func KindNames() []string {
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = k.Name
	}
	return names
}

func kindByField(field string) (Kind, bool) {
	i := slices.IndexFunc(Kinds, func(k Kind) bool { return k.Field == field })
	if i < 0 {
		return Kind{}, false
	}
	return Kinds[i], true
}

// ValidID reports whether id has the form the kind's IDs take.
func (k Kind) ValidID(id string) bool { return k.idRE != nil && k.idRE.MatchString(id) }

// IDForm describes the form of the kind's IDs for error messages.
func (k Kind) IDForm() string {
	switch {
	case k.Prefix == "":
		return "lower-case letters, digits and hyphens, e.g. web-hosting"
	case k.Yearly:
		return fmt.Sprintf("%s-YYYY-NNNN, e.g. %s-2026-0001", k.Prefix, k.Prefix)
	}
	return fmt.Sprintf("%s-NNNN, e.g. %s-0001", k.Prefix, k.Prefix)
}

// PathFor is the file a record of this kind and ID must live in, relative
// to the repository root. The ID must be valid.
func (k Kind) PathFor(id string) string {
	if k.Name == SMSKind.Name {
		return "sms.cue"
	}
	if k.Yearly {
		year := strings.SplitN(id, "-", 3)[1]
		return k.Field + "/" + year + "/" + id + ".cue"
	}
	return k.Field + "/" + id + ".cue"
}

// FormatID builds a numbered kind's ID from its year (yearly kinds only) and
// sequence number.
func (k Kind) FormatID(year, n int) string {
	if k.Yearly {
		return fmt.Sprintf("%s-%04d-%04d", k.Prefix, year, n)
	}
	return fmt.Sprintf("%s-%04d", k.Prefix, n)
}

// Sequence returns the number at the end of a numbered ID and, for yearly
// kinds, its year.
func (k Kind) Sequence(id string) (year, n int, ok bool) {
	if k.Prefix == "" || !k.ValidID(id) {
		return 0, 0, false
	}
	parts := strings.Split(id, "-")
	n, err := strconv.Atoi(parts[len(parts)-1])
	if err != nil {
		return 0, 0, false
	}
	if k.Yearly {
		year, _ = strconv.Atoi(parts[1])
	}
	return year, n, true
}

// ParsePath returns the kind and ID of the record that a path holds, when
// the path is where a record of some kind belongs.
func ParsePath(p string) (Kind, string, bool) {
	base := p[strings.LastIndex(p, "/")+1:]
	id, ok := strings.CutSuffix(base, ".cue")
	if !ok {
		return Kind{}, "", false
	}
	for _, k := range Kinds {
		if strings.HasPrefix(p, k.Field+"/") && k.ValidID(id) && k.PathFor(id) == p {
			return k, id, true
		}
	}
	return Kind{}, "", false
}
