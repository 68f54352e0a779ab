package intake

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/transport"
)

// finishMoved finishes the files of a partner whose outcome was committed
// and whose source an interrupted pass had already moved out of the drop
// folder, but had not yet marked done: no listing brings them back, so a
// pass looks for them in the store. Their staged result documents are
// delivered again (the same bytes) and they are marked done. A stored file
// still in the drop folder is left to its own turn in the pass.
func (in *Intake) finishMoved(ctx context.Context, p *config.Partner, inbound transport.Folder) error {
	recs, err := in.store.Files(ctx, store.FileFilter{PartnerID: p.ID, State: store.FileStored})
	if err != nil {
		return err
	}
	resDir := filepath.Join(in.cfg.State.Staging, p.ID, "results")
	for i := range recs {
		rec := &recs[i]
		_, err := inbound.Stat(ctx, rec.Name)
		if err == nil {
			continue
		}
		if !errors.Is(err, transport.ErrNotExist) {
			return fmt.Errorf("checking %s: %w", rec.Name, err)
		}
		if _, err := in.deliverResults(ctx, p, rec.Name, rec.ID, resDir); err != nil {
			return err
		}
		if err := in.store.FileDone(ctx, rec.ID); err != nil {
			return err
		}
		os.Remove(filepath.Join(resDir, rec.ID+".result.json"))
		os.Remove(filepath.Join(resDir, rec.ID+".errors.csv"))
		in.log.Warn("finished a file an interruption left after its source was moved", "partner", p.ID, "file", rec.Name, "file_id", rec.ID)
	}
	return nil
}
