package attest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hiddeco/sshsig"
	"golang.org/x/crypto/ssh"
)

// Namespace is the SSH signature namespace of approval evidence
// (PROTOCOL.sshsig): a signature made for Git commits, files or anything
// else does not verify as evidence, nor the other way round.
const Namespace = "smsctl-attestation@smsctl"

// A note is the attestation and a detached, armored SSH signature over the
// attestation's exact bytes as the note holds them:
//
//	{
//	  "attestation": {
//	    "smsctl_attestation": 1,
//	    ...
//	  },
//	  "signature": "-----BEGIN SSH SIGNATURE-----\n...\n-----END SSH SIGNATURE-----\n"
//	}
//
// A note that is an attestation alone (what smsctl wrote before notes were
// signed), or an envelope without a signature, is read as unsigned.
type envelope struct {
	Attestation json.RawMessage `json:"attestation"`
	Signature   string          `json:"signature,omitempty"`
}

// Statuses of evidence (Check.Status).
const (
	// Verified: signed by a key the trusted sms.cue lists as an attester
	// for the merge's time, and about the commit whose note it is.
	Verified = "verified"
	// GitHub: read from GitHub just now, which confirmed the pull request,
	// its merge commit and its reviews.
	GitHub = "github"
	// Unsigned: a note without a signature.
	Unsigned = "unsigned"
	// BadSignature: the signature does not match the note, or cannot be read.
	BadSignature = "bad-signature"
	// UnknownKey: a good signature by a key the trusted sms.cue does not
	// list as an attester (then).
	UnknownKey = "unknown-key"
	// Misplaced: good evidence, but about another commit than the one
	// whose note it is.
	Misplaced = "misplaced"
	// NotChecked: read from a note, not (yet) checked.
	NotChecked = "not-checked"
)

// Check is what a reader found of evidence: whether it counts, and why
// not. It is never part of the signed attestation: a note that claims a
// verification has it replaced by the reader's.
type Check struct {
	Status string `json:"status"`
	// Attester is the identity the trusted sms.cue gives the signing key.
	Attester string `json:"attester,omitempty"`
	// Key is the signing key's SHA-256 fingerprint.
	Key string `json:"key,omitempty"`
	// Reason says why the evidence does not count.
	Reason string `json:"reason,omitempty"`
}

// Counts reports whether the evidence may be used: verified, or confirmed
// by GitHub.
func (c *Check) Counts() bool {
	return c != nil && (c.Status == Verified || c.Status == GitHub)
}

// Text is the check for people: "verified (signed by IDENTITY, key FP)",
// "unverified (unsigned)", ...
func (c *Check) Text() string {
	switch {
	case c == nil:
		return "not checked"
	case c.Status == Verified:
		return fmt.Sprintf("verified (signed by %s, key %s)", c.Attester, c.Key)
	case c.Status == GitHub:
		return "confirmed by GitHub"
	case c.Reason != "":
		return fmt.Sprintf("unverified (%s: %s)", c.Status, c.Reason)
	}
	return fmt.Sprintf("unverified (%s)", c.Status)
}

// Note is evidence as stored, before it is checked.
type Note struct {
	Attestation *Attestation
	// Signed are the bytes the signature covers: the attestation exactly as
	// the note holds it.
	Signed []byte
	// Signature is the armored SSH signature; "" when the note is unsigned.
	Signature string
}

// ParseNote reads a note: a signed envelope, or an attestation alone (an
// unsigned note of an earlier smsctl). A note that is not smsctl's
// evidence is an error.
func ParseNote(data []byte) (*Note, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("not smsctl approval evidence: %w", err)
	}
	n := &Note{Signed: data}
	if _, ok := probe["attestation"]; ok {
		var env envelope
		if err := json.Unmarshal(data, &env); err != nil {
			return nil, fmt.Errorf("not smsctl approval evidence: %w", err)
		}
		n.Signed, n.Signature = env.Attestation, env.Signature
	}
	a, err := Parse(n.Signed)
	if err != nil {
		return nil, err
	}
	n.Attestation = a
	return n, nil
}

// Seal writes the attestation as a note, signed by signer; a nil signer
// writes it unsigned (readers then show it as unverified evidence).
func Seal(a *Attestation, signer ssh.Signer) ([]byte, error) {
	body := a.marshal("  ")
	var b bytes.Buffer
	b.WriteString("{\n  \"attestation\": ")
	b.Write(body)
	if signer != nil {
		sig, err := sshsig.Sign(bytes.NewReader(body), signer, sshsig.HashSHA512, Namespace)
		if err != nil {
			return nil, fmt.Errorf("sign the evidence with %s: %w", ssh.FingerprintSHA256(signer.PublicKey()), err)
		}
		armored, _ := json.Marshal(string(sshsig.Armor(sig)))
		b.WriteString(",\n  \"signature\": ")
		b.Write(armored)
	}
	b.WriteString("\n}\n")
	return b.Bytes(), nil
}

// Attester is one key the trusted sms.cue allows to sign evidence.
type Attester struct {
	// Key is an OpenSSH public key line ("ssh-ed25519 AAAA... comment").
	Key string `json:"key"`
	// Identity is who or what holds the key.
	Identity string `json:"identity"`
	// From and Until bound the days (YYYY-MM-DD, inclusive) on which the
	// key attests merges; open when empty.
	From  string `json:"from,omitempty"`
	Until string `json:"until,omitempty"`
}

// allows says whether the attester's key may attest a merge made at when.
func (t Attester) allows(when time.Time) bool {
	day := when.UTC().Format(time.DateOnly)
	return (t.From == "" || day >= t.From) && (t.Until == "" || day <= t.Until)
}

// ParseKey reads an attester's public key line.
func ParseKey(line string) (ssh.PublicKey, error) {
	pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(line))
	if err != nil {
		return nil, fmt.Errorf("not an OpenSSH public key line: %w", err)
	}
	return pub, nil
}

// Verify checks the note's signature: made in Namespace over the
// attestation's bytes, by a key that attesters (the trusted sms.cue's)
// allow for a merge made at when. The result is Verified, Unsigned,
// BadSignature or UnknownKey; it does not check which commit the evidence
// is about (see Check in trust.go).
func (n *Note) Verify(attesters []Attester, when time.Time) *Check {
	if strings.TrimSpace(n.Signature) == "" {
		return &Check{Status: Unsigned, Reason: "the note carries no signature"}
	}
	sig, err := sshsig.Unarmor([]byte(n.Signature))
	if err != nil {
		return &Check{Status: BadSignature, Reason: "the signature cannot be read: " + err.Error()}
	}
	fp := ssh.FingerprintSHA256(sig.PublicKey)
	if err := sshsig.Verify(bytes.NewReader(n.Signed), sig, sig.PublicKey, sig.HashAlgorithm, Namespace); err != nil {
		why := err.Error()
		if errors.Is(err, sshsig.ErrNamespaceMismatch) {
			why = fmt.Sprintf("made for namespace %q, not %q", sig.Namespace, Namespace)
		}
		return &Check{Status: BadSignature, Key: fp, Reason: "the signature does not match the attestation: " + why}
	}
	listed := false
	for _, t := range attesters {
		pub, err := ParseKey(t.Key)
		if err != nil || !bytes.Equal(pub.Marshal(), sig.PublicKey.Marshal()) {
			continue
		}
		listed = true
		if t.allows(when) {
			return &Check{Status: Verified, Attester: t.Identity, Key: fp}
		}
	}
	if listed {
		return &Check{Status: UnknownKey, Key: fp, Reason: fmt.Sprintf("key %s is a trusted attester, but not on %s", fp, when.UTC().Format(time.DateOnly))}
	}
	return &Check{Status: UnknownKey, Key: fp, Reason: fmt.Sprintf("key %s is not among the attesters the trusted sms.cue lists", fp)}
}
