// Package pgp is onboard's OpenPGP: it loads the keys a partner or carrier
// configures (armored or binary, passphrase from a file), decrypts and
// verifies what partners send, and encrypts (and signs) what onboard sends.
// Both directions stream: neither the ciphertext nor the plaintext is ever
// held whole in memory.
//
//	d, err := pgp.LoadDecryptor("keys/acme-onboard.asc", "keys/acme.pass", "keys/acme-signing.asc")
//	n, err := d.Decrypt(staged, encrypted, maxFileSize)
//	var reason *pgp.Error
//	if errors.As(err, &reason) { /* the file is rejected: reason.Message says why */ }
//
// It uses github.com/ProtonMail/go-crypto, the maintained fork of
// x/crypto/openpgp, which interoperates with GnuPG (tests run Debian's gpg).
package pgp
