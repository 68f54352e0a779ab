package intake

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/transport"
)

// attempts records, for each content a process started to process, that
// it did: staging/PARTNER/attempts/SHA256 holds how many processes began
// it without finishing it. A process that finishes or gives up (an error
// it reports) removes the record; one that dies (SIGKILL, out of memory)
// leaves it, so the next process knows the file was in flight at a death.
type attempts struct{ dir string }

func (in *Intake) attempts(p *config.Partner) attempts {
	return attempts{dir: filepath.Join(in.cfg.State.Staging, p.ID, "attempts")}
}

// begin records one more attempt at sha and returns how many earlier
// attempts died with it in flight.
func (a attempts) begin(sha string) (died int, err error) {
	if err := os.MkdirAll(a.dir, 0o700); err != nil {
		return 0, fmt.Errorf("recording the attempt: %w", err)
	}
	p := filepath.Join(a.dir, sha)
	if b, err := os.ReadFile(p); err == nil {
		died, _ = strconv.Atoi(strings.TrimSpace(string(b))) // a torn record counts as none
	}
	// Written before the work starts: a process that dies during it
	// leaves the record. Not synced: it is process deaths (out of memory)
	// it counts, which the page cache survives, and a sync cost the pass
	// a disk flush per file.
	if err := os.WriteFile(p, []byte(strconv.Itoa(died+1)+"\n"), 0o600); err != nil {
		return died, fmt.Errorf("recording the attempt: %w", err)
	}
	return died, nil
}

// end removes the record of sha: the attempt did not die.
func (a attempts) end(sha string) { os.Remove(filepath.Join(a.dir, sha)) }

// quarantine answers a file that was in flight when onboard died died
// times: it is not processed again but rejected, its result saying so, and
// moved to failed/, so one file that takes the process down (out of
// memory, say) cannot block the partner's other files for ever.
func (in *Intake) quarantine(ctx context.Context, p *config.Partner, inbound transport.Folder, f transport.FileInfo, hasMarker bool, died int) (FileSummary, error) {
	fe := model.Error{ErrorType: model.ErrFileInvalid, Parameter: "file",
		Message: fmt.Sprintf("onboard stopped %d times while it processed this file (it may need more memory than onboard may take), "+
			"so it was set aside in failed/ and not applied; split it into smaller files and send them, or ask the operator to "+
			"look at it and replay it.", died)}
	in.log.Error("file quarantined: onboard died while processing it; moved to failed/", "partner", p.ID, "file", f.Name, "deaths", died)
	return in.rejectUnclaimed(ctx, p, inbound, f, hasMarker, fe)
}
