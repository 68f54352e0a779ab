package transmit

import (
	"context"
	"io"

	"github.com/onboard/onboard/engine/transport"
)

// upload writes a staged file to the carrier's inbox as name, or, for a
// carrier with a pgp public_key_file, encrypted to that key (and signed
// when it has a sign_key_file) as name.pgp. Either way the folder writes
// a temporary name and renames it into place; the plaintext never reaches
// the carrier's server.
func (t *Transmitter) upload(ctx context.Context, inbox transport.Folder, name string, r io.Reader) error {
	to, sealed := t.carrier.PGP.Seal(name, r)
	defer sealed.Close()
	return inbox.Write(ctx, to, sealed, 0o600)
}
