package cli

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/smsctl/smsctl/internal/scaffold"
)

// attesterKeyCmd is the script command
//
//	attester-key example|new FILE [SMSCUE]
//
// which writes an OpenSSH private key to FILE and its public key line to
// FILE.pub: the example's attester key (for the example only: the acme
// sms.cue lists it), or a new random key no sms.cue lists. Given SMSCUE,
// it lists the key there as an attester ("test attester"), after the line
// "sms: {".
func attesterKeyCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || len(args) > 3 || (args[0] != "example" && args[0] != "new") {
		ts.Fatalf("usage: attester-key example|new FILE [SMSCUE]")
	}
	var priv any
	if args[0] == "example" {
		priv = scaffold.ExampleAttesterPrivateKey()
	} else {
		_, k, err := ed25519.GenerateKey(rand.Reader)
		ts.Check(err)
		priv = k
	}
	block, err := ssh.MarshalPrivateKey(priv, "smsctl test key")
	ts.Check(err)
	signer, err := ssh.NewSignerFromKey(priv)
	ts.Check(err)
	file := ts.MkAbs(args[1])
	ts.Check(os.WriteFile(file, pem.EncodeToMemory(block), 0o600))
	pub := ssh.MarshalAuthorizedKey(signer.PublicKey())
	ts.Check(os.WriteFile(file+".pub", pub, 0o644))
	if len(args) == 3 {
		smsFile := ts.MkAbs(args[2])
		data, err := os.ReadFile(smsFile)
		ts.Check(err)
		line := fmt.Sprintf("sms: {\n\tattesters: [{key: %q, identity: \"test attester\"}]\n", strings.TrimSpace(string(pub)))
		if !strings.Contains(string(data), "sms: {\n") {
			ts.Fatalf("%s has no line \"sms: {\"", args[2])
		}
		ts.Check(os.WriteFile(smsFile, []byte(strings.Replace(string(data), "sms: {\n", line, 1)), 0o644))
	}
}

// sshAgentCmd is the script command
//
//	ssh-agent KEYFILE...
//
// which serves an ssh-agent holding the keys (agent.NewKeyring, on a unix
// socket in a temporary folder) for the rest of the script, and sets
// SSH_AUTH_SOCK to it.
func sshAgentCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: ssh-agent KEYFILE...")
	}
	keyring := agent.NewKeyring()
	for _, f := range args {
		data, err := os.ReadFile(ts.MkAbs(f))
		ts.Check(err)
		k, err := ssh.ParseRawPrivateKey(data)
		ts.Check(err)
		ts.Check(keyring.Add(agent.AddedKey{PrivateKey: k}))
	}
	// A short path: unix socket paths are limited to about 100 bytes.
	dir, err := os.MkdirTemp("", "agent")
	ts.Check(err)
	sock := filepath.Join(dir, "s")
	l, err := net.Listen("unix", sock)
	ts.Check(err)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				_ = agent.ServeAgent(keyring, c)
				c.Close()
			}()
		}
	}()
	ts.Defer(func() {
		l.Close()
		os.RemoveAll(dir)
	})
	ts.Setenv("SSH_AUTH_SOCK", sock)
}

// replaceCmd is the script command
//
//	replace OLD NEW FILE
//
// which replaces the first OLD in FILE with NEW, and fails when FILE has
// no OLD: how a script tampers with evidence, one byte at a time.
func replaceCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: replace OLD NEW FILE")
	}
	file := ts.MkAbs(args[2])
	data, err := os.ReadFile(file)
	ts.Check(err)
	old, new := args[0], args[1]
	if !strings.Contains(string(data), old) {
		ts.Fatalf("%s has no %q", args[2], old)
	}
	ts.Check(os.WriteFile(file, []byte(strings.Replace(string(data), old, new, 1)), 0o644))
}
