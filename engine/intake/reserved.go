package intake

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/transport"
)

// reservedNames are the folders onboard keeps beside the inbound files. A
// partner file of one of these names made every later move into that
// folder fail, so no other file of the partner was ever finished.
var reservedNames = []string{dirArchive, dirFailed, dirHeld}

// reserved reports whether name is one of the folder names onboard keeps
// beside the inbound files (in any case: some file systems ignore it).
func reserved(name string) bool {
	for _, r := range reservedNames {
		if strings.EqualFold(name, r) {
			return true
		}
	}
	return false
}

// rejectReserved answers a file whose name is a reserved folder name: the
// partner gets a rejected result, once, and the file is renamed out of the
// way to a hidden name beside it (.NAME.STAMP.rejected, which no listing
// takes), never read. Not into failed/ or archive/: either may be such a
// file too.
func (in *Intake) rejectReserved(ctx context.Context, p *config.Partner, inbound transport.Folder, f transport.FileInfo) (FileSummary, error) {
	fs := FileSummary{Name: f.Name, Outcome: "rejected", Errors: 1, Result: path.Join(dirResults, f.Name+".result.json")}
	fe := model.Error{ErrorType: model.ErrFileInvalid, Parameter: "file",
		Message: fmt.Sprintf("A file may not be named %q: onboard keeps its archive/ and failed/ folders beside the files you send. "+
			"The file was not read and was renamed .%s.STAMP.rejected; send it again under another name.", f.Name, f.Name)}
	if _, err := in.writeRejection(ctx, p, f.Name, f.Name, fe); err != nil {
		return fs, err
	}
	target := "." + f.Name + "." + in.Now().UTC().Format(stampLayout) + ".rejected"
	if err := inbound.Rename(ctx, f.Name, target); err != nil {
		return fs, fmt.Errorf("moving %s to %s: %w", f.Name, target, err)
	}
	in.log.Warn("file rejected: its name is a folder onboard keeps; moved aside", "partner", p.ID, "file", f.Name, "moved_to", target)
	return fs, nil
}

// stampLayout is a moved-aside file's stamp: the time, UTC.
const stampLayout = "20060102T150405Z"
