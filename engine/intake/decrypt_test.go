package intake

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/pgp/pgptest"
)

// pgpEnv is a partner whose files are decrypted with onboard's key and
// must be signed by the partner's key; require as given.
func pgpEnv(t *testing.T, require bool, maxSize int64) (e *env, onboard, partner *pgptest.Key) {
	t.Helper()
	dir := t.TempDir()
	onboard = pgptest.NewKey(t, dir, "onboard", "correct horse")
	partner = pgptest.NewKey(t, dir, "partner", "")
	text := fmt.Sprintf(testConfig, "full", maxSize)
	text = strings.Replace(text, fmt.Sprintf("    max_file_size: %d\n", maxSize), fmt.Sprintf("    max_file_size: %d\n"+
		"    pgp: {private_key_file: %s, passphrase_file: %s, verify_key_file: %s, require: %v}\n",
		maxSize, onboard.PrivateFile, onboard.PassphraseFile, partner.PublicFile, require), 1)
	return newEnvIn(t, dir, text), onboard, partner
}

func TestEncryptedCensusIsDecryptedAndClaimedOnPlaintext(t *testing.T) {
	e, onboard, partner := pgpEnv(t, true, 1<<31)
	plain := readTestdata(t, "census-small.csv")
	e.drop("census-small.csv.pgp", pgptest.Encrypt(t, plain, onboard, partner, nil))
	e.pass()
	r := e.result("census-small.csv.pgp")
	if r.Outcome != "accepted" || len(r.Groups) != 2 || r.File != "census-small.csv.pgp" {
		t.Fatalf("result: %s, %d groups, file %q, errors %v", r.Outcome, len(r.Groups), r.File, r.Errors)
	}
	if _, err := os.Stat(filepath.Join(e.inbound, "archive", "census-small.csv.pgp")); err != nil {
		t.Errorf("source not archived as sent: %v", err)
	}
	// The claim is on the plaintext: the same census encrypted anew (a
	// new session key, other bytes) and armored is the same file.
	e.drop("again.csv.asc", pgptest.Armor(pgptest.Encrypt(t, plain, onboard, partner, nil)))
	e.pass()
	if d := e.result("again.csv.asc"); d.Outcome != "duplicate" || d.DuplicateOf == nil || d.DuplicateOf.File != "census-small.csv.pgp" {
		t.Fatalf("re-encrypted copy: %+v", d)
	}
	// Nothing decrypted is left in staging.
	left, _ := filepath.Glob(filepath.Join(e.cfg.State.Staging, "acme", "file-*"))
	if len(left) != 0 {
		t.Errorf("staging copies left: %v", left)
	}
}

func TestEncryptedFileRefusals(t *testing.T) {
	plain := readTestdata(t, "census-small.csv")
	for _, tc := range []struct {
		name        string
		file        func(onboard, partner, stranger *pgptest.Key) []byte
		maxSize     int64
		errContains string
	}{
		{"plain.csv", func(o, p, s *pgptest.Key) []byte { return plain }, 1 << 31, "must be OpenPGP-encrypted"},
		{"unsigned.csv.pgp", func(o, p, s *pgptest.Key) []byte { return pgptest.Encrypt(t, plain, o, nil, nil) }, 1 << 31, "is not signed"},
		{"forged.csv.gpg", func(o, p, s *pgptest.Key) []byte { return pgptest.Encrypt(t, plain, o, s, nil) }, 1 << 31, "not this partner's signing key"},
		{"wrong-key.csv.pgp", func(o, p, s *pgptest.Key) []byte { return pgptest.Encrypt(t, plain, s, p, nil) }, 1 << 31, "not encrypted to onboard's key"},
		{"truncated.csv.pgp", func(o, p, s *pgptest.Key) []byte {
			m := pgptest.Encrypt(t, plain, o, p, nil)
			return m[:len(m)-40]
		}, 1 << 31, "damaged or truncated"},
		{"bomb.csv.pgp", func(o, p, s *pgptest.Key) []byte {
			return pgptest.Encrypt(t, []byte(strings.Repeat("A", 8<<20)), o, p, &packet.Config{DefaultCompressionAlgo: packet.CompressionZLIB})
		}, 1 << 20, "decrypts (or decompresses) to more than the 1048576 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, onboard, partner := pgpEnv(t, true, tc.maxSize)
			stranger := pgptest.NewKey(t, e.dir, "stranger", "")
			data := tc.file(onboard, partner, stranger)
			if tc.name == "bomb.csv.pgp" && int64(len(data)) > tc.maxSize {
				t.Fatalf("the bomb is %d bytes, not compressed", len(data))
			}
			e.drop(tc.name, data)
			e.pass()
			r := e.result(tc.name)
			if r.Outcome != "rejected" || len(r.Errors) != 1 || r.Errors[0].ErrorType != model.ErrFileInvalid ||
				!strings.Contains(r.Errors[0].Message, tc.errContains) {
				t.Fatalf("result: %+v, want a file_invalid error containing %q", r, tc.errContains)
			}
			if _, err := os.Stat(filepath.Join(e.inbound, "failed", tc.name)); err != nil {
				t.Errorf("not moved to failed/: %v", err)
			}
			if left, _ := filepath.Glob(filepath.Join(e.cfg.State.Staging, "acme", "file-*")); len(left) != 0 {
				t.Errorf("staging copies left: %v", left)
			}
		})
	}
}

// A partner without pgp: an encrypted file is refused, saying why.
func TestEncryptedFileWithoutKey(t *testing.T) {
	e := newEnv(t, "full", 1<<31)
	k := pgptest.NewKey(t, e.dir, "someone", "")
	e.drop("census.csv.pgp", pgptest.Encrypt(t, readTestdata(t, "census-small.csv"), k, nil, nil))
	e.pass()
	r := e.result("census.csv.pgp")
	if r.Outcome != "rejected" || !strings.Contains(r.Errors[0].Message, "onboard holds no OpenPGP key for this partner") {
		t.Fatalf("%+v", r)
	}
}

// A partner with a pgp public_key_file gets its result files encrypted
// to it, named NAME.result.json.pgp; nothing readable is left beside them.
func TestResultsEncryptedToPartner(t *testing.T) {
	dir := t.TempDir()
	partner := pgptest.NewKey(t, dir, "partner", "")
	text := strings.Replace(fmt.Sprintf(testConfig, "full", 1<<31), "    max_file_size: 2147483648\n",
		fmt.Sprintf("    max_file_size: 2147483648\n    pgp: {public_key_file: %s}\n", partner.PublicFile), 1)
	e := newEnvIn(t, dir, text)
	e.drop("census-errors.csv", []byte(strings.Replace(string(readTestdata(t, "census-small.csv")), "GCM-001", "GCM 001!", 1)))
	e.pass()
	entries, _ := os.ReadDir(filepath.Join(e.outbound, "results"))
	var names []string
	for _, de := range entries {
		names = append(names, de.Name())
	}
	if strings.Join(names, " ") != "census-errors.csv.errors.csv.pgp census-errors.csv.result.json.pgp" {
		t.Fatalf("results folder: %v", names)
	}
	msg, _ := os.ReadFile(filepath.Join(e.outbound, "results", "census-errors.csv.result.json.pgp"))
	plain, _ := pgptest.Decrypt(t, msg, partner)
	if !strings.Contains(string(plain), `"outcome": "partially_accepted"`) && !strings.Contains(string(plain), `"outcome":"partially_accepted"`) {
		t.Fatalf("decrypted result: %.300s", plain)
	}
}
