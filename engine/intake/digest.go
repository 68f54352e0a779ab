package intake

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"sync"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/validate"
)

// A group sent again in the same rows is its stored version: the same
// mapping makes the same content of them, and the same checks pass it
// again. The intake recognises it by a digest of what the version was read
// from and answers it unchanged without mapping and checking it anew (an
// unchanged re-drop of a large census is then mostly reading). The digest
// covers everything the outcome depends on:
//
//   - the rows, field by field, with the mapping and the header
//     (model.SourcedGroup.Digest, from the census reader);
//   - the partner, its census mode (a full census terminates the members
//     a change file leaves alone) and its carrier, and the carrier's
//     catalog and rules (validate.Carrier.Fingerprint);
//   - this build of onboard (the SHA-256 of its executable), whose own
//     checks and reference data could change.
//
// Only the day is left out, and it matters only to rules that read
// today() (validate.Carrier.Dated): a carrier with one never takes the
// short way. The one built-in check that reads the date, "not in the
// future", cannot fail later for a group that passed.

// sourceDigest returns the digest of a group read from a file of the
// partner's, or "" when the reader gives none (group JSON) or this build
// cannot be identified.
func sourceDigest(sg *model.SourcedGroup, p *config.Partner, v *validate.Carrier) string {
	if len(sg.Digest) == 0 {
		return ""
	}
	build := buildDigest()
	if build == nil {
		return ""
	}
	h := sha256.New()
	h.Write(build)
	if v != nil {
		fp := v.Fingerprint()
		h.Write(fp[:])
	}
	for _, s := range []string{p.ID, string(p.Census), p.Carrier} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	h.Write(sg.Digest)
	return hex.EncodeToString(h.Sum(nil))
}

// buildDigest is the SHA-256 of the running executable, or nil when it
// cannot be read (then no group is recognised by its digest). A build's
// version control stamp would be cheaper, but builds here are made without
// one (-buildvcs=false) and a modified tree's stamp would not tell builds
// apart; New starts the hashing (some tens of milliseconds) at once, so it
// is done by the time the first group needs it.
var buildDigest = sync.OnceValue(func() []byte {
	path, err := os.Executable()
	if err != nil {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil
	}
	return h.Sum(nil)
})
