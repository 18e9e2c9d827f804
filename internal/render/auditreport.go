package render

import (
	"bufio"
	"fmt"
	"io"
)

// writeAuditReport writes one of the auditors' reports (verify, sample,
// readiness) in a format: text, csv and markdown by the report's own
// functions, json as the report's indented JSON, with its schema and smsctl's
// version (WriteJSONDoc).
func writeAuditReport[T any](w io.Writer, format, schema string, r T, text func(io.Writer, T), csv func(io.Writer, T) error, markdown func(io.Writer, T)) error {
	bw := bufio.NewWriter(w)
	switch format {
	case "text":
		text(bw, r)
	case "json":
		if err := WriteJSONDoc(bw, schema, r); err != nil {
			return err
		}
	case "csv":
		if err := csv(bw, r); err != nil {
			return err
		}
	case "markdown":
		markdown(bw, r)
	default:
		return fmt.Errorf("unknown output format %q", format)
	}
	return bw.Flush()
}
