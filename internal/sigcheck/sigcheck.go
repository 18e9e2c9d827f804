// Package sigcheck verifies the signatures of Git commits as git
// verify-commit does: OpenPGP signatures against a keyring (what gpg
// --export writes, armored or not), SSH signatures against an
// allowed-signers file (ssh-keygen's format, as gpg.ssh.allowedSignersFile
// names it). It judges a commit's signed payload and its signature; the
// caller finds both in the commit object.
package sigcheck

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"golang.org/x/crypto/ssh"
)

// Status is a verdict on a signature.
type Status string

const (
	// Verified: a good signature by a key the keyring or the allowed
	// signers hold (for SSH: allowed to sign for Git at the commit's time).
	Verified Status = "verified"
	// Bad: the signature does not match the commit, or cannot be read.
	Bad Status = "bad"
	// UnknownKey: a well-formed signature by a key neither file holds or
	// allows, which therefore cannot be checked.
	UnknownKey Status = "unknown-key"
	// Unchecked: a kind of signature no file given can check (an X.509
	// signature, or OpenPGP without --keyring, SSH without
	// --allowed-signers).
	Unchecked Status = "unchecked"
)

// Result is the verdict on one commit's signature.
type Result struct {
	Status Status
	// Signer names who signed, when the key is known: the OpenPGP key's
	// primary identity, or the SSH principals the allowed-signers line
	// gives.
	Signer string
	// Reason says why a signature is bad or unknown.
	Reason string
}

// Verifier checks signatures against the keys it was given.
type Verifier struct {
	keyring openpgp.EntityList
	allowed []allowedSigner
	pgp     bool // a keyring was given
	ssh     bool // an allowed-signers file was given
}

// New makes a verifier from a keyring (armored or binary OpenPGP public
// keys; nil for none) and an allowed-signers file (nil for none). The
// names are used in errors.
func New(keyringName string, keyring []byte, allowedName string, allowed []byte) (*Verifier, error) {
	v := &Verifier{}
	if keyring != nil {
		var err error
		if bytes.Contains(keyring, []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----")) {
			v.keyring, err = openpgp.ReadArmoredKeyRing(bytes.NewReader(keyring))
		} else {
			v.keyring, err = openpgp.ReadKeyRing(bytes.NewReader(keyring))
		}
		if err != nil {
			return nil, fmt.Errorf("%s: not an OpenPGP keyring: %w", keyringName, err)
		}
		if len(v.keyring) == 0 {
			return nil, fmt.Errorf("%s: the keyring holds no keys", keyringName)
		}
		v.pgp = true
	}
	if allowed != nil {
		var err error
		if v.allowed, err = ParseAllowedSigners(allowedName, allowed); err != nil {
			return nil, err
		}
		v.ssh = true
	}
	return v, nil
}

// Verify judges signature, made over payload (the commit object without its
// signature header) and committed at when.
func (v *Verifier) Verify(payload, signature string, when time.Time) Result {
	switch {
	case strings.HasPrefix(signature, "-----BEGIN PGP SIGNATURE-----"):
		if !v.pgp {
			return Result{Status: Unchecked, Reason: "no keyring given"}
		}
		return v.verifyPGP(payload, signature, when)
	case strings.HasPrefix(signature, "-----BEGIN SSH SIGNATURE-----"):
		if !v.ssh {
			return Result{Status: Unchecked, Reason: "no allowed-signers file given"}
		}
		return v.verifySSH(payload, signature, when)
	}
	return Result{Status: Unchecked, Reason: "a kind of signature smsctl does not check"}
}

func (v *Verifier) verifyPGP(payload, signature string, when time.Time) Result {
	config := &packet.Config{Time: func() time.Time { return when }}
	signer, err := openpgp.CheckArmoredDetachedSignature(v.keyring, strings.NewReader(payload), strings.NewReader(signature), config)
	if errors.Is(err, pgperrors.ErrUnknownIssuer) {
		return Result{Status: UnknownKey, Reason: "made by a key the keyring does not hold"}
	}
	if err != nil {
		return Result{Status: Bad, Reason: err.Error()}
	}
	name := ""
	if id := signer.PrimaryIdentity(); id != nil {
		name = id.Name
	}
	return Result{Status: Verified, Signer: name}
}

// The SSH signature format (OpenSSH's PROTOCOL.sshsig).
const (
	sshsigMagic     = "SSHSIG"
	sshsigVersion   = 1
	sshsigNamespace = "git"
)

func (v *Verifier) verifySSH(payload, signature string, when time.Time) Result {
	bad := func(format string, args ...any) Result {
		return Result{Status: Bad, Reason: fmt.Sprintf(format, args...)}
	}
	blob, err := unarmorSSH(signature)
	if err != nil {
		return bad("%v", err)
	}
	r := sshReader{b: blob}
	if magic := r.bytes(len(sshsigMagic)); string(magic) != sshsigMagic {
		return bad("not an SSH signature")
	}
	if version := r.uint32(); version != sshsigVersion {
		return bad("SSH signature version %d", version)
	}
	keyBlob, namespace, reserved, hashAlg, sigBlob := r.string(), r.string(), r.string(), r.string(), r.string()
	if r.err != nil {
		return bad("a truncated SSH signature")
	}
	pub, err := ssh.ParsePublicKey(keyBlob)
	if err != nil {
		return bad("the SSH signature's key: %v", err)
	}
	if string(namespace) != sshsigNamespace {
		return bad("an SSH signature for %q, not for git", namespace)
	}
	var digest []byte
	switch string(hashAlg) {
	case "sha256":
		d := sha256.Sum256([]byte(payload))
		digest = d[:]
	case "sha512":
		d := sha512.Sum512([]byte(payload))
		digest = d[:]
	default:
		return bad("SSH signature hash %q", hashAlg)
	}
	sr := sshReader{b: sigBlob}
	sig := &ssh.Signature{Format: string(sr.string()), Blob: sr.string()}
	if sr.err != nil {
		return bad("a truncated SSH signature")
	}
	if len(sr.b) > 0 {
		sig.Rest = sr.b // security keys: flags and counter
	}
	var signed []byte
	signed = append(signed, sshsigMagic...)
	signed = appendSSHString(signed, namespace)
	signed = appendSSHString(signed, reserved)
	signed = appendSSHString(signed, hashAlg)
	signed = appendSSHString(signed, digest)
	if err := pub.Verify(signed, sig); err != nil {
		return bad("the SSH signature does not match the commit: %v", err)
	}
	key := pub.Marshal()
	for _, a := range v.allowed {
		if !bytes.Equal(a.key, key) {
			continue
		}
		if !a.allows(sshsigNamespace, when) {
			continue
		}
		return Result{Status: Verified, Signer: strings.Join(a.principals, ",")}
	}
	return Result{Status: UnknownKey, Reason: "made by a key the allowed-signers file does not allow for git then (" + ssh.FingerprintSHA256(pub) + ")"}
}

// unarmorSSH decodes "-----BEGIN SSH SIGNATURE-----" armor.
func unarmorSSH(s string) ([]byte, error) {
	const begin, end = "-----BEGIN SSH SIGNATURE-----", "-----END SSH SIGNATURE-----"
	body, ok := strings.CutPrefix(strings.TrimSpace(s), begin)
	if !ok {
		return nil, errors.New("not an armored SSH signature")
	}
	body, ok = strings.CutSuffix(body, end)
	if !ok {
		return nil, errors.New("an SSH signature without its end line")
	}
	data, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(body), ""))
	if err != nil {
		return nil, fmt.Errorf("an SSH signature that is not base64: %w", err)
	}
	return data, nil
}

// sshReader reads SSH wire-format fields; the first error sticks.
type sshReader struct {
	b   []byte
	err error
}

func (r *sshReader) bytes(n int) []byte {
	if r.err != nil || len(r.b) < n {
		r.err = errors.New("short")
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *sshReader) uint32() uint32 {
	b := r.bytes(4)
	if b == nil {
		return 0
	}
	return binary.BigEndian.Uint32(b)
}

func (r *sshReader) string() []byte {
	n := r.uint32()
	if r.err != nil || uint64(n) > uint64(len(r.b)) {
		r.err = errors.New("short")
		return nil
	}
	return r.bytes(int(n))
}

func appendSSHString(dst, s []byte) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(s)))
	return append(dst, s...)
}
