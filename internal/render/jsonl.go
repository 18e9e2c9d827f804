package render

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/smsctl/smsctl/internal/audit"
)

// appendEntryJSON appends e as one line of JSON, byte for byte what
// encoding/json's Encoder writes for it (the tests hold the two equal,
// over every field of audit.Entry), without reflection: a long trail is
// mostly encoding. ok is false when e holds something only encoding/json
// can judge (a time outside years 0-9999); the caller then uses it.
func appendEntryJSON(b []byte, e *audit.Entry) ([]byte, bool) {
	b = append(b, `{"commit":`...)
	b = appendJSONString(b, e.Commit)
	b = append(b, `,"path":`...)
	b = appendJSONString(b, e.Path)
	b = append(b, `,"status":`...)
	b = appendJSONString(b, e.Status)
	if e.OldPath != "" {
		b = append(b, `,"old_path":`...)
		b = appendJSONString(b, e.OldPath)
	}
	if e.Kind != "" {
		b = append(b, `,"kind":`...)
		b = appendJSONString(b, e.Kind)
	}
	if e.ID != "" {
		b = append(b, `,"id":`...)
		b = appendJSONString(b, e.ID)
	}
	b = append(b, `,"author_name":`...)
	b = appendJSONString(b, e.AuthorName)
	b = append(b, `,"author_email":`...)
	b = appendJSONString(b, e.AuthorEmail)
	b = append(b, `,"author_time":`...)
	var ok bool
	if b, ok = appendJSONTime(b, e.AuthorTime); !ok {
		return b, false
	}
	b = append(b, `,"committer_name":`...)
	b = appendJSONString(b, e.CommitterName)
	b = append(b, `,"committer_email":`...)
	b = appendJSONString(b, e.CommitterEmail)
	b = append(b, `,"commit_time":`...)
	if b, ok = appendJSONTime(b, e.CommitTime); !ok {
		return b, false
	}
	b = append(b, `,"subject":`...)
	b = appendJSONString(b, e.Subject)
	b = append(b, `,"pr":`...)
	if e.PR == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, int64(*e.PR), 10)
	}
	if e.Signature != "" {
		b = append(b, `,"signature":`...)
		b = appendJSONString(b, e.Signature)
	}
	if e.SignatureStatus != "" {
		b = append(b, `,"signature_status":`...)
		b = appendJSONString(b, e.SignatureStatus)
	}
	if e.Signer != "" {
		b = append(b, `,"signer":`...)
		b = appendJSONString(b, e.Signer)
	}
	if e.SignatureNote != "" {
		b = append(b, `,"signature_note":`...)
		b = appendJSONString(b, e.SignatureNote)
	}
	b = append(b, `,"changes":`...)
	if e.Changes == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, c := range e.Changes {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"path":`...)
			b = appendJSONString(b, c.Path)
			if len(c.Old) > 0 {
				b = append(b, `,"old":`...)
				if b, ok = appendRawJSON(b, c.Old); !ok {
					return b, false
				}
			}
			if len(c.New) > 0 {
				b = append(b, `,"new":`...)
				if b, ok = appendRawJSON(b, c.New); !ok {
					return b, false
				}
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if e.Note != "" {
		b = append(b, `,"note":`...)
		b = appendJSONString(b, e.Note)
	}
	return append(b, "}\n"...), true
}

// appendJSONTime writes t as time.Time's MarshalJSON does.
func appendJSONTime(b []byte, t time.Time) ([]byte, bool) {
	if y := t.Year(); y < 0 || y > 9999 {
		return b, false
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), true
}

// appendRawJSON writes a JSON value as encoding/json writes a RawMessage:
// validated and compacted, with <, >, & and U+2028/U+2029 escaped. The
// escaping is rare in records and left to encoding/json; the rest is
// json.Compact appending in place, without Marshal's reflection and copies.
func appendRawJSON(b []byte, v json.RawMessage) ([]byte, bool) {
	for _, c := range v {
		if c == '<' || c == '>' || c == '&' || c == 0xe2 {
			out, err := json.Marshal(v)
			if err != nil {
				return b, false
			}
			return append(b, out...), true
		}
	}
	buf := bytes.NewBuffer(b)
	if err := json.Compact(buf, v); err != nil {
		return b, false
	}
	return buf.Bytes(), true
}

const hexDigits = "0123456789abcdef"

// appendJSONString writes s as encoding/json does with HTML escaping on.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
