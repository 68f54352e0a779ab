package config

import (
	"io"
	"path"

	"github.com/onboard/onboard/engine/pgp"
)

// PGP is a partner's or a carrier's OpenPGP settings (DESIGN.md §6, §9).
// For a partner: PrivateKeyFile decrypts what it sends (VerifyKeyFile
// checks the signature, Require refuses unencrypted files), PublicKeyFile
// encrypts its result files and bundles. For a carrier: PublicKeyFile
// encrypts its enrollment files (signed with SignKeyFile when set),
// PrivateKeyFile decrypts its acknowledgements. PassphraseFile unlocks
// the private and the signing key.
type PGP struct {
	PrivateKeyFile string `yaml:"private_key_file"`
	PassphraseFile string `yaml:"passphrase_file"`
	VerifyKeyFile  string `yaml:"verify_key_file"`
	Require        bool   `yaml:"require"`
	PublicKeyFile  string `yaml:"public_key_file"`
	SignKeyFile    string `yaml:"sign_key_file"`

	// Decryptor is PrivateKeyFile loaded by Load (nil without one).
	Decryptor *pgp.Decryptor `yaml:"-"`
	// Encryptor is PublicKeyFile (and SignKeyFile) loaded by Load (nil
	// without one).
	Encryptor *pgp.Encryptor `yaml:"-"`
}

// pgp checks and loads OpenPGP settings: every file readable, the keys
// loadable and unlocked, so a wrong passphrase stops the start, not the
// first file.
func (c *checker) pgp(path string, k *PGP) {
	if k == nil {
		return
	}
	for _, f := range []struct {
		name string
		file *string
	}{{"private_key_file", &k.PrivateKeyFile}, {"passphrase_file", &k.PassphraseFile},
		{"verify_key_file", &k.VerifyKeyFile}, {"public_key_file", &k.PublicKeyFile}, {"sign_key_file", &k.SignKeyFile}} {
		c.readable(path+"."+f.name, f.file)
	}
	if k.PrivateKeyFile == "" && k.PublicKeyFile == "" {
		c.problemAt(path, "pgp needs private_key_file (to decrypt what is received) or public_key_file (to encrypt what is sent)")
	}
	if k.PrivateKeyFile == "" && (k.VerifyKeyFile != "" || k.Require) {
		c.problemAt(path+".private_key_file", "private_key_file is required to decrypt files (verify_key_file and require apply to decrypted files)")
	}
	if k.PublicKeyFile == "" && k.SignKeyFile != "" {
		c.problemAt(path+".public_key_file", "public_key_file is required to encrypt the files sign_key_file signs")
	}
	if c.hasProblemUnder(path) {
		return
	}
	if k.PrivateKeyFile != "" {
		d, err := pgp.LoadDecryptor(k.PrivateKeyFile, k.PassphraseFile, k.VerifyKeyFile)
		if err != nil {
			c.problemAt(path+".private_key_file", "%v", err)
		}
		k.Decryptor = d
	}
	if k.PublicKeyFile != "" {
		e, err := pgp.LoadEncryptor(k.PublicKeyFile, k.SignKeyFile, k.PassphraseFile)
		if err != nil {
			c.problemAt(path+".public_key_file", "%v", err)
		}
		k.Encryptor = e
	}
}

// hasProblemUnder reports whether a problem was reported at path or below.
func (c *checker) hasProblemUnder(path string) bool {
	for _, p := range c.probs {
		if p.Path == path || len(p.Path) > len(path) && p.Path[:len(path)] == path && (p.Path[len(path)] == '.' || p.Path[len(path)] == '[') {
			return true
		}
	}
	return false
}

// Seal returns the name and content to write for a file named name: r
// itself under name, or, when k has an Encryptor, r encrypted (and signed)
// as it is read, under name.pgp. The caller closes the reader (ending the
// encryption early when the write failed). k may be nil.
func (k *PGP) Seal(name string, r io.Reader) (string, io.ReadCloser) {
	if k == nil || k.Encryptor == nil {
		return name, io.NopCloser(r)
	}
	return name + ".pgp", k.Encryptor.EncryptReader(r, path.Base(name))
}
