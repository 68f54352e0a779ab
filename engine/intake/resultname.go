package intake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"unicode/utf8"

	"github.com/onboard/onboard/engine/transport"
)

// resultStem picks the name a file's result documents go under in the
// partner's results/ folder (DESIGN.md §6): NAME (NAME.result.json and
// NAME.errors.csv), unless an earlier file of the same name already has
// its result there; then NAME.YYYYMMDDThhmmssZ from the file's received
// time (UTC), and should that be taken too (two drops in one second),
// NAME.YYYYMMDDThhmmssZ-ID8. A result is never overwritten by another
// file's; a result carrying this file's own id (a delivery an
// interruption cut short) is this file's place and is written again.
//
// A name too long for the file system once ".result.json.tmp" is added
// (a partner may send 255 bytes) is shortened by fitName, so its result
// can always be written.
func (in *Intake) resultStem(ctx context.Context, outbound transport.Folder, name, id string) (string, error) {
	stem := fitName(name, maxResultStem)
	for try := 0; ; try++ {
		resName := path.Join(dirResults, stem+".result.json")
		owner, err := resultFileID(ctx, outbound, resName)
		if errors.Is(err, transport.ErrNotExist) {
			return stem, nil
		}
		if err != nil {
			return "", fmt.Errorf("checking %s: %w", resName, err)
		}
		if owner == id && id != "" {
			return stem, nil
		}
		switch try {
		case 0:
			stamp := "." + in.receivedStamp(ctx, id)
			stem = fitName(name, maxResultStem-len(stamp)) + stamp
		case 1:
			suffix := "." + in.receivedStamp(ctx, id) + "-" + shortID(id)
			stem = fitName(name, maxResultStem-len(suffix)) + suffix
		default:
			return "", fmt.Errorf("%s: every result name for this file is taken by another file's result", resName)
		}
	}
}

// receivedStamp is the file's received time as YYYYMMDDThhmmssZ (now when
// the file has no record: one rejected before it was claimed).
func (in *Intake) receivedStamp(ctx context.Context, id string) string {
	at := in.Now()
	if rec, err := in.store.File(ctx, id); err == nil && !rec.ReceivedAt.IsZero() {
		at = rec.ReceivedAt
	}
	return at.UTC().Format("20060102T150405Z")
}

// resultFileID reads the file_id of a result document without reading the
// whole document (a large file's result lists every member): it is one of
// the first members. A document without one (a file rejected before it
// was claimed) gives "".
func resultFileID(ctx context.Context, f transport.Folder, name string) (string, error) {
	rc, err := f.Open(ctx, name)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	dec := json.NewDecoder(io.LimitReader(rc, 64<<10))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return "", nil // not a result document onboard wrote: not this file's
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return "", nil
		}
		key, _ := t.(string)
		if key == "file_id" {
			var v string
			if err := dec.Decode(&v); err != nil {
				return "", nil
			}
			return v, nil
		}
		var skip json.RawMessage
		if key == "groups" || dec.Decode(&skip) != nil {
			return "", nil // file_id comes before the groups
		}
	}
	return "", nil
}

// maxNameBytes is the longest file name the file systems and SFTP servers
// onboard writes to accept (NAME_MAX on Linux and the BSDs).
const maxNameBytes = 255

// maxResultStem is the longest STEM in results/STEM.result.json: every
// write goes through ".STEM.result.json.tmp", the longest name made of it.
const maxResultStem = maxNameBytes - len(".") - len(".result.json") - len(".tmp")

// fitName returns name when it is at most max bytes, else its first bytes
// (cut at a character boundary) followed by "~" and 12 hex digits of the
// name's sha256, so two long names sharing a beginning stay apart.
func fitName(name string, max int) string {
	if len(name) <= max {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	tag := "~" + hex.EncodeToString(sum[:6])
	cut := max - len(tag)
	for cut > 0 && !utf8.RuneStart(name[cut]) {
		cut--
	}
	return name[:cut] + tag
}

// shortID is the first 8 characters of a file id, enough to tell apart
// two files of one name within a second.
func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}
