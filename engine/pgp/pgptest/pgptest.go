// Package pgptest makes OpenPGP keys and messages for tests: key pairs
// written to files as a partner or carrier would hand them over, and
// messages encrypted (and signed) as a partner's tool would send them.
package pgptest

import (
	"bytes"
	"crypto"
	"os"
	"path/filepath"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/ProtonMail/go-crypto/openpgp/s2k"
)

// Key is a generated key pair and the armored files holding it.
type Key struct {
	Entity *openpgp.Entity
	// PrivateFile holds the private key, protected by Passphrase when set.
	PrivateFile string
	// PublicFile holds the public key.
	PublicFile string
	// PassphraseFile holds Passphrase and a line end ("" without one).
	PassphraseFile string
	Passphrase     string
}

// NewKey makes an ed25519/cv25519 key pair named name, preferring ZLIB
// compression, and writes its files under dir.
func NewKey(t testing.TB, dir, name, passphrase string) *Key {
	t.Helper()
	e, err := openpgp.NewEntity(name, "", name+"@example.com",
		&packet.Config{Algorithm: packet.PubKeyAlgoEdDSA, DefaultCompressionAlgo: packet.CompressionZLIB})
	if err != nil {
		t.Fatal(err)
	}
	k := &Key{Entity: e, Passphrase: passphrase,
		PrivateFile: filepath.Join(dir, name+".key.asc"), PublicFile: filepath.Join(dir, name+".pub.asc")}
	var pub bytes.Buffer
	aw, _ := armor.Encode(&pub, openpgp.PublicKeyType, nil)
	if err := e.Serialize(aw); err != nil {
		t.Fatal(err)
	}
	aw.Close()
	var priv bytes.Buffer
	aw, _ = armor.Encode(&priv, openpgp.PrivateKeyType, nil)
	if passphrase != "" {
		// A cheap S2K: the default (Argon2) costs a second per unlock.
		cheap := &packet.Config{S2KConfig: &s2k.Config{S2KMode: s2k.IteratedSaltedS2K, Hash: crypto.SHA256, S2KCount: 1024}}
		if err := e.EncryptPrivateKeys([]byte(passphrase), cheap); err != nil {
			t.Fatal(err)
		}
		if err := e.SerializePrivateWithoutSigning(aw, nil); err != nil {
			t.Fatal(err)
		}
		// Unlocked again, for the test's own use of the entity.
		if err := e.DecryptPrivateKeys([]byte(passphrase)); err != nil {
			t.Fatal(err)
		}
		k.PassphraseFile = filepath.Join(dir, name+".pass")
		write(t, k.PassphraseFile, []byte(passphrase+"\n"))
	} else if err := e.SerializePrivate(aw, nil); err != nil {
		t.Fatal(err)
	}
	aw.Close()
	write(t, k.PrivateFile, priv.Bytes())
	write(t, k.PublicFile, pub.Bytes())
	return k
}

func write(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// Encrypt returns plain as a binary OpenPGP message to `to`, signed by
// signer when it is not nil; cfg may be nil.
func Encrypt(t testing.TB, plain []byte, to, signer *Key, cfg *packet.Config) []byte {
	t.Helper()
	var s *openpgp.Entity
	if signer != nil {
		s = signer.Entity
	}
	var buf bytes.Buffer
	w, err := openpgp.Encrypt(&buf, openpgp.EntityList{to.Entity}, s, &openpgp.FileHints{IsBinary: true}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(plain); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Armor returns a binary message in ASCII armor.
func Armor(msg []byte) []byte {
	var buf bytes.Buffer
	aw, _ := armor.Encode(&buf, "PGP MESSAGE", nil)
	aw.Write(msg)
	aw.Close()
	return buf.Bytes()
}

// Decrypt reads a message with key's private key and returns its
// plaintext and the key id of its signer (0: unsigned); it fails the test
// when the message or its signature does not verify against the known keys.
func Decrypt(t testing.TB, msg []byte, key *Key, signers ...*Key) ([]byte, uint64) {
	t.Helper()
	ring := openpgp.EntityList{key.Entity}
	for _, s := range signers {
		ring = append(ring, s.Entity)
	}
	var in = bytes.NewReader(msg)
	md, err := openpgp.ReadMessage(in, ring, nil, nil)
	if err != nil {
		t.Fatalf("reading OpenPGP message: %v", err)
	}
	var out bytes.Buffer
	if _, err := out.ReadFrom(md.UnverifiedBody); err != nil {
		t.Fatalf("decrypting: %v", err)
	}
	if md.IsSigned && md.SignatureError != nil {
		t.Fatalf("signature: %v", md.SignatureError)
	}
	return out.Bytes(), md.SignedByKeyId
}
