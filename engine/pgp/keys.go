package pgp

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
)

// readKeyFile reads an OpenPGP key ring from a file, armored or binary.
func readKeyFile(path string) (openpgp.EntityList, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading key file: %w", err)
	}
	var el openpgp.EntityList
	if isArmored(data) {
		el, err = openpgp.ReadArmoredKeyRing(bytes.NewReader(data))
	} else {
		el, err = openpgp.ReadKeyRing(bytes.NewReader(data))
	}
	if err != nil {
		return nil, fmt.Errorf("reading OpenPGP key from %s: %w", path, err)
	}
	if len(el) == 0 {
		return nil, fmt.Errorf("reading OpenPGP key from %s: the file holds no key", path)
	}
	return el, nil
}

// isArmored reports whether data starts (after blank space) with an ASCII
// armor header.
func isArmored(data []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("-----BEGIN PGP"))
}

// readPassphrase reads a passphrase file; one trailing line end is not
// part of the passphrase (editors and `echo` add one).
func readPassphrase(path string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading passphrase file: %w", err)
	}
	s := strings.TrimSuffix(strings.TrimSuffix(string(data), "\n"), "\r")
	return []byte(s), nil
}

// unlock decrypts every encrypted private key and subkey of the entities
// with the passphrase, so messages can be read without a prompt.
func unlock(el openpgp.EntityList, pass []byte, path string) error {
	have := false
	for _, e := range el {
		if e.PrivateKey == nil {
			continue
		}
		have = true
		if e.PrivateKey.Encrypted && pass == nil {
			return fmt.Errorf("the private key in %s is protected by a passphrase: name its passphrase_file", path)
		}
		if err := e.DecryptPrivateKeys(pass); err != nil {
			return fmt.Errorf("unlocking the private key in %s (is the passphrase right?): %w", path, err)
		}
	}
	if !have {
		return fmt.Errorf("%s holds no private key (it is a public key)", path)
	}
	return nil
}
