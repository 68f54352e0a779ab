package sftptest

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

// Key is a generated ed25519 key pair whose private half is in a file.
type Key struct {
	// Path is the private key in OpenSSH format, mode 0600.
	Path string
	// Public is the public half.
	Public ssh.PublicKey
	// Signer signs with the private half.
	Signer ssh.Signer
}

// NewKey generates a key pair and writes the private key to a file in a
// fresh temporary directory, encrypted with passphrase unless it is empty.
func NewKey(t testing.TB, passphrase string) Key {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("generating key: %v", err)
	}
	var block *pem.Block
	if passphrase == "" {
		block, err = ssh.MarshalPrivateKey(priv, "sftptest")
	} else {
		block, err = ssh.MarshalPrivateKeyWithPassphrase(priv, "sftptest", []byte(passphrase))
	}
	if err != nil {
		t.Fatalf("encoding key: %v", err)
	}
	path := filepath.Join(t.TempDir(), "id_ed25519")
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatalf("writing key: %v", err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatalf("making signer: %v", err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatalf("encoding public key: %v", err)
	}
	return Key{Path: path, Public: sshPub, Signer: signer}
}

// AuthorizedLine returns the public key as one authorized_keys line
// ("ssh-ed25519 AAAA..."), the form config's host_key takes.
func (k Key) AuthorizedLine() string {
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k.Public)))
}

// Fingerprint returns the public key's SHA-256 fingerprint ("SHA256:...").
func (k Key) Fingerprint() string { return ssh.FingerprintSHA256(k.Public) }
