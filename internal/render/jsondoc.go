package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/smsctl/smsctl/internal/buildinfo"
)

// JSON outputs say what they are: every JSON document smsctl writes is an
// object that starts with
//
//	"smsctl_schema": "<name>/<major>",
//	"smsctl_version": "<the smsctl that wrote it>",
//
// and the JSON Schema of <name>/<major> is schema/json/<name>-<major>.json
// in smsctl's repository. A major version changes only when a field is
// removed or changes meaning; new fields may appear within one.
const (
	SchemaValidation = "validation/1"
	SchemaVerify     = "audit-verify/1"
	SchemaSample     = "audit-sample/1"
	SchemaReadiness  = "audit-readiness/1"
	SchemaSLA        = "report-sla/1"
	SchemaPolicyList = "policy-list/1"
)

// WriteJSONDoc writes v, which must encode as a JSON object, indented, with
// smsctl_schema and smsctl_version first.
func WriteJSONDoc(w io.Writer, schema string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	data = bytes.TrimSpace(data)
	if len(data) < 2 || data[0] != '{' {
		return fmt.Errorf("%s: the document is not a JSON object", schema)
	}
	head, err := json.Marshal(struct {
		Schema  string `json:"smsctl_schema"`
		Version string `json:"smsctl_version"`
	}{schema, buildinfo.Read().String()})
	if err != nil {
		return err
	}
	doc := append(head[:len(head)-1:len(head)-1], ',')
	if string(data) == "{}" {
		doc = append(head[:len(head)-1:len(head)-1], '}')
	} else {
		doc = append(doc, data[1:]...)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, doc, "", "  "); err != nil {
		return err
	}
	out.WriteByte('\n')
	_, err = w.Write(out.Bytes())
	return err
}
