package sigcheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smsctl/smsctl/internal/gitrepo"
)

const edKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGyfs04Fw6nUbNq6JGw4oQxZZ2ZSgpfUrZj8sOk5YQUr"

func TestParseAllowedSigners(t *testing.T) {
	good := strings.Join([]string{
		"# comment",
		"",
		"ada@example.com " + edKey + " ada's laptop",
		`ada@example.com,"grace hopper@example.com" namespaces="git,file" ` + edKey,
		`*@example.com valid-after="20260101",valid-before="20270101Z" ` + edKey,
		`ca@example.com cert-authority ` + edKey,
	}, "\n")
	signers, err := ParseAllowedSigners("allowed", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(signers) != 4 {
		t.Fatalf("got %d signers, want 4", len(signers))
	}
	if got := signers[1].principals; len(got) != 2 || got[1] != "grace hopper@example.com" {
		t.Errorf("principals = %q", got)
	}
	jan := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		i    int
		ns   string
		when time.Time
		want bool
	}{
		{0, "git", jan, true},
		{1, "git", jan, true},
		{1, "email", jan, false},
		{2, "git", jan, true},
		{2, "git", time.Date(2025, 12, 31, 23, 0, 0, 0, time.UTC), false},
		{2, "git", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{3, "git", jan, false},
	} {
		if got := signers[tt.i].allows(tt.ns, tt.when); got != tt.want {
			t.Errorf("line %d allows(%s, %s) = %v, want %v", tt.i, tt.ns, tt.when, got, tt.want)
		}
	}

	for _, bad := range []struct{ text, want string }{
		{"ada@example.com", "allowed:1: want principals"},
		{"# x\nada@example.com ssh-ed25519 AAAAnotakey", "allowed:2: the key"},
		{`ada@example.com namespaces="git ` + edKey, "allowed:1: an unclosed quote"},
		{`ada@example.com valid-after="yesterday" ` + edKey, `allowed:1: option valid-after: "yesterday" is not`},
		{`ada@example.com no-touch-required ` + edKey, `allowed:1: unknown option "no-touch-required"`},
	} {
		_, err := ParseAllowedSigners("allowed", []byte(bad.text))
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%q: error %v, want %q", bad.text, err, bad.want)
		}
	}
}

func TestNewRejectsBadFiles(t *testing.T) {
	if _, err := New("keys.asc", []byte("not a keyring"), "", nil); err == nil || !strings.Contains(err.Error(), "keys.asc") {
		t.Errorf("a bad keyring: %v", err)
	}
	if _, err := New("", nil, "allowed", []byte("x")); err == nil || !strings.Contains(err.Error(), "allowed:1") {
		t.Errorf("a bad allowed-signers file: %v", err)
	}
	v, err := New("", nil, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, sig := range []string{"-----BEGIN PGP SIGNATURE-----\nx\n", "-----BEGIN SSH SIGNATURE-----\nx\n", "-----BEGIN SIGNED MESSAGE-----\n"} {
		if r := v.Verify("payload", sig, time.Now()); r.Status != Unchecked {
			t.Errorf("%q with no keys: %s, want unchecked", sig, r.Status)
		}
	}
}

// signingRepo is a repository with commits signed by git itself, with
// ssh-keygen and gpg, and the files to check them.
type signingRepo struct {
	t                  *testing.T
	dir, home, gnupg   string
	allowed, keyring   string
	env                []string
	sshKey, strangeKey string
}

func needTools(t *testing.T, tools ...string) {
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
}

func (r *signingRepo) run(stdin string, name string, args ...string) string {
	r.t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = r.dir
	cmd.Env = r.env
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		r.t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, msg)
	}
	return string(out)
}

func newSigningRepo(t *testing.T) *signingRepo {
	needTools(t, "git", "ssh-keygen", "gpg")
	base := t.TempDir()
	r := &signingRepo{t: t, dir: filepath.Join(base, "repo"), home: base, gnupg: filepath.Join(base, "g")}
	for _, d := range []string{r.dir, r.gnupg} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	r.env = append(os.Environ(), "HOME="+base, "GNUPGHOME="+r.gnupg, "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=ada@example.com",
		"GIT_COMMITTER_NAME=Ada", "GIT_COMMITTER_EMAIL=ada@example.com")
	r.sshKey, r.strangeKey = filepath.Join(base, "ada"), filepath.Join(base, "stranger")
	r.run("", "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ada", "-f", r.sshKey)
	r.run("", "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "stranger", "-f", r.strangeKey)
	pub := r.run("", "cat", r.sshKey+".pub")
	r.allowed = filepath.Join(base, "allowed_signers")
	if err := os.WriteFile(r.allowed, []byte(`ada@example.com namespaces="git" `+pub), 0o644); err != nil {
		t.Fatal(err)
	}
	r.run("", "gpg", "--batch", "--quiet", "--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key", "Ada Lovelace <ada@example.com>", "ed25519", "sign", "never")
	r.keyring = filepath.Join(base, "keys.asc")
	if err := os.WriteFile(r.keyring, []byte(r.run("", "gpg", "--batch", "--armor", "--export", "ada@example.com")), 0o644); err != nil {
		t.Fatal(err)
	}
	r.run("", "git", "init", "-q", "-b", "main")
	r.run("", "git", "config", "gpg.ssh.allowedSignersFile", r.allowed)
	return r
}

// commit makes a commit, signed with the git options given.
func (r *signingRepo) commit(msg string, sign ...string) string {
	args := append(append([]string{}, sign...), "commit", "-q", "--allow-empty", "-m", msg)
	r.run("", "git", args...)
	return strings.TrimSpace(r.run("", "git", "rev-parse", "HEAD"))
}

// The verdicts equal git's own (%G?), with ssh-keygen and gpg checking.
func TestVerifyMatchesGit(t *testing.T) {
	r := newSigningRepo(t)
	sshSign := []string{"-c", "gpg.format=ssh", "-c", "user.signingkey=" + r.sshKey + ".pub", "-c", "commit.gpgsign=true"}
	strangerSign := []string{"-c", "gpg.format=ssh", "-c", "user.signingkey=" + r.strangeKey + ".pub", "-c", "commit.gpgsign=true"}
	gpgSign := []string{"-c", "user.signingkey=ada@example.com", "-c", "commit.gpgsign=true"}

	commits := map[string]string{
		"ssh":      r.commit("Signed with SSH", sshSign...),
		"stranger": r.commit("Signed by a stranger", strangerSign...),
		"gpg":      r.commit("Signed with GPG", gpgSign...),
		"unsigned": r.commit("Not signed"),
	}
	// Forged: a signed commit's signature on another message.
	for _, name := range []string{"ssh", "gpg"} {
		raw := r.run("", "git", "cat-file", "commit", commits[name])
		forged := strings.Replace(raw, "Signed with", "Forged, signed with", 1)
		commits["forged "+name] = strings.TrimSpace(r.run(forged, "git", "hash-object", "-t", "commit", "-w", "--stdin"))
	}

	keys, _ := os.ReadFile(r.keyring)
	allowed, _ := os.ReadFile(r.allowed)
	v, err := New(r.keyring, keys, r.allowed, allowed)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Status{
		"ssh": Verified, "gpg": Verified, "stranger": UnknownKey,
		"forged ssh": Bad, "forged gpg": Bad,
	}
	gitVerdicts := map[string]string{"G": string(Verified), "B": string(Bad), "U": string(UnknownKey), "E": string(UnknownKey), "N": ""}
	for name, hash := range commits {
		raw := r.run("", "git", "cat-file", "commit", hash)
		git := strings.TrimSpace(r.run("", "git", "log", "-1", "--format=%G?", hash))
		payload, sig, ok := gitrepo.SignaturePayload(raw)
		got := ""
		if ok {
			res := v.Verify(payload, sig, time.Now())
			got = string(res.Status)
			if res.Status == Verified && res.Signer == "" {
				t.Errorf("%s: verified with no signer", name)
			}
		}
		if got != string(want[name]) {
			t.Errorf("%s: %q, want %q", name, got, want[name])
		}
		if gitVerdicts[git] != got {
			t.Errorf("%s: %q, but git says %%G? = %s", name, got, git)
		}
	}
}
