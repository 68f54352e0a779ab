package pgp

import (
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/onboard/onboard/engine/pgp/pgptest"
)

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

type fixture struct {
	onboard, partner, stranger *pgptest.Key
	dec, decVerify             *Decryptor
}

func setup(t *testing.T) fixture {
	dir := t.TempDir()
	onboard := pgptest.NewKey(t, dir, "onboard", "s3cret pass")
	partner := pgptest.NewKey(t, dir, "partner", "")
	stranger := pgptest.NewKey(t, dir, "stranger", "")
	dec, err := LoadDecryptor(onboard.PrivateFile, onboard.PassphraseFile, "")
	if err != nil {
		t.Fatal(err)
	}
	decVerify, err := LoadDecryptor(onboard.PrivateFile, onboard.PassphraseFile, partner.PublicFile)
	if err != nil {
		t.Fatal(err)
	}
	return fixture{onboard, partner, stranger, dec, decVerify}
}

func TestDecrypt(t *testing.T) {
	f := setup(t)
	plain := []byte(strings.Repeat("group_id,member_id\nG1,E1\n", 1000))
	signed := pgptest.Encrypt(t, plain, f.onboard, f.partner, nil)
	unsigned := pgptest.Encrypt(t, plain, f.onboard, nil, nil)
	strangerSigned := pgptest.Encrypt(t, plain, f.onboard, f.stranger, nil)
	toStranger := pgptest.Encrypt(t, plain, f.stranger, f.partner, nil)
	corrupt := bytes.Clone(signed)
	corrupt[len(corrupt)/2] ^= 0x55
	// A compressed bomb: 64 MiB of zeros compress to a few KiB.
	bomb := pgptest.Encrypt(t, make([]byte, 64<<20), f.onboard, nil, &packet.Config{DefaultCompressionAlgo: packet.CompressionZLIB,
		CompressionConfig: &packet.CompressionConfig{Level: flate.BestCompression}})
	if len(bomb) > 1<<20 {
		t.Fatalf("the bomb is %d bytes: not compressed", len(bomb))
	}
	var literal bytes.Buffer
	lw, _ := openpgp.Sign(&literal, f.partner.Entity, &openpgp.FileHints{}, nil)
	lw.Write(plain)
	lw.Close()

	for _, tc := range []struct {
		name        string
		d           *Decryptor
		msg         []byte
		limit       int64
		errContains string
	}{
		{"binary signed, no verification", f.dec, signed, 0, ""},
		{"armored signed, verified", f.decVerify, pgptest.Armor(signed), 0, ""},
		{"binary signed, verified, at the limit", f.decVerify, signed, int64(len(plain)), ""},
		{"unsigned, verification required", f.decVerify, unsigned, 0, "is not signed"},
		{"signed by a stranger", f.decVerify, strangerSigned, 0, "not this partner's signing key"},
		{"encrypted to another key", f.dec, toStranger, 0, "not encrypted to onboard's key"},
		{"truncated", f.dec, signed[:len(signed)*2/3], 0, "damaged or truncated"},
		{"armor cut short", f.dec, pgptest.Armor(signed)[:200], 0, "damaged or truncated"},
		{"corrupted", f.decVerify, corrupt, 0, ""},
		{"plaintext over the limit", f.dec, signed, int64(len(plain)) - 1, "decrypts (or decompresses) to more than"},
		{"compressed bomb", f.dec, bomb, 1 << 20, "decrypts (or decompresses) to more than the 1048576 bytes"},
		{"signed but not encrypted", f.dec, literal.Bytes(), 0, "not an encrypted OpenPGP message"},
		{"not OpenPGP at all", f.dec, plain, 0, "not a valid OpenPGP message"},
		{"armored public key instead of a message", f.dec, []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxjMEZ\n=AAAA\n-----END PGP PUBLIC KEY BLOCK-----\n"), 0, "holds an OpenPGP pgp public key block, not a message"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			n, err := tc.d.Decrypt(&out, bytes.NewReader(tc.msg), tc.limit)
			if tc.name == "corrupted" {
				// Where the flipped byte lands decides the reason (a
				// packet header, the session key, the ciphertext); it
				// must be refused as an *Error whatever it hits.
				var pe *Error
				if !errors.As(err, &pe) {
					t.Fatalf("a corrupted message gave %v, want a *pgp.Error", err)
				}
				return
			}
			if tc.errContains == "" {
				if err != nil {
					t.Fatalf("Decrypt: %v", err)
				}
				if !bytes.Equal(out.Bytes(), plain) || n != int64(len(plain)) {
					t.Fatalf("plaintext differs: %d bytes, want %d", n, len(plain))
				}
				return
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a *pgp.Error containing %q", err, tc.errContains)
			}
			if !strings.Contains(pe.Message, tc.errContains) {
				t.Fatalf("err = %q (%v), want it to contain %q", pe.Message, pe.Err, tc.errContains)
			}
			if tc.limit > 0 && int64(out.Len()) > tc.limit+1 {
				t.Fatalf("%d bytes written past a limit of %d", out.Len(), tc.limit)
			}
		})
	}
}

// A failing source is the caller's error to retry, not a verdict on the file.
func TestDecryptSourceFailure(t *testing.T) {
	f := setup(t)
	msg := pgptest.Encrypt(t, bytes.Repeat([]byte("x"), 100000), f.onboard, nil, nil)
	boom := errors.New("connection reset")
	r := io.MultiReader(bytes.NewReader(msg[:len(msg)/2]), &failing{boom})
	_, err := f.dec.Decrypt(io.Discard, r, 0)
	if err == nil {
		t.Fatal("a failing reader decrypted")
	}
}

type failing struct{ err error }

func (f *failing) Read([]byte) (int, error) { return 0, f.err }

func TestLoadDecryptorErrors(t *testing.T) {
	dir := t.TempDir()
	k := pgptest.NewKey(t, dir, "k", "right")
	write(t, filepath.Join(dir, "wrong"), []byte("wrong\n"))
	write(t, filepath.Join(dir, "junk"), []byte("not a key"))
	for _, tc := range []struct {
		name, priv, pass, verify, errContains string
	}{
		{"no passphrase for a protected key", k.PrivateFile, "", "", "protected by a passphrase"},
		{"wrong passphrase", k.PrivateFile, filepath.Join(dir, "wrong"), "", "is the passphrase right?"},
		{"a public key as the private key", k.PublicFile, "", "", "holds no private key"},
		{"junk", filepath.Join(dir, "junk"), "", "", "reading OpenPGP key"},
		{"missing file", filepath.Join(dir, "absent"), "", "", "no such file"},
		{"junk verify key", k.PrivateFile, k.PassphraseFile, filepath.Join(dir, "junk"), "reading OpenPGP key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadDecryptor(tc.priv, tc.pass, tc.verify)
			if err == nil || !strings.Contains(err.Error(), tc.errContains) {
				t.Fatalf("err = %v, want %q", err, tc.errContains)
			}
		})
	}
	if _, err := LoadDecryptor(k.PrivateFile, k.PassphraseFile, k.PublicFile); err != nil {
		t.Fatalf("the right passphrase: %v", err)
	}
}

func TestEncryptRoundTrip(t *testing.T) {
	dir := t.TempDir()
	carrier := pgptest.NewKey(t, dir, "carrier", "")
	sign := pgptest.NewKey(t, dir, "onboard-sign", "pw")
	enc, err := LoadEncryptor(carrier.PublicFile, sign.PrivateFile, sign.PassphraseFile)
	if err != nil {
		t.Fatal(err)
	}
	plain := []byte("ISA*00*...~\n")
	r := enc.EncryptReader(bytes.NewReader(plain), "file.x12")
	msg, err := io.ReadAll(r)
	r.Close()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(msg, plain) {
		t.Fatal("the plaintext appears in the message")
	}
	dec, err := LoadDecryptor(carrier.PrivateFile, "", sign.PublicFile)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := dec.Decrypt(&out, bytes.NewReader(msg), 0); err != nil {
		t.Fatalf("the carrier's side: %v", err)
	}
	if !bytes.Equal(out.Bytes(), plain) {
		t.Fatalf("round trip: %q", out.Bytes())
	}
	if _, err := LoadEncryptor(carrier.PublicFile, carrier.PublicFile, ""); err == nil || !strings.Contains(err.Error(), "holds no private key") {
		t.Fatalf("a public key as the signing key: %v", err)
	}
}

func TestPlainName(t *testing.T) {
	for in, want := range map[string]string{"a.csv.pgp": "a.csv", "a.json.GPG": "a.json", "a.csv.asc": "a.csv", "a.csv": "a.csv", ".pgp": ".pgp"} {
		if got := PlainName(in); got != want {
			t.Errorf("PlainName(%q) = %q, want %q", in, got, want)
		}
	}
}
