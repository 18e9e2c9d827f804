package attest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"strings"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// Signer signs evidence: a key read from a file, or one held by ssh-agent.
type Signer = ssh.Signer

// DialAgent connects to the ssh-agent listening on the unix socket sock
// (SSH_AUTH_SOCK) and picks its key as AgentSigner does. The signer works
// until close is called.
func DialAgent(sock, keyID string, trusted []Attester) (s Signer, close func(), err error) {
	conn, err := net.Dial("unix", sock)
	if err != nil {
		return nil, nil, fmt.Errorf("ssh-agent (SSH_AUTH_SOCK): %w", err)
	}
	if s, err = AgentSigner(agent.NewClient(conn), keyID, trusted); err != nil {
		conn.Close()
		return nil, nil, err
	}
	return s, func() { conn.Close() }, nil
}

// KeySigner reads an OpenSSH private key (what ssh-keygen writes, without
// a passphrase: the attest action writes it from a repository secret). name
// is used in errors, which never quote the key.
func KeySigner(name string, data []byte) (ssh.Signer, error) {
	s, err := ssh.ParsePrivateKey(data)
	var missing *ssh.PassphraseMissingError
	switch {
	case errors.As(err, &missing):
		return nil, fmt.Errorf("%s: the key is protected by a passphrase: load it into ssh-agent (ssh-add) and give --key-id instead", name)
	case err != nil:
		return nil, fmt.Errorf("%s: not an OpenSSH private key", name)
	}
	return s, nil
}

// AgentSigner picks the agent's key to sign with: the one keyID names (a
// SHA256: fingerprint, or an OpenSSH public key line, as a .pub file holds
// it), else the only agent key that trusted lists, else the agent's only
// key.
func AgentSigner(ag agent.Agent, keyID string, trusted []Attester) (ssh.Signer, error) {
	signers, err := ag.Signers()
	if err != nil {
		return nil, fmt.Errorf("ssh-agent: %w", err)
	}
	if len(signers) == 0 {
		return nil, errors.New("ssh-agent holds no key (ssh-add one)")
	}
	if keyID = strings.TrimSpace(keyID); keyID != "" {
		want := keyID
		if !strings.HasPrefix(keyID, "SHA256:") {
			pub, err := ParseKey(keyID)
			if err != nil {
				return nil, fmt.Errorf("--key-id: give a SHA256: fingerprint, a public key line or a .pub file: %w", err)
			}
			want = ssh.FingerprintSHA256(pub)
		}
		for _, s := range signers {
			if ssh.FingerprintSHA256(s.PublicKey()) == want {
				return s, nil
			}
		}
		return nil, fmt.Errorf("ssh-agent holds no key %s", want)
	}
	var listed []ssh.Signer
	for _, s := range signers {
		if _, ok := Listed(s.PublicKey(), trusted); ok {
			listed = append(listed, s)
		}
	}
	switch {
	case len(listed) == 1:
		return listed[0], nil
	case len(listed) == 0 && len(signers) == 1:
		return signers[0], nil
	}
	return nil, fmt.Errorf("ssh-agent holds %d keys, %d of them trusted attesters: name the one to sign with (--key-id SHA256:...)", len(signers), len(listed))
}

// Listed reports whether pub is among the attesters, and the identity it
// stands for.
func Listed(pub ssh.PublicKey, attesters []Attester) (string, bool) {
	for _, t := range attesters {
		if k, err := ParseKey(t.Key); err == nil && bytes.Equal(k.Marshal(), pub.Marshal()) {
			return t.Identity, true
		}
	}
	return "", false
}
