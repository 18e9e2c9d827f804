package render

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/smsctl/smsctl/internal/audit"
	"github.com/smsctl/smsctl/internal/records"
)

// encodeStd is what appendEntryJSON must write: encoding/json's Encoder.
func encodeStd(t *testing.T, e audit.Entry) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(e); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func checkSame(t *testing.T, e audit.Entry) {
	t.Helper()
	got, ok := appendEntryJSON(nil, &e)
	if !ok {
		t.Fatalf("appendEntryJSON declined %+v", e)
	}
	if want := encodeStd(t, e); !bytes.Equal(got, want) {
		t.Errorf("appendEntryJSON differs from encoding/json\n got: %s\nwant: %s", got, want)
	}
}

// strange holds everything encoding/json escapes.
const strange = "a\"b\\c\b\f\n\r\t\x01\x1f<x>&y\u2028\u2029 é 日本 \xff\xfe end"

// TestEntryJSONEveryField fills every field of audit.Entry, found by
// reflection, so a field added to Entry without teaching appendEntryJSON
// fails here.
func TestEntryJSONEveryField(t *testing.T) {
	pr := 42
	zone := time.FixedZone("", 5*3600+30*60)
	var e audit.Entry
	v := reflect.ValueOf(&e).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Interface().(type) {
		case string:
			f.SetString(strange + v.Type().Field(i).Name)
		case time.Time:
			f.Set(reflect.ValueOf(time.Date(2026, 3, 29, 1, 30, 15, 0, zone)))
		case *int:
			f.Set(reflect.ValueOf(&pr))
		case []records.FieldChange:
			f.Set(reflect.ValueOf([]records.FieldChange{
				{Path: "status", Old: json.RawMessage(`"draft"`), New: json.RawMessage(`"approved"`)},
				{Path: "approvals[0]", New: json.RawMessage(`{"by":"alice","at":"2026-01-02T09:00:00Z"}`)},
				{Path: "notes" + strange, Old: json.RawMessage(`[1, 2.5, "<b>&amp;</b>", "\u2028"]`)},
				{Path: "gone"},
			}))
		default:
			t.Fatalf("audit.Entry field %s has type %s, which this test and appendEntryJSON do not know", v.Type().Field(i).Name, f.Type())
		}
	}
	checkSame(t, e)
}

func TestEntryJSONEmptyAndNull(t *testing.T) {
	checkSame(t, audit.Entry{})
	checkSame(t, audit.Entry{Commit: "c", Changes: []records.FieldChange{}, AuthorTime: time.Unix(1700000000, 0).UTC()})
	checkSame(t, audit.Entry{CommitTime: time.Date(2026, 1, 1, 0, 0, 0, 123456789, time.UTC)})
}

func TestEntryJSONStrings(t *testing.T) {
	for r := rune(0); r < 0x3000; r++ {
		s := "x" + string(r) + "y"
		checkSame(t, audit.Entry{Subject: s, Path: string(r)})
	}
	for b := 0; b < 256; b++ {
		checkSame(t, audit.Entry{Subject: string([]byte{'a', byte(b), 'b'})})
	}
}

func TestEntryJSONDeclinesWhatOnlyEncodingJSONJudges(t *testing.T) {
	e := audit.Entry{AuthorTime: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}
	if _, ok := appendEntryJSON(nil, &e); ok {
		t.Error("a year past 9999 was encoded, where encoding/json reports an error")
	}
	for _, bad := range []string{`{ bad`, `{bad`, `"open`, `[1,]`, `<b>`} {
		e = audit.Entry{Changes: []records.FieldChange{{Path: "x", Old: json.RawMessage(bad)}}}
		if _, ok := appendEntryJSON(nil, &e); ok {
			t.Errorf("invalid JSON %s in a change was copied", bad)
		}
	}
}

func BenchmarkEntryJSON(b *testing.B) {
	pr := 7
	e := audit.Entry{
		Commit: "0123456789abcdef0123456789abcdef01234567", Path: "changes/2026/CHG-2026-0001.cue", Status: "M",
		Kind: "change", ID: "CHG-2026-0001", AuthorName: "Ada Lovelace", AuthorEmail: "ada@example.org",
		AuthorTime: time.Unix(1700000000, 0).UTC(), CommitterName: "Ada Lovelace", CommitterEmail: "ada@example.org",
		CommitTime: time.Unix(1700000000, 0).UTC(), Subject: "Change 1 (#1)", PR: &pr,
		Changes: []records.FieldChange{{Path: "status", Old: json.RawMessage(`"draft"`), New: json.RawMessage(`"submitted"`)}},
	}
	b.Run("fast", func(b *testing.B) {
		var buf []byte
		for b.Loop() {
			buf, _ = appendEntryJSON(buf[:0], &e)
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			json.NewEncoder(&buf).Encode(e)
		}
	})
}
