package sigcheck

import (
	"fmt"
	"path"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// allowedSigner is one line of an allowed-signers file.
type allowedSigner struct {
	principals    []string
	namespaces    []string // patterns; none means any
	after, before time.Time
	certAuthority bool
	key           []byte // the public key, in SSH wire format
}

// allows reports whether the line lets its key sign in namespace at when.
// A certificate authority's key signs certificates, not commits.
func (a allowedSigner) allows(namespace string, when time.Time) bool {
	if a.certAuthority {
		return false
	}
	if !a.after.IsZero() && when.Before(a.after) {
		return false
	}
	if !a.before.IsZero() && !when.Before(a.before) {
		return false
	}
	if len(a.namespaces) == 0 {
		return true
	}
	for _, p := range a.namespaces {
		if ok, _ := path.Match(p, namespace); ok {
			return true
		}
	}
	return false
}

// ParseAllowedSigners reads an allowed-signers file as ssh-keygen(1)
// describes it: per line, principals, options (cert-authority,
// namespaces="...", valid-after="...", valid-before="..."), a key type and
// the key, then a comment; blank lines and # comments are skipped. Times
// without a trailing Z are read as UTC, not the machine's zone. Errors name
// the file and line.
func ParseAllowedSigners(name string, data []byte) ([]allowedSigner, error) {
	var out []allowedSigner
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		errorf := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d: %s", name, n+1, fmt.Sprintf(format, args...))
		}
		fields, err := splitQuoted(line)
		if err != nil {
			return nil, errorf("%v", err)
		}
		if len(fields) < 3 {
			return nil, errorf("want principals, [options,] a key type and a key")
		}
		a := allowedSigner{}
		for _, p := range strings.Split(unquote(fields[0]), ",") {
			if p = unquote(strings.TrimSpace(p)); p != "" {
				a.principals = append(a.principals, p)
			}
		}
		rest := fields[1:]
		if !isKeyType(rest[0]) {
			if err := a.parseOptions(rest[0]); err != nil {
				return nil, errorf("%v", err)
			}
			rest = rest[1:]
		}
		if len(rest) < 2 {
			return nil, errorf("want a key type and a key after the principals and options")
		}
		key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(rest[0] + " " + rest[1]))
		if err != nil {
			return nil, errorf("the key: %v", err)
		}
		a.key = key.Marshal()
		out = append(out, a)
	}
	return out, nil
}

func isKeyType(s string) bool {
	for _, p := range []string{"ssh-", "ecdsa-", "sk-ssh-", "sk-ecdsa-", "rsa-sha2-"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func (a *allowedSigner) parseOptions(s string) error {
	opts, err := splitOptions(s)
	if err != nil {
		return err
	}
	for _, o := range opts {
		key, val, hasVal := strings.Cut(o, "=")
		val = unquote(val)
		switch strings.ToLower(key) {
		case "cert-authority":
			a.certAuthority = true
		case "namespaces":
			for _, ns := range strings.Split(val, ",") {
				a.namespaces = append(a.namespaces, strings.TrimSpace(ns))
			}
		case "valid-after", "valid-before":
			if !hasVal {
				return fmt.Errorf("option %s needs a time", key)
			}
			t, err := parseSSHTime(val)
			if err != nil {
				return fmt.Errorf("option %s: %v", key, err)
			}
			if key == "valid-after" {
				a.after = t
			} else {
				a.before = t
			}
		default:
			return fmt.Errorf("unknown option %q", key)
		}
	}
	return nil
}

// parseSSHTime reads YYYYMMDD[HHMM[SS]][Z].
func parseSSHTime(s string) (time.Time, error) {
	s = strings.TrimSuffix(s, "Z")
	for _, layout := range []string{"20060102", "200601021504", "20060102150405"} {
		if len(s) == len(layout) {
			return time.Parse(layout, s)
		}
	}
	return time.Time{}, fmt.Errorf("%q is not YYYYMMDD[HHMM[SS]][Z]", s)
}

// splitQuoted splits a line at spaces outside double quotes.
func splitQuoted(line string) ([]string, error) {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
			cur.WriteRune(r)
		case (r == ' ' || r == '\t') && !quoted:
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if quoted {
		return nil, fmt.Errorf("an unclosed quote")
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out, nil
}

// splitOptions splits options at commas outside double quotes.
func splitOptions(s string) ([]string, error) {
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	if quoted {
		return nil, fmt.Errorf("an unclosed quote in the options")
	}
	return append(out, s[start:]), nil
}

func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1]
	}
	return s
}
