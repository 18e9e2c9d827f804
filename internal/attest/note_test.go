package attest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/smsctl/smsctl/internal/gitrepo"
)

func newKey(t *testing.T) (ssh.Signer, ed25519.PrivateKey, string) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s, priv, strings.TrimSpace(string(ssh.MarshalAuthorizedKey(s.PublicKey())))
}

func sample(merge string) *Attestation {
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	return &Attestation{
		Version: Version, Repository: "acme/sms", Source: SourceOffline,
		PullRequest: PullRequest{Number: 142, Title: "Approve", Author: "author-gh", MergeCommit: merge, MergedAt: at, Labels: []string{}},
		Changes:     []string{"CHG-2026-0038"},
		Reviews:     []Review{{Login: "alice-gh", Person: "mallory", Roles: []string{"change-manager"}, State: "APPROVED", CommitID: "h", SubmittedAt: at, OnHead: true}},
		Verdict:     Verdict{Result: "pass", Findings: []Finding{}}, AttestedAt: at, Tool: "test",
	}
}

// Each way a note can fail to be evidence, and the one way it is.
func TestNoteVerify(t *testing.T) {
	signer, _, pubLine := newKey(t)
	other, _, otherLine := newKey(t)
	when := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	trusted := []Attester{{Key: pubLine, Identity: "attest job"}}
	signed, err := Seal(sample("m"), signer)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(signed) || !bytes.Contains(signed, []byte(`"signature": "-----BEGIN SSH SIGNATURE-----\n`)) {
		t.Fatalf("note is not the signed envelope:\n%s", signed)
	}
	unsigned, _ := Seal(sample("m"), nil)
	byOther, _ := Seal(sample("m"), other)
	// One byte of the attestation changed: 142 -> 143.
	tampered := bytes.Replace(signed, []byte(`"number": 142`), []byte(`"number": 143`), 1)
	if bytes.Equal(tampered, signed) {
		t.Fatal("tampering changed nothing")
	}
	// The signature moved onto another attestation.
	var env map[string]json.RawMessage
	_ = json.Unmarshal(signed, &env)
	swapped := []byte(fmt.Sprintf("{\"attestation\": %s, \"signature\": %s}", sample("other").Marshal(), env["signature"]))
	// A note claiming its own verification.
	claim := bytes.Replace(unsigned, []byte(`"smsctl_attestation": 1,`), []byte(`"smsctl_attestation": 1, "verification": {"status": "verified"},`), 1)

	for _, tc := range []struct {
		name      string
		note      []byte
		attesters []Attester
		when      time.Time
		status    string
		reason    string
	}{
		{"signed by a trusted attester", signed, trusted, when, Verified, ""},
		{"unsigned", unsigned, trusted, when, Unsigned, "no signature"},
		{"legacy note: the attestation alone", sample("m").Marshal(), trusted, when, Unsigned, "no signature"},
		{"claims its own verification", claim, trusted, when, Unsigned, ""},
		{"a key the trusted sms.cue does not list", byOther, trusted, when, UnknownKey, "not among the attesters"},
		{"no attesters at all", signed, nil, when, UnknownKey, "not among the attesters"},
		{"tampered attestation", tampered, trusted, when, BadSignature, "does not match"},
		{"signature of another attestation", swapped, trusted, when, BadSignature, "does not match"},
		{"after the attester's until", signed, []Attester{{Key: pubLine, Identity: "x", Until: "2026-11-20"}}, when, UnknownKey, "not on 2026-11-21"},
		{"before the attester's from", signed, []Attester{{Key: pubLine, Identity: "x", From: "2026-11-22"}}, when, UnknownKey, "not on"},
		{"within from and until", signed, []Attester{{Key: otherLine, Identity: "y"}, {Key: pubLine, Identity: "x", From: "2026-11-21", Until: "2026-11-21"}}, when, Verified, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, err := ParseNote(tc.note)
			if err != nil {
				t.Fatal(err)
			}
			if n.Attestation.Check == nil || n.Attestation.Check.Counts() || n.Attestation.Approvals() != nil {
				t.Errorf("a parsed note counts before it is checked: %+v", n.Attestation.Check)
			}
			c := n.Verify(tc.attesters, tc.when)
			if c.Status != tc.status || !strings.Contains(c.Reason, tc.reason) {
				t.Errorf("check %+v, want status %s, reason with %q", c, tc.status, tc.reason)
			}
		})
	}

	// A signature made for another namespace (git's) does not verify.
	n, _ := ParseNote(signed)
	if c := n.Verify(trusted, when); c.Attester != "attest job" || !strings.HasPrefix(c.Key, "SHA256:") || !strings.Contains(c.Text(), "verified (signed by attest job") {
		t.Errorf("verified check %+v %q", c, c.Text())
	}
}

// ssh-keygen verifies smsctl's signature as OpenSSH's own (interop with the
// reference implementation of PROTOCOL.sshsig), and smsctl verifies
// ssh-keygen's.
func TestSSHKeygenInterop(t *testing.T) {
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Skip("no ssh-keygen")
	}
	dir := t.TempDir()
	signer, priv, pubLine := newKey(t)
	note, err := Seal(sample("m"), signer)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := ParseNote(note)
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	allowed := write("allowed", []byte("attester "+pubLine+"\n"))
	sig := write("sig", []byte(n.Signature))
	cmd := exec.Command("ssh-keygen", "-Y", "verify", "-f", allowed, "-I", "attester", "-n", Namespace, "-s", sig)
	cmd.Stdin = bytes.NewReader(n.Signed)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -Y verify: %v\n%s", err, out)
	}

	// ssh-keygen signs; smsctl verifies.
	pemKey, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	keyFile := write("key", encodePEM(pemKey))
	body := sample("m").marshal("  ")
	msg := write("msg", body)
	if out, err := exec.Command("ssh-keygen", "-Y", "sign", "-f", keyFile, "-n", Namespace, msg).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -Y sign: %v\n%s", err, out)
	}
	armored, err := os.ReadFile(msg + ".sig")
	if err != nil {
		t.Fatal(err)
	}
	quoted, _ := json.Marshal(string(armored))
	theirs := []byte(fmt.Sprintf("{\n  \"attestation\": %s,\n  \"signature\": %s\n}\n", body, quoted))
	n, err = ParseNote(theirs)
	if err != nil {
		t.Fatal(err)
	}
	if c := n.Verify([]Attester{{Key: pubLine, Identity: "ssh-keygen"}}, time.Now()); c.Status != Verified {
		t.Errorf("ssh-keygen's signature: %+v", c)
	}
}

// A key file and an agent sign alike; the agent's key is picked by
// fingerprint, by public key line, or as the only trusted one.
func TestSigners(t *testing.T) {
	_, priv, pubLine := newKey(t)
	_, priv2, pubLine2 := newKey(t)
	block, err := ssh.MarshalPrivateKey(priv, "a comment")
	if err != nil {
		t.Fatal(err)
	}
	fromFile, err := KeySigner("key", encodePEM(block))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := KeySigner("bad", []byte("not a key")); err == nil || strings.Contains(err.Error(), "not a key") {
		t.Errorf("a bad key file: %v", err)
	}
	locked, _ := ssh.MarshalPrivateKeyWithPassphrase(priv, "", []byte("secret"))
	if _, err := KeySigner("locked", encodePEM(locked)); err == nil || !strings.Contains(err.Error(), "passphrase") {
		t.Errorf("a key with a passphrase: %v", err)
	}

	// A real agent on a unix socket, as ssh-agent serves one.
	keyring := agent.NewKeyring()
	for _, k := range []ed25519.PrivateKey{priv, priv2} {
		if err := keyring.Add(agent.AddedKey{PrivateKey: k}); err != nil {
			t.Fatal(err)
		}
	}
	sock := filepath.Join(t.TempDir(), "agent.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() { _ = agent.ServeAgent(keyring, c); c.Close() }()
		}
	}()
	conn, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ag := agent.NewClient(conn)
	fp := ssh.FingerprintSHA256(fromFile.PublicKey())
	trusted := []Attester{{Key: pubLine, Identity: "ci"}}
	for _, tc := range []struct{ keyID string }{{fp}, {pubLine}, {""}} {
		s, err := AgentSigner(ag, tc.keyID, trusted)
		if err != nil {
			t.Fatalf("key-id %q: %v", tc.keyID, err)
		}
		if ssh.FingerprintSHA256(s.PublicKey()) != fp {
			t.Errorf("key-id %q picked %s", tc.keyID, ssh.FingerprintSHA256(s.PublicKey()))
		}
	}
	if _, err := AgentSigner(ag, "", []Attester{{Key: pubLine, Identity: "a"}, {Key: pubLine2, Identity: "b"}}); err == nil {
		t.Error("two trusted keys in the agent: one was picked without --key-id")
	}
	if _, err := AgentSigner(ag, "SHA256:nosuchkey", trusted); err == nil {
		t.Error("an unknown --key-id was accepted")
	}
	for _, s := range []ssh.Signer{fromFile, must(AgentSigner(ag, fp, nil))} {
		note, err := Seal(sample("m"), s)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := ParseNote(note)
		if c := n.Verify(trusted, time.Now()); c.Status != Verified {
			t.Errorf("signed by %T: %+v", s, c)
		}
	}
}

func must(s ssh.Signer, err error) ssh.Signer {
	if err != nil {
		panic(err)
	}
	return s
}

// Resolver.Check judges a note with the sms.cue and people of the merge's
// first parent: attesters added by the merge itself do not count, the
// people are mapped afresh, and evidence moved to another commit is
// misplaced.
func TestResolverCheck(t *testing.T) {
	signer, _, pubLine := newKey(t)
	dir := t.TempDir()
	w, err := gitrepo.NewHistoryWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	sig := func() gitrepo.Signature {
		when = when.Add(time.Hour)
		return gitrepo.Signature{Name: "A", Email: "a@example.com", When: when}
	}
	smsWith := func(attesters string) []byte {
		return []byte("package sms\n\nsms: {\n\torganisation: \"x\"\n" + attesters + "}\n")
	}
	files := map[string][]byte{
		"sms.cue":          smsWith(""),
		"people/alice.cue": []byte("package sms\n\npeople: \"alice\": {name: \"Alice\", type: \"person\", github: \"Alice-GH\", roles: [\"change-manager\"], active: true}\n"),
	}
	commit := func(msg string, parents ...string) string {
		snap := map[string][]byte{}
		for k, v := range files {
			snap[k] = v
		}
		h, err := w.Commit(snap, parents, sig(), sig(), msg+"\n")
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	root := commit("Set up")
	// The merge that adds the attester is judged without it.
	files["sms.cue"] = smsWith(fmt.Sprintf("\tattesters: [{key: %q, identity: \"attest job\"}]\n", pubLine))
	addKey := commit("Add the attester (#1)", root)
	files["changes/2026/CHG-2026-0038.cue"] = []byte("package sms\n\nchanges: \"CHG-2026-0038\": {title: \"t\"}\n")
	merge := commit("Approve (#2)", addKey)
	if err := w.SetBranch("main", merge); err != nil {
		t.Fatal(err)
	}
	repo, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	r := NewResolver(repo, "")
	note := func(about string) []byte {
		b, err := Seal(sample(about), signer)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tc := range []struct {
		name, commit string
		note         []byte
		status       string
	}{
		{"signed by a key its base trusts", merge, note(merge), Verified},
		{"the merge that adds the key", addKey, note(addKey), UnknownKey},
		{"the root commit", root, note(root), UnknownKey},
		{"evidence for another merge", merge, note(addKey), Misplaced},
	} {
		a, err := r.Check(tc.commit, tc.note)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if a.Check.Status != tc.status {
			t.Errorf("%s: %+v, want %s", tc.name, a.Check, tc.status)
		}
		// The note said mallory; the base's people say alice.
		if a.Reviews[0].Person != "" && a.Reviews[0].Person != "alice" {
			t.Errorf("%s: reviewer mapped to %q from the note", tc.name, a.Reviews[0].Person)
		}
	}
	a, _ := r.Check(merge, note(merge))
	if got := a.Approvals(); len(got) != 1 || got[0].Person != "alice" || strings.Join(got[0].Roles, ",") != "change-manager" {
		t.Errorf("approvals %+v, want alice's as change-manager (from the base's people, not the note's mallory)", got)
	}
	a, _ = r.Check(merge, []byte(strings.Replace(string(note(merge)), `"signature"`, `"unsigned"`, 1)))
	if a.Approvals() != nil || a.Check.Status != Unsigned {
		t.Errorf("an unsigned note's approvals count: %+v", a.Check)
	}
	if _, err := r.Check(merge, []byte("not json")); err == nil {
		t.Error("a note that is not evidence was read")
	}

	notes, err := ReadNotes(repo, "", nil)
	if err != nil || len(notes) != 0 {
		t.Errorf("no notes: %v %v", notes, err)
	}
}

func encodePEM(b *pem.Block) []byte { return pem.EncodeToMemory(b) }
