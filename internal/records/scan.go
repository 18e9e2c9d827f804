package records

import (
	"strconv"
	"unicode/utf8"

	"cuelang.org/go/cue/token"
)

// The literal scanner. Parsing a record with CUE's parser is most of the
// cost of loading a large repository, yet almost every record is the same
// small form: `package sms`, comments, and one field whose value is literal
// data. scanRecord reads exactly that form, and nothing more, straight into
// the decoded node the fast path checks; anything else (a backslash in a
// string, a multi-line string, a reference, an attribute, a negative number,
// an optional field, ...) makes it give up, and the file goes through CUE's
// parser as before. A differential test and a fuzz target hold its result
// equal to what CUE's parser and decode give whenever it succeeds.

// scanned is what scanRecord read: the record's kind field, its ID (empty
// for sms.cue), the ID label's position, and the value.
type scanned struct {
	field  string
	id     string
	line   int
	column int
	body   *node
}

type scanner struct {
	src  []byte
	i    int
	file *token.File
}

// scanRecord reads a record file in the literal form; ok is false when the
// file is anything else.
func scanRecord(name string, src []byte) (scanned, bool) {
	if !utf8.Valid(src) {
		return scanned{}, false
	}
	s := &scanner{src: src, file: token.NewFile(name, 0, len(src)+1)}
	// Positions must be comparable with the parser's: token.File records
	// line starts, so mark them all.
	for i, c := range src {
		if c == '\n' {
			s.file.AddLine(i + 1)
		}
	}
	s.skip()
	if !s.word("package") || !s.space() || !s.word("sms") {
		return scanned{}, false
	}
	if !s.endOfLine() {
		return scanned{}, false
	}
	s.skip()
	topPos := s.pos()
	field, _, ok := s.label()
	if !ok || !s.colon() {
		return scanned{}, false
	}
	s.space()
	out := scanned{field: field}
	if field == SMSKind.Field {
		if s.peek() != '{' {
			return scanned{}, false
		}
		body, ok := s.value(topPos)
		if !ok {
			return scanned{}, false
		}
		out.body, out.line, out.column = body, topPos.Line(), topPos.Column()
	} else {
		labelPos := s.pos()
		id, quoted, ok := s.label()
		if !ok || !quoted || !s.colon() {
			return scanned{}, false
		}
		s.space()
		if s.peek() != '{' {
			return scanned{}, false
		}
		body, ok := s.value(labelPos)
		if !ok {
			return scanned{}, false
		}
		out.id, out.body, out.line, out.column = id, body, labelPos.Line(), labelPos.Column()
	}
	s.skip()
	if s.i != len(s.src) {
		return scanned{}, false // more than one top-level field, or junk
	}
	return out, true
}

func (s *scanner) peek() byte {
	if s.i < len(s.src) {
		return s.src[s.i]
	}
	return 0
}

func (s *scanner) advance() { s.i++ }

func (s *scanner) pos() token.Pos { return s.file.Pos(s.i, token.NoRelPos) }

// skip skips blanks, newlines and // comments.
func (s *scanner) skip() {
	for s.i < len(s.src) {
		switch c := s.src[s.i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			s.advance()
		case c == '/' && s.i+1 < len(s.src) && s.src[s.i+1] == '/':
			for s.i < len(s.src) && s.src[s.i] != '\n' {
				s.advance()
			}
		default:
			return
		}
	}
}

// space skips blanks on the same line; it reports whether there were any.
func (s *scanner) space() bool {
	start := s.i
	for s.i < len(s.src) && (s.src[s.i] == ' ' || s.src[s.i] == '\t') {
		s.advance()
	}
	return s.i > start
}

// endOfLine accepts blanks, an optional comment and a newline (or the end).
func (s *scanner) endOfLine() bool {
	s.space()
	if s.i+1 < len(s.src) && s.src[s.i] == '/' && s.src[s.i+1] == '/' {
		for s.i < len(s.src) && s.src[s.i] != '\n' {
			s.advance()
		}
	}
	if s.i == len(s.src) {
		return true
	}
	if s.src[s.i] == '\r' {
		s.advance()
	}
	if s.i < len(s.src) && s.src[s.i] == '\n' {
		s.advance()
		return true
	}
	return false
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// word reads an exact identifier, not followed by another identifier
// character.
func (s *scanner) word(w string) bool {
	if len(s.src)-s.i < len(w) || string(s.src[s.i:s.i+len(w)]) != w {
		return false
	}
	if j := s.i + len(w); j < len(s.src) && (isLetter(s.src[j]) || isDigit(s.src[j]) || s.src[j] == '_' || s.src[j] == '$' || s.src[j] == '#') {
		return false
	}
	for range w {
		s.advance()
	}
	return true
}

// keywords may not be labels here: CUE reads some of them as syntax.
var keywords = map[string]bool{"package": true, "import": true, "for": true, "in": true, "if": true, "let": true, "true": true, "false": true, "null": true, "div": true, "mod": true, "quo": true, "rem": true, "func": true}

// label reads a plain identifier (letters, digits, underscores; starting
// with a letter) or a double-quoted string without escapes.
func (s *scanner) label() (string, bool, bool) {
	switch c := s.peek(); {
	case c == '"':
		str, ok := s.str()
		return str, true, ok
	case isLetter(c):
		start := s.i
		for s.i < len(s.src) && (isLetter(s.src[s.i]) || isDigit(s.src[s.i]) || s.src[s.i] == '_') {
			s.advance()
		}
		if c := s.peek(); c == '$' || c == '#' || c >= 0x80 {
			return "", false, false
		}
		w := string(s.src[start:s.i])
		if keywords[w] {
			return "", false, false
		}
		return w, false, true
	}
	return "", false, false
}

// colon reads `:` right after a label (no `?`, `!` or alias) and the
// blanks after it.
func (s *scanner) colon() bool {
	if s.peek() != ':' {
		return false
	}
	s.advance()
	if c := s.peek(); c != ' ' && c != '\t' && c != '\n' && c != '{' && c != '[' && c != '"' && !isDigit(c) && !isLetter(c) {
		return false
	}
	return true
}

// str reads a double-quoted, single-line string without backslashes.
func (s *scanner) str() (string, bool) {
	if s.peek() != '"' || (s.i+2 < len(s.src) && s.src[s.i+1] == '"' && s.src[s.i+2] == '"') {
		return "", false
	}
	s.advance()
	start := s.i
	for s.i < len(s.src) {
		switch s.src[s.i] {
		case '"':
			str := string(s.src[start:s.i])
			s.advance()
			return str, true
		case '\\':
			return "", false
		}
		if c := s.src[s.i]; c < 0x20 || c == 0x7f {
			return "", false // control characters: the parser decides
		}
		s.advance()
	}
	return "", false
}

// value reads a literal value; pos is the position CUE gives it (its
// field's label for a field value, its own for a list element).
func (s *scanner) value(pos token.Pos) (*node, bool) {
	switch c := s.peek(); {
	case c == '{':
		s.advance()
		n := &node{kind: nStruct, pos: pos}
		for {
			s.skip()
			if s.peek() == '}' {
				s.advance()
				return n, true
			}
			if !s.fieldInto(n) {
				return nil, false
			}
			if !s.separator('}') {
				return nil, false
			}
		}
	case c == '[':
		s.advance()
		n := &node{kind: nList, pos: pos}
		for {
			s.skip()
			if s.peek() == ']' {
				s.advance()
				return n, true
			}
			e, ok := s.value(s.pos())
			if !ok {
				return nil, false
			}
			n.elems = append(n.elems, e)
			if !s.separator(']') {
				return nil, false
			}
		}
	case c == '"':
		str, ok := s.str()
		if !ok {
			return nil, false
		}
		return &node{kind: nString, s: str, pos: pos}, true
	case isDigit(c):
		start := s.i
		for isDigit(s.peek()) {
			s.advance()
		}
		k := nInt
		if s.peek() == '.' {
			k = nFloat
			s.advance()
			if !isDigit(s.peek()) {
				return nil, false
			}
			for isDigit(s.peek()) {
				s.advance()
			}
		}
		if c := s.peek(); isLetter(c) || c == '_' || c == '.' {
			return nil, false // exponents, multipliers, separators: CUE's
		}
		raw := string(s.src[start:s.i])
		if (k == nInt && !intLit.MatchString(raw)) || (k == nFloat && !floatLit.MatchString(raw)) {
			return nil, false
		}
		v, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			return nil, false
		}
		return &node{kind: k, num: v, raw: raw, pos: pos}, true
	case c == 't' || c == 'f':
		if s.word("true") {
			return &node{kind: nBool, b: true, pos: pos}, true
		}
		if s.word("false") {
			return &node{kind: nBool, b: false, pos: pos}, true
		}
	}
	return nil, false
}

// fieldInto reads `label: value` (or the shorthand `a: b: value`) into a
// struct node, refusing a duplicate label.
func (s *scanner) fieldInto(n *node) bool {
	labelPos := s.pos()
	name, _, ok := s.label()
	if !ok || !s.colon() || n.field(name) != nil {
		return false
	}
	s.space()
	var v *node
	if (isLetter(s.peek()) && !s.startsLiteralWord()) || (s.peek() == '"' && s.quotedLabelFollows()) {
		// Shorthand: `a: b: 1` is `a: {b: 1}`.
		inner := &node{kind: nStruct, pos: labelPos}
		if !s.fieldInto(inner) {
			return false
		}
		v = inner
	} else if v, ok = s.value(labelPos); !ok {
		return false
	}
	n.fields = append(n.fields, nfield{name: name, val: v})
	return true
}

// separator reads what ends a field or list element: a comma on the same
// line, or a newline (CUE then inserts the comma itself, so a comma after
// the newline would be a second one and is refused), or the closing
// bracket.
func (s *scanner) separator(closing byte) bool {
	s.space()
	switch c := s.peek(); {
	case c == ',':
		s.advance()
		return true
	case c == closing:
		return true
	case c == '\n' || c == '\r' || c == '/':
		if c == '/' && (s.i+1 >= len(s.src) || s.src[s.i+1] != '/') {
			return false
		}
		s.skip()
		return s.peek() != ','
	}
	return false
}

// startsLiteralWord reports whether the identifier ahead is true or false.
func (s *scanner) startsLiteralWord() bool {
	for _, w := range []string{"true", "false"} {
		if len(s.src)-s.i >= len(w) && string(s.src[s.i:s.i+len(w)]) == w {
			j := s.i + len(w)
			if j == len(s.src) || !(isLetter(s.src[j]) || isDigit(s.src[j]) || s.src[j] == '_' || s.src[j] == '$' || s.src[j] == '#') {
				return true
			}
		}
	}
	return false
}

// quotedLabelFollows reports whether a quoted string ahead is a label
// (followed by a colon) rather than a value.
func (s *scanner) quotedLabelFollows() bool {
	j := s.i + 1
	for j < len(s.src) && s.src[j] != '"' && s.src[j] != '\n' {
		j++
	}
	return j+1 < len(s.src) && s.src[j] == '"' && s.src[j+1] == ':'
}
