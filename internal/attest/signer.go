package attest

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

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
				return nil, fmt.Errorf("--key-id: give a SHA256: fingerprint or a public key line: %w", err)
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
		for _, t := range trusted {
			if pub, err := ParseKey(t.Key); err == nil && bytes.Equal(pub.Marshal(), s.PublicKey().Marshal()) {
				listed = append(listed, s)
				break
			}
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
