package acks

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/onboard/onboard/engine/pgp"
)

// maxAckSize bounds an encrypted acknowledgement's plaintext: a 999 or a
// result file for the largest delivery is far smaller, and a compressed
// bomb stops here.
const maxAckSize = 1 << 30

// copyAck copies an acknowledgement file's content to w: one named
// *.pgp, *.gpg or *.asc from a carrier with a pgp private_key_file is
// decrypted on the way (and its signature verified when the carrier's
// verify_key_file is set). One that cannot be decrypted is ErrUnreadable,
// with rawSHA the hash of the bytes received, to name it in acks/failed/.
func (a *Acker) copyAck(w io.Writer, r io.Reader, name string) (rawSHA string, err error) {
	k := a.carrier.PGP
	if !pgp.EncryptedName(name) || k == nil || k.Decryptor == nil {
		_, err := io.Copy(w, r)
		return "", err
	}
	raw := sha256.New()
	src := &failReader{r: io.TeeReader(r, raw)}
	_, err = k.Decryptor.Decrypt(w, src, maxAckSize)
	if src.err != nil {
		return "", src.err
	}
	var pe *pgp.Error
	if errors.As(err, &pe) {
		io.Copy(raw, r)
		return hex.EncodeToString(raw.Sum(nil)), fmt.Errorf("%w: %s", ErrUnreadable, pe.Message)
	}
	return "", err
}

// failReader keeps the first error of its source other than io.EOF.
type failReader struct {
	r   io.Reader
	err error
}

func (f *failReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err != nil && err != io.EOF && f.err == nil {
		f.err = err
	}
	return n, err
}
