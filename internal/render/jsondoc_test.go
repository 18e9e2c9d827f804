package render

import (
	"bytes"
	"strings"
	"testing"
)

func TestWriteJSONDoc(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSONDoc(&b, "x/1", map[string]any{"a": 1, "b": "<&>"}); err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"smsctl_schema\": \"x/1\",\n  \"smsctl_version\": \"(devel)\",\n  \"a\": 1,\n  \"b\": \"\\u003c\\u0026\\u003e\"\n}\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	if err := WriteJSONDoc(&b, "x/1", struct{}{}); err != nil || !strings.Contains(b.String(), `"smsctl_version": "(devel)"`+"\n}") {
		t.Errorf("empty object: %q %v", b.String(), err)
	}
	if err := WriteJSONDoc(&b, "x/1", []int{1}); err == nil {
		t.Error("an array was accepted: it has no place for the schema")
	}
}
