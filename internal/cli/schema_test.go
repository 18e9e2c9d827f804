package cli

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Every JSON output of the acme example carries its schema and smsctl's
// version, and is valid against the JSON Schema published in schema/json.
func TestJSONOutputsMatchTheirSchemas(t *testing.T) {
	if testing.Short() {
		t.Skip("replays the acme example")
	}
	src, err := (&acmeTemplate{}).build(t)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "acme")
	if err := copyTree(src, dir); err != nil {
		t.Fatal(err)
	}
	now, _ := time.Parse(time.RFC3339, scriptEnv["SMSCTL_NOW"])
	for _, tc := range []struct {
		schema string
		args   []string
	}{
		{"validation/1", []string{"validate", "--now", "2026-11-23", "-o", "json"}},
		{"audit-verify/1", []string{"audit", "verify", "-o", "json"}},
		{"audit-sample/1", []string{"audit", "sample", "--kind", "change", "--size", "3", "--seed", "s", "-o", "json"}},
		{"audit-readiness/1", []string{"audit", "readiness", "--now", "2026-11-23", "-o", "json"}},
		{"report-sla/1", []string{"report", "sla", "--period", "2026", "-o", "json"}},
		{"policy-list/1", []string{"policy", "list", "-o", "json"}},
		{"version/1", []string{"version", "-o", "json"}},
	} {
		t.Run(tc.schema, func(t *testing.T) {
			var out, errOut bytes.Buffer
			env := &Env{Stdout: &out, Stderr: &errOut, Dir: dir, Now: func() time.Time { return now }, Getenv: func(k string) string { return scriptEnv[k] }}
			if code := Run(env, tc.args); code != ExitOK && code != ExitFindings {
				t.Fatalf("%v exited %d: %s", tc.args, code, errOut.String())
			}
			var head struct {
				Schema string `json:"smsctl_schema"`
			}
			if err := json.Unmarshal(out.Bytes(), &head); err != nil || head.Schema != tc.schema {
				t.Fatalf("smsctl_schema %q, want %q (%v)", head.Schema, tc.schema, err)
			}
			file := filepath.Join(repoRoot, "schema", "json", filepath.Dir(tc.schema)+"-"+filepath.Base(tc.schema)+".json")
			c := jsonschema.NewCompiler()
			c.AssertFormat()
			sch, err := c.Compile(file)
			if err != nil {
				t.Fatal(err)
			}
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(inst); err != nil {
				t.Errorf("%v: invalid against %s:\n%v", tc.args, file, err)
			}
		})
	}
}
