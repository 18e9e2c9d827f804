package records

import (
	"encoding/json"
	"fmt"

	"github.com/smsctl/smsctl/internal/finding"
)

// smsKeyTargets maps the reference kinds that name keys of sms.cue to the
// field that holds them.
var smsKeyTargets = map[string]string{
	"customer":        "customers",
	"calendar":        "calendars",
	"standard_change": "standard_changes",
}

// checkReferences reports every ID a record names that no record of the
// right kind has.
func checkReferences(recs []*Record) []finding.Finding {
	ids := map[string]map[string]bool{}
	add := func(kind, id string) {
		if ids[kind] == nil {
			ids[kind] = map[string]bool{}
		}
		ids[kind][id] = true
	}
	for _, r := range recs {
		add(r.Kind, r.ID)
		add("any", r.ID)
		if r.Kind == SMSKind.Name && r.Data != nil {
			var sms map[string]json.RawMessage
			if json.Unmarshal(r.Data, &sms) == nil {
				for target, field := range smsKeyTargets {
					var m map[string]json.RawMessage
					if json.Unmarshal(sms[field], &m) == nil {
						for k := range m {
							add(target, k)
						}
					}
				}
			}
		}
	}
	var out []finding.Finding
	for _, r := range recs {
		for _, ref := range r.Refs {
			if ids[ref.Target][ref.ID] {
				continue
			}
			out = append(out, finding.Finding{
				Rule: "reference", Severity: finding.Error, File: r.File, Line: ref.Line, Column: ref.Column,
				Record: r.Key(), Path: ref.Path, Message: danglingMessage(ref),
			})
		}
	}
	return out
}

func danglingMessage(ref Ref) string {
	if field, ok := smsKeyTargets[ref.Target]; ok {
		return fmt.Sprintf("%s %q is not defined: sms.cue has no %s.%q", ref.Target, ref.ID, field, ref.ID)
	}
	if ref.Target == "any" {
		return fmt.Sprintf("no record has the ID %q", ref.ID)
	}
	k, _ := LookupKind(ref.Target)
	if k.ValidID(ref.ID) {
		return fmt.Sprintf("%s %q does not exist: no %s", ref.Target, ref.ID, k.PathFor(ref.ID))
	}
	return fmt.Sprintf("%s %q does not exist (and %s IDs take the form %s)", ref.Target, ref.ID, ref.Target, k.IDForm())
}
