package pgp

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// These tests interoperate with Debian's GnuPG: keys it generates load,
// messages it encrypts and signs are taken, messages onboard encrypts and
// signs it decrypts and verifies. Each runs gpg in its own GNUPGHOME.

// gnupg is one GNUPGHOME and the passphrase of every key made in it.
type gnupg struct {
	t    *testing.T
	home string
	pass string
	dir  string // where exported keys and messages go
}

func newGnuPG(t *testing.T) *gnupg {
	t.Helper()
	if _, err := exec.LookPath("gpg"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("gpg is not installed: CI must install Debian's gnupg for the OpenPGP interoperability tests")
		}
		t.Skip("gpg is not installed")
	}
	// gpg-agent's socket lives in GNUPGHOME: keep the path short.
	home, err := os.MkdirTemp("", "gpg")
	if err != nil {
		t.Fatal(err)
	}
	g := &gnupg{t: t, home: home, pass: "interop passphrase", dir: t.TempDir()}
	t.Cleanup(func() {
		cmd := exec.Command("gpgconf", "--kill", "gpg-agent")
		cmd.Env = append(os.Environ(), "GNUPGHOME="+home)
		cmd.Run()
		os.RemoveAll(home)
	})
	os.WriteFile(filepath.Join(g.dir, "pass"), []byte(g.pass+"\n"), 0o600)
	return g
}

// run runs gpg in batch mode with the passphrase and returns its stdout.
func (g *gnupg) run(stdin []byte, args ...string) []byte {
	g.t.Helper()
	base := []string{"--batch", "--yes", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", g.pass, "--trust-model", "always"}
	cmd := exec.Command("gpg", append(base, args...)...)
	cmd.Env = append(os.Environ(), "GNUPGHOME="+g.home)
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		g.t.Fatalf("gpg %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.Bytes()
}

// genKey makes a key pair of the kind ("rsa3072" or "ed25519") for uid
// and exports it: the private key (passphrase-protected) and public key
// files, armored.
func (g *gnupg) genKey(kind, uid string) (priv, pub string) {
	g.t.Helper()
	switch kind {
	case "rsa3072":
		g.run(nil, "--quick-gen-key", uid, "rsa3072", "sign,cert", "never")
		g.run(nil, "--quick-add-key", g.fingerprint(uid), "rsa3072", "encr", "never")
	case "ed25519":
		g.run(nil, "--quick-gen-key", uid, "ed25519", "sign,cert", "never")
		g.run(nil, "--quick-add-key", g.fingerprint(uid), "cv25519", "encr", "never")
	default:
		g.t.Fatalf("unknown key kind %s", kind)
	}
	priv = filepath.Join(g.dir, uid+".key.asc")
	pub = filepath.Join(g.dir, uid+".pub.asc")
	os.WriteFile(priv, g.run(nil, "--armor", "--export-secret-keys", uid), 0o600)
	os.WriteFile(pub, g.run(nil, "--armor", "--export", uid), 0o600)
	return priv, pub
}

func (g *gnupg) fingerprint(uid string) string {
	for _, line := range strings.Split(string(g.run(nil, "--with-colons", "--list-keys", uid)), "\n") {
		if f := strings.Split(line, ":"); len(f) > 9 && f[0] == "fpr" {
			return f[9]
		}
	}
	g.t.Fatalf("no fingerprint for %s", uid)
	return ""
}

func TestGnuPGInterop(t *testing.T) {
	// One GNUPGHOME (one agent) for both kinds: starting an agent and
	// protecting keys is most of gpg's time on a loaded machine.
	g := newGnuPG(t)
	for _, kind := range []string{"rsa3072", "ed25519"} {
		t.Run(kind, func(t *testing.T) {
			g.t = t
			onboard, partner, carrier := kind+"-onboard", kind+"-partner", kind+"-carrier"
			onboardPriv, _ := g.genKey(kind, onboard)
			_, partnerPub := g.genKey(kind, partner)
			passFile := filepath.Join(g.dir, "pass")
			plain := []byte(strings.Repeat("group_id,member_id,first_name\nGCM-001,E1001,Zoë\n", 500))

			// gpg-generated keys load, protected by their passphrase.
			dec, err := LoadDecryptor(onboardPriv, passFile, partnerPub)
			if err != nil {
				t.Fatalf("loading gpg's private key: %v", err)
			}

			// A partner's gpg encrypts to onboard and signs: taken, binary
			// and armored.
			in := filepath.Join(g.dir, kind+"-census.csv")
			os.WriteFile(in, plain, 0o600)
			for _, armor := range []bool{false, true} {
				args := []string{"--local-user", partner, "--recipient", onboard, "--sign", "--encrypt", "--output", "-"}
				if armor {
					args = append([]string{"--armor"}, args...)
				}
				msg := g.run(nil, append(args, in)...)
				var out bytes.Buffer
				if _, err := dec.Decrypt(&out, bytes.NewReader(msg), 1<<30); err != nil {
					t.Fatalf("armor %v: decrypting gpg's message: %v", armor, err)
				}
				if !bytes.Equal(out.Bytes(), plain) {
					t.Fatalf("armor %v: plaintext differs", armor)
				}
			}
			// Signed by onboard's own key instead of the partner's: refused.
			msg := g.run(nil, "--local-user", onboard, "--recipient", onboard, "--sign", "--encrypt", "--output", "-", in)
			var sink bytes.Buffer
			if _, err := dec.Decrypt(&sink, bytes.NewReader(msg), 0); err == nil || !strings.Contains(err.Error(), "not this partner's signing key") {
				t.Fatalf("a message signed by the wrong key: %v", err)
			}

			// onboard encrypts to a carrier's gpg key and signs with its
			// own gpg-made key: gpg decrypts and verifies.
			_, carrierPub := g.genKey(kind, carrier)
			enc, err := LoadEncryptor(carrierPub, onboardPriv, passFile)
			if err != nil {
				t.Fatalf("loading gpg's keys to encrypt: %v", err)
			}
			var ct bytes.Buffer
			w, err := enc.Encrypt(&ct, "BLUECROSS-20261208.834")
			if err != nil {
				t.Fatal(err)
			}
			w.Write(plain)
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			status := filepath.Join(g.dir, "status")
			got := g.run(ct.Bytes(), "--status-file", status, "--decrypt")
			if !bytes.Equal(got, plain) {
				t.Fatalf("gpg decrypted %d bytes, want %d", len(got), len(plain))
			}
			st, _ := os.ReadFile(status)
			if !strings.Contains(string(st), "GOODSIG") || !strings.Contains(string(st), "VALIDSIG "+g.fingerprint(onboard)) ||
				!strings.Contains(string(st), "DECRYPTION_OKAY") {
				t.Fatalf("gpg did not verify onboard's signature:\n%s", st)
			}
		})
	}
}
