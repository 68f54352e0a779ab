package intake

import (
	"errors"
	"fmt"
	"io"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/pgp"
)

// copyPlain copies a partner file's content, as the partner meant it, to
// w: a file named *.pgp, *.gpg or *.asc is decrypted on the way with the
// partner's key (and its signature verified when the partner's pgp sets
// verify_key_file), others are copied as they are. It streams: the
// plaintext goes straight to w (the staging file and its hash), so the
// sha256 claim is taken on the plaintext and a large file is never held
// in memory. plain is the bytes written, raw the bytes read from r. A file
// that cannot be taken (too large, not encrypted when the partner must
// encrypt, not decryptable, badly signed) comes back as fe, to reject; a
// failure to read r or write w is err, to retry.
func copyPlain(p *config.Partner, name string, r io.Reader, w io.Writer, log func(msg string, args ...any)) (plain, raw int64, fe *model.Error, err error) {
	limit := p.MaxFileSize
	src := &countingReader{r: r}
	encrypted := pgp.EncryptedName(name)
	var dec *pgp.Decryptor
	if p.PGP != nil {
		dec = p.PGP.Decryptor
	}
	switch {
	case encrypted && dec == nil:
		return 0, 0, fileInvalid("The file is named as OpenPGP-encrypted (.pgp, .gpg or .asc), but onboard holds no OpenPGP key for this partner; send the file unencrypted or ask the operator to set up pgp for you."), nil
	case !encrypted && p.PGP != nil && p.PGP.Require:
		return 0, 0, fileInvalid("This partner's files must be OpenPGP-encrypted: encrypt the file with onboard's public key and send it as NAME.pgp (or .gpg, .asc)."), nil
	case !encrypted:
		var in io.Reader = src
		if limit > 0 {
			in = io.LimitReader(src, limit+1)
		}
		n, err := io.Copy(w, in)
		if err != nil {
			return n, src.n, nil, err
		}
		if limit > 0 && n > limit {
			return n, src.n, tooLarge(limit), nil
		}
		return n, src.n, nil, nil
	}
	n, err := dec.Decrypt(w, src, limit)
	if src.err != nil {
		// The source failed (a dropped connection): not the file's fault.
		return n, src.n, nil, fmt.Errorf("reading %s: %w", name, src.err)
	}
	var pe *pgp.Error
	if errors.As(err, &pe) {
		if pe.Err != nil {
			log("OpenPGP file refused", "cause", pe.Err)
		}
		return n, src.n, fileInvalid(pe.Message), nil
	}
	if err != nil {
		return n, src.n, nil, err
	}
	// Bytes after the message (rare: a second message, trailing junk) are
	// counted, so a file still being written is told from a settled one.
	if _, err := io.Copy(io.Discard, src); err != nil {
		return n, src.n, nil, fmt.Errorf("reading %s: %w", name, err)
	}
	return n, src.n, nil, nil
}

func fileInvalid(msg string) *model.Error {
	return &model.Error{ErrorType: model.ErrFileInvalid, Parameter: "file", Message: msg}
}

func tooLarge(limit int64) *model.Error {
	return &model.Error{ErrorType: model.ErrFileInvalid,
		Message: fmt.Sprintf("The file is larger than the %d bytes this partner may send; split it into smaller files or ask the operator to raise max_file_size.", limit)}
}

// countingReader counts the bytes read and keeps the first read error
// other than io.EOF.
type countingReader struct {
	r   io.Reader
	n   int64
	err error
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil && err != io.EOF && c.err == nil {
		c.err = err
	}
	return n, err
}
