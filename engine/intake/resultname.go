package intake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"

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
func (in *Intake) resultStem(ctx context.Context, outbound transport.Folder, name, id string) (string, error) {
	stem := name
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
			stem = name + "." + in.receivedStamp(ctx, id)
		case 1:
			short := id
			if len(short) > 8 {
				short = short[:8]
			}
			stem = name + "." + in.receivedStamp(ctx, id) + "-" + short
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
