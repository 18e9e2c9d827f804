package render

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemas compiles each JSON Schema once; formats are asserted, not only
// annotated.
var schemas sync.Map // path -> *jsonschema.Schema

// checkSchema validates doc against the JSON Schema in file (relative to
// this package), failing t with every error the validator finds.
func checkSchema(t *testing.T, file string, doc []byte) {
	t.Helper()
	sch, ok := schemas.Load(file)
	if !ok {
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		abs, err := filepath.Abs(file)
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(abs)
		if err != nil {
			t.Fatal(err)
		}
		s, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if err := c.AddResource(abs, s); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		compiled, err := c.Compile(abs)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		sch, _ = schemas.LoadOrStore(file, compiled)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("not JSON: %v\n%s", err, doc)
	}
	if err := sch.(*jsonschema.Schema).Validate(inst); err != nil {
		t.Errorf("invalid against %s:\n%v", file, err)
	}
}
