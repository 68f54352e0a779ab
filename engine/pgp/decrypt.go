package pgp

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Error is a message that cannot be taken: not encrypted to our key,
// damaged, too large once decompressed, or not signed as required. Message
// is a sentence for the partner; Err the library's cause, for the log.
type Error struct {
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err == nil {
		return e.Message
	}
	return e.Message + " (" + e.Err.Error() + ")"
}

func (e *Error) Unwrap() error { return e.Err }

// ErrTooLarge is the cause of an Error for a message whose plaintext
// exceeds the limit given to Decrypt.
var ErrTooLarge = errors.New("the decrypted content exceeds the size limit")

// Decryptor decrypts messages sent to onboard with one party's private
// key, and verifies their signatures when it has verification keys.
type Decryptor struct {
	keys   openpgp.EntityList
	verify openpgp.EntityList
}

// LoadDecryptor loads a private key file (armored or binary), unlocks it
// with the passphrase in passphraseFile (empty: the key is not protected),
// and, when verifyKeyFile is set, the public keys every message must be
// signed with.
func LoadDecryptor(privateKeyFile, passphraseFile, verifyKeyFile string) (*Decryptor, error) {
	keys, err := readKeyFile(privateKeyFile)
	if err != nil {
		return nil, err
	}
	pass, err := readPassphrase(passphraseFile)
	if err != nil {
		return nil, err
	}
	if err := unlock(keys, pass, privateKeyFile); err != nil {
		return nil, err
	}
	d := &Decryptor{keys: keys}
	if verifyKeyFile != "" {
		if d.verify, err = readKeyFile(verifyKeyFile); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// Verifies reports whether every message must carry a good signature.
func (d *Decryptor) Verifies() bool { return len(d.verify) > 0 }

// Decrypt reads an OpenPGP message (binary or ASCII-armored) from r and
// writes its plaintext to w as it is decrypted, at most limit bytes
// (limit <= 0: no limit). It returns the plaintext size. Everything written
// to w is only to be used when Decrypt returns nil: the integrity check
// and the signature are verified at the end of the message. A message that
// cannot be taken is an *Error; a failing w or r is returned as it is.
func (d *Decryptor) Decrypt(w io.Writer, r io.Reader, limit int64) (int64, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(64)
	var in io.Reader = br
	if isArmored(head) {
		block, err := armor.Decode(br)
		if err != nil {
			return 0, &Error{Message: "The file is not a readable ASCII-armored OpenPGP message; send it again, encrypted with onboard's public key.", Err: err}
		}
		if block.Type != "PGP MESSAGE" {
			return 0, &Error{Message: fmt.Sprintf("The file holds an OpenPGP %s, not a message; encrypt the file itself with onboard's public key.", strings.ToLower(block.Type))}
		}
		in = block.Body
	}
	ring := append(openpgp.EntityList{}, d.keys...)
	ring = append(ring, d.verify...)
	// The size limit is applied to the plaintext as it is read (below),
	// not through the library's MaxDecompressedMessageSize: both stop a
	// few kilobytes that inflate to terabytes at the limit, but the
	// library reports its stop as a generic parsing error, and the
	// partner should be told the file is too large.
	md, err := openpgp.ReadMessage(in, ring, nil, &packet.Config{})
	if err != nil {
		return 0, classify(err, limit)
	}
	if !md.IsEncrypted {
		return 0, &Error{Message: "The file is named as encrypted but is not an encrypted OpenPGP message; encrypt it with onboard's public key."}
	}
	if md.DecryptedWith.Entity == nil || !holds(d.keys, md.DecryptedWith.PublicKey.KeyId) {
		return 0, &Error{Message: "The file is not encrypted to onboard's key for this partner; encrypt it with the public key onboard gave you."}
	}
	body := md.UnverifiedBody
	if limit > 0 {
		body = io.LimitReader(body, limit+1)
	}
	n, err := io.Copy(w, &readErr{body})
	var re *readFailure
	if errors.As(err, &re) {
		return n, classify(re.err, limit)
	}
	if err != nil {
		return n, err
	}
	if limit > 0 && n > limit {
		return n, classify(ErrTooLarge, limit)
	}
	if d.Verifies() {
		if err := d.checkSignature(md); err != nil {
			return n, err
		}
	}
	return n, nil
}

// checkSignature requires a good signature by one of the verification
// keys; read only after the body was read to its end.
func (d *Decryptor) checkSignature(md *openpgp.MessageDetails) error {
	if !md.IsSigned {
		return &Error{Message: "The file is not signed; this partner's files must be signed with its signing key."}
	}
	if md.SignedBy == nil || !holds(d.verify, md.SignedByKeyId) {
		return &Error{Message: fmt.Sprintf("The file is signed with key %016X, which is not this partner's signing key; sign with the key registered with onboard.", md.SignedByKeyId)}
	}
	if md.SignatureError != nil {
		return &Error{Message: "The file's signature does not verify: the file was altered or signed wrongly; send it again.", Err: md.SignatureError}
	}
	if md.Signature == nil {
		return &Error{Message: "The file's signature could not be read; send it again."}
	}
	return nil
}

// holds reports whether a key ring has a key or subkey with the id.
func holds(el openpgp.EntityList, id uint64) bool {
	return len(el.KeysById(id)) > 0
}

// readFailure marks an error from the decrypting reader, as opposed to
// one from the writer, in io.Copy.
type readFailure struct{ err error }

func (r *readFailure) Error() string { return r.err.Error() }

type readErr struct{ r io.Reader }

func (r *readErr) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		err = &readFailure{err}
	}
	return n, err
}

// classify turns a library error into a partner-facing Error.
func classify(err error, limit int64) error {
	var ke pgperrors.KeyInvalidError
	var se pgperrors.StructuralError
	var ue pgperrors.UnsupportedError
	var sig pgperrors.SignatureError
	var dk pgperrors.DecryptWithSessionKeyError
	switch {
	case errors.Is(err, ErrTooLarge) || errors.Is(err, pgperrors.ErrMessageTooLarge):
		return &Error{Message: fmt.Sprintf("The file decrypts (or decompresses) to more than the %d bytes this partner may send; split it into smaller files.", limit), Err: err}
	case errors.Is(err, pgperrors.ErrKeyIncorrect):
		return &Error{Message: "The file is not encrypted to onboard's key for this partner; encrypt it with the public key onboard gave you.", Err: err}
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return &Error{Message: "The encrypted file ends too early (it was truncated in transfer); send it again.", Err: err}
	case errors.As(err, &dk):
		// The library reports every fault inside the encrypted data
		// alike, so that its errors reveal nothing of the plaintext.
		return &Error{Message: "The encrypted file is damaged or truncated: it decrypts with onboard's key but its content does not read to the end; send it again.", Err: err}
	case errors.As(err, &sig), errors.Is(err, pgperrors.ErrMDCMissing):
		return &Error{Message: "The encrypted file fails its integrity check (it was altered or damaged in transfer); send it again.", Err: err}
	case errors.As(err, &ue):
		return &Error{Message: "The file uses an OpenPGP feature onboard does not support; encrypt it with a current OpenPGP tool's defaults.", Err: err}
	case errors.As(err, &se), errors.As(err, &ke):
		return &Error{Message: "The file is not a valid OpenPGP message (it is damaged or not OpenPGP); send it again, encrypted with onboard's public key.", Err: err}
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Message: "The encrypted file cannot be read; send it again, encrypted with onboard's public key.", Err: err}
}

// EncryptedName reports whether a file name says OpenPGP (.pgp, .gpg, .asc).
func EncryptedName(name string) bool {
	return PlainName(name) != name
}

// PlainName is a file name without its OpenPGP extension:
// "census.csv.pgp" → "census.csv". Other names come back unchanged.
func PlainName(name string) string {
	lower := strings.ToLower(name)
	for _, ext := range []string{".pgp", ".gpg", ".asc"} {
		if strings.HasSuffix(lower, ext) && len(name) > len(ext) {
			return name[:len(name)-len(ext)]
		}
	}
	return name
}
