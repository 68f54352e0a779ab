package intake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/onboard/onboard/engine/transport"
)

// sourceChange says how the source in the drop folder differs from the
// file that was staged and processed (f, from the listing the file was
// taken from): "" when it is still that file, else a sentence for the
// partner. A partner that resumed an upload paused longer than settle, or
// rewrote the file while onboard processed it, has a new file there: it
// must not be moved to archive/ unprocessed.
func sourceChange(ctx context.Context, inbound transport.Folder, f transport.FileInfo) (string, error) {
	now, err := inbound.Stat(ctx, f.Name)
	if errors.Is(err, transport.ErrNotExist) {
		return "The file was removed from the folder while onboard processed it; this result is for the content onboard read (sha256 above).", nil
	}
	if err != nil {
		return "", fmt.Errorf("checking %s before moving it: %w", f.Name, err)
	}
	if transport.SameFile(now, f) {
		return "", nil
	}
	return fmt.Sprintf("The file changed while onboard processed it (%d bytes when it was taken, %d now): "+
		"this result is for the content onboard read (sha256 above). The file was left in the folder "+
		"and its new content is taken as a new file once it is complete.", f.Size, now.Size), nil
}

// noteResult adds note to the "notes" of the staged result document of
// file id. A result document ends with "}\n" (resultWriter.end); the note
// goes in before the closing brace, so a large result is not rewritten.
func noteResult(resDir, id, note string) error {
	p := filepath.Join(resDir, id+".result.json")
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("adding a note to the result: %w", err)
	}
	defer f.Close()
	size, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return fmt.Errorf("adding a note to the result: %w", err)
	}
	tail := make([]byte, 2)
	if size < 2 {
		return fmt.Errorf("adding a note to the result: %s is empty", p)
	}
	if _, err := f.ReadAt(tail, size-2); err != nil || string(tail) != "}\n" {
		return fmt.Errorf("adding a note to the result: %s does not end a document", p)
	}
	js, err := json.Marshal([]string{note})
	if err != nil {
		return err
	}
	if _, err := f.WriteAt([]byte(`,"notes":`+string(js)+"}\n"), size-2); err != nil {
		return fmt.Errorf("adding a note to the result: %w", err)
	}
	return f.Close()
}
