package pgp

import (
	"fmt"
	"io"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Encryptor encrypts what onboard sends to one party's public key, and
// signs it with onboard's key when it has one.
type Encryptor struct {
	to     openpgp.EntityList
	signer *openpgp.Entity
}

// LoadEncryptor loads the recipient's public key file and, when
// signKeyFile is set, onboard's signing key (unlocked with the passphrase
// in passphraseFile).
func LoadEncryptor(publicKeyFile, signKeyFile, passphraseFile string) (*Encryptor, error) {
	to, err := readKeyFile(publicKeyFile)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	for _, e := range to {
		if _, ok := e.EncryptionKey(now); !ok {
			return nil, fmt.Errorf("the key %X in %s has no valid encryption key (expired, revoked, or signing-only)", e.PrimaryKey.Fingerprint, publicKeyFile)
		}
	}
	enc := &Encryptor{to: to}
	if signKeyFile != "" {
		keys, err := readKeyFile(signKeyFile)
		if err != nil {
			return nil, err
		}
		pass, err := readPassphrase(passphraseFile)
		if err != nil {
			return nil, err
		}
		if err := unlock(keys, pass, signKeyFile); err != nil {
			return nil, err
		}
		if len(keys) != 1 {
			return nil, fmt.Errorf("%s holds %d keys: name one signing key", signKeyFile, len(keys))
		}
		if _, ok := keys[0].SigningKey(now); !ok {
			return nil, fmt.Errorf("the key in %s cannot sign (expired, revoked, or encryption-only)", signKeyFile)
		}
		enc.signer = keys[0]
	}
	return enc, nil
}

// Signs reports whether messages are signed.
func (e *Encryptor) Signs() bool { return e.signer != nil }

// Encrypt returns a writer whose plaintext is encrypted (and signed) into
// w as a binary OpenPGP message; Close finishes the message (it does not
// close w). name is the literal data's file name, for the recipient.
func (e *Encryptor) Encrypt(w io.Writer, name string) (io.WriteCloser, error) {
	hints := &openpgp.FileHints{FileName: name, IsBinary: true, ModTime: time.Now()}
	cfg := &packet.Config{DefaultCompressionAlgo: packet.CompressionZLIB}
	pw, err := openpgp.Encrypt(w, e.to, e.signer, hints, cfg)
	if err != nil {
		return nil, fmt.Errorf("starting OpenPGP encryption: %w", err)
	}
	return pw, nil
}

// EncryptReader returns the encrypted form of r as a reader, produced by a
// goroutine as it is read (for writers that take a reader, such as the
// transport's atomic Write). An encryption failure is the reader's error.
func (e *Encryptor) EncryptReader(r io.Reader, name string) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() {
		ew, err := e.Encrypt(pw, name)
		if err != nil {
			pw.CloseWithError(err)
			return
		}
		if _, err := io.Copy(ew, r); err != nil {
			pw.CloseWithError(fmt.Errorf("encrypting: %w", err))
			return
		}
		pw.CloseWithError(ew.Close())
	}()
	return pr
}
