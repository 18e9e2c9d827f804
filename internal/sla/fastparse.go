package sla

import (
	"bytes"
	"fmt"
	"time"
	"unicode/utf8"
)

// A ticket's JSON is read by a small scanner that knows the fields the
// clock needs and skips the rest, without reflection and with the repeated
// strings (services, customers, priorities, reasons) interned: at a million
// tickets, encoding/json took two thirds of the measurement. Anything the
// scanner does not expect (escapes in a value it keeps, a time that is not
// plain RFC 3339) sends the ticket to encoding/json, which decides; a
// differential test holds the two to the same result.

// interner shares one copy of each repeated string; not safe for
// concurrent use (one per worker).
type interner map[string]string

func (in interner) get(b []byte) string {
	if s, ok := in[string(b)]; ok {
		return s
	}
	s := string(b)
	in[s] = s
	return s
}

type scan struct {
	b  []byte
	i  int
	ok bool
}

func (s *scan) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// next reports whether the next non-space byte is c, and consumes it.
func (s *scan) next(c byte) bool {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

func (s *scan) fail() { s.ok = false }

// str reads a string without escapes; a string with escapes fails the
// scan (encoding/json then reads the record).
func (s *scan) str() []byte {
	if !s.ok || !s.next('"') {
		s.fail()
		return nil
	}
	start := s.i
	for s.i < len(s.b) {
		switch c := s.b[s.i]; {
		case c == '"':
			s.i++
			return s.b[start : s.i-1]
		case c == '\\' || c < 0x20:
			s.fail()
			return nil
		case c >= 0x80:
			// encoding/json replaces invalid UTF-8; let it.
			if r, n := utf8.DecodeRune(s.b[s.i:]); r == utf8.RuneError && n <= 1 {
				s.fail()
				return nil
			}
		}
		s.i++
	}
	s.fail()
	return nil
}

// skip skips one value of any type, escapes included.
func (s *scan) skip() {
	if !s.ok {
		return
	}
	s.ws()
	if s.i >= len(s.b) {
		s.fail()
		return
	}
	switch c := s.b[s.i]; {
	case c == '"':
		s.i++
		for s.i < len(s.b) {
			switch c := s.b[s.i]; {
			case c == '\\':
				if s.i+1 >= len(s.b) {
					s.fail()
					return
				}
				switch s.b[s.i+1] {
				case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
					s.i += 2
				case 'u':
					if s.i+6 > len(s.b) || !isHex(s.b[s.i+2:s.i+6]) {
						s.fail()
						return
					}
					s.i += 6
				default:
					s.fail()
					return
				}
				continue
			case c == '"':
				s.i++
				return
			case c < 0x20:
				s.fail()
				return
			}
			s.i++
		}
		s.fail()
	case c == '{':
		s.object(func([]byte) { s.skip() })
	case c == '[':
		s.array(func() { s.skip() })
	case c == '-' || c >= '0' && c <= '9':
		s.number()
	default:
		for _, lit := range []string{"true", "false", "null"} {
			if len(s.b)-s.i >= len(lit) && string(s.b[s.i:s.i+len(lit)]) == lit {
				s.i += len(lit)
				return
			}
		}
		s.fail()
	}
}

func isHex(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// number skips a JSON number, checking its grammar:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scan) number() {
	digits := func() int {
		n := 0
		for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
			s.i++
			n++
		}
		return n
	}
	if s.b[s.i] == '-' {
		s.i++
	}
	if s.i < len(s.b) && s.b[s.i] == '0' {
		s.i++
	} else if digits() == 0 {
		s.fail()
		return
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if digits() == 0 {
			s.fail()
			return
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if digits() == 0 {
			s.fail()
		}
	}
}

// object calls fn with each key; fn consumes the value.
func (s *scan) object(fn func(key []byte)) {
	if !s.ok || !s.next('{') {
		s.fail()
		return
	}
	if s.next('}') {
		return
	}
	for s.ok {
		key := s.str()
		if !s.next(':') {
			s.fail()
			return
		}
		fn(key)
		if s.next(',') {
			continue
		}
		if !s.next('}') {
			s.fail()
		}
		return
	}
}

// array calls fn for each element; fn consumes it.
func (s *scan) array(fn func()) {
	if !s.ok || !s.next('[') {
		s.fail()
		return
	}
	if s.next(']') {
		return
	}
	for s.ok {
		fn()
		if s.next(',') {
			continue
		}
		if !s.next(']') {
			s.fail()
		}
		return
	}
}

func (s *scan) strings(in interner) []string {
	var out []string
	s.array(func() {
		if v := s.str(); s.ok {
			out = append(out, in.get(v))
		}
	})
	return out
}

func (s *scan) time() time.Time {
	v := s.str()
	if !s.ok {
		return time.Time{}
	}
	t, ok := parseRFC3339(v)
	if !ok {
		s.fail()
	}
	return t
}

// parseRFC3339 reads YYYY-MM-DDTHH:MM:SS followed by Z or ±HH:MM, the
// form records carry, as an instant in UTC; anything else is not ok.
func parseRFC3339(b []byte) (time.Time, bool) {
	if len(b) != 20 && len(b) != 25 {
		return time.Time{}, false
	}
	num := func(i, n int) (int, bool) {
		v := 0
		for _, c := range b[i : i+n] {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	if b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	y, ok1 := num(0, 4)
	mo, ok2 := num(5, 2)
	d, ok3 := num(8, 2)
	h, ok4 := num(11, 2)
	mi, ok5 := num(14, 2)
	sec, ok6 := num(17, 2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	offset := 0
	if len(b) == 20 {
		if b[19] != 'Z' {
			return time.Time{}, false
		}
	} else {
		oh, ok1 := num(20, 2)
		om, ok2 := num(23, 2)
		if !ok1 || !ok2 || b[22] != ':' || oh > 23 || om > 59 {
			return time.Time{}, false
		}
		offset = (oh*60 + om) * 60
		switch b[19] {
		case '+':
		case '-':
			offset = -offset
		default:
			return time.Time{}, false
		}
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, 0, time.UTC)
	return t.Add(-time.Duration(offset) * time.Second), true
}

func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// ticketKeys are the fields of jsonTicket.
var ticketKeys = []string{"services", "service", "customer", "priority", "status", "priority_history",
	"opened", "acknowledged", "resolved", "fulfilled", "closed", "pauses", "outage"}

var (
	historyKeys = []string{"priority", "until"}
	pauseKeys   = []string{"start", "end", "reason"}
	outageKeys  = []string{"start", "end", "services"}
)

// known checks key against the fields of the struct being read: a field
// seen twice, or spelt in another case (encoding/json matches keys without
// regard to case), fails the scan, so that encoding/json decides.
func (s *scan) known(key []byte, fields []string, seen *uint32) {
	for i, k := range fields {
		if bytes.EqualFold(key, []byte(k)) {
			if *seen&(1<<i) != 0 || string(key) != k {
				s.fail()
			}
			*seen |= 1 << i
			return
		}
	}
}

// fastTicket reads a ticket's JSON with the scanner; false when
// encoding/json must decide.
func fastTicket(kind, id string, data []byte, in interner) (*Ticket, bool) {
	t := &Ticket{Kind: kind, ID: id}
	s := &scan{b: data, ok: true}
	var service string
	var fulfilled, resolved, closed time.Time
	hasOpened := false
	var seen uint32
	s.object(func(key []byte) {
		if s.known(key, ticketKeys, &seen); !s.ok {
			return
		}
		switch string(key) {
		case "services":
			t.Services = s.strings(in)
		case "service":
			service = in.get(s.str())
		case "customer":
			t.Customer = in.get(s.str())
		case "priority":
			t.Priority = in.get(s.str())
		case "status":
			t.Status = in.get(s.str())
		case "opened":
			t.Opened, hasOpened = s.time(), true
		case "acknowledged":
			t.Acknowledged = s.time()
		case "resolved":
			resolved = s.time()
		case "fulfilled":
			fulfilled = s.time()
		case "closed":
			closed = s.time()
		case "priority_history":
			s.array(func() {
				var h PriorityChange
				var seen uint32
				s.object(func(k []byte) {
					if s.known(k, historyKeys, &seen); !s.ok {
						return
					}
					switch string(k) {
					case "priority":
						h.Priority = in.get(s.str())
					case "until":
						h.Until = s.time()
					default:
						s.skip()
					}
				})
				t.History = append(t.History, h)
			})
		case "pauses":
			s.array(func() {
				var p Pause
				var seen uint32
				s.object(func(k []byte) {
					if s.known(k, pauseKeys, &seen); !s.ok {
						return
					}
					switch string(k) {
					case "start":
						p.Start = s.time()
					case "end":
						p.End = s.time()
					case "reason":
						p.Reason = in.get(s.str())
					default:
						s.skip()
					}
				})
				t.Pauses = append(t.Pauses, p)
			})
		case "outage":
			o := &Outage{}
			var seen uint32
			s.object(func(k []byte) {
				if s.known(k, outageKeys, &seen); !s.ok {
					return
				}
				switch string(k) {
				case "start":
					o.Start = s.time()
				case "end":
					o.End = s.time()
				case "services":
					o.Services = s.strings(in)
				default:
					s.skip()
				}
			})
			t.Outage = o
		default:
			s.skip()
		}
	})
	s.ws()
	if !s.ok || s.i != len(s.b) || !hasOpened {
		return nil, false
	}
	t.finish(service, resolved, fulfilled, closed)
	return t, true
}

// finish applies the rules both readers share: a request's one service,
// and what stands for the resolution.
func (t *Ticket) finish(service string, resolved, fulfilled, closed time.Time) {
	if t.Kind == "request" {
		if service != "" {
			t.Services = []string{service}
		}
		t.Resolved = fulfilled
	} else {
		t.Resolved = resolved
	}
	t.Inconsistent = t.timeline(closed)
	// A closed ticket that does not say when it was resolved is measured
	// to its closure: no earlier than its resolution, so a target it met
	// then was met (policy incident.resolved_time and ticket.timeline
	// report the missing time).
	if t.Resolved.IsZero() && t.Status == "closed" {
		t.Resolved = closed
	}
}

// timeline says why the ticket's timestamps contradict each other, or ""
// when they do not: opened, acknowledged, resolved (fulfilled) and closed,
// those present, must come in that order, and each pause must start no
// earlier than opened, end no earlier than it started, and lie within the
// ticket's life, which ends when it was resolved (else closed). The rule
// ticket.timeline of the built-in policies judges the same.
func (t *Ticket) timeline(closed time.Time) string {
	resolution := "resolved"
	if t.Kind == "request" {
		resolution = "fulfilled"
	}
	stamps := [...]struct {
		name string
		at   time.Time
	}{{"opened", t.Opened}, {"acknowledged", t.Acknowledged}, {resolution, t.Resolved}, {"closed", closed}}
	last := 0
	for i := 1; i < len(stamps); i++ {
		if stamps[i].at.IsZero() {
			continue
		}
		if stamps[i].at.Before(stamps[last].at) {
			return stamps[i].name + " before " + stamps[last].name
		}
		last = i
	}
	end := t.Resolved
	if end.IsZero() {
		end = closed
	}
	for i, p := range t.Pauses {
		switch {
		case p.Start.Before(t.Opened):
			return fmt.Sprintf("pauses[%d] starts before opened", i)
		case !p.End.IsZero() && p.End.Before(p.Start):
			return fmt.Sprintf("pauses[%d] ends before it starts", i)
		case !end.IsZero() && p.End.IsZero():
			return fmt.Sprintf("pauses[%d] has no end though the ticket is %s", i, stamps[2].name)
		case !end.IsZero() && p.End.After(end):
			return fmt.Sprintf("pauses[%d] ends after the ticket's life", i)
		}
	}
	return ""
}
