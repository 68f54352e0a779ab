package intake

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/transport"
)

// rejectSpecial answers a symlink, device, pipe or socket in a drop folder
// (transport.FileInfo.Special). Onboard never opens one: a symlink could
// point outside the folder (at /etc/passwd, say) and a pipe could block a
// reader for ever. The partner gets a rejected result, once, and the entry
// itself (never its target) is moved into failed/, so the next pass no
// longer sees it. A result already in place means an earlier pass told the
// partner and only the move is left to finish.
func (in *Intake) rejectSpecial(ctx context.Context, p *config.Partner, inbound transport.Folder, f transport.FileInfo) (FileSummary, error) {
	safe := safeName(f.Name)
	fs := FileSummary{Name: f.Name, Outcome: store.OutcomeRejected, Errors: 1, Result: path.Join(dirResults, safe+".result.json")}
	fe := model.Error{ErrorType: model.ErrFileInvalid, Parameter: "file",
		Message: fmt.Sprintf("%s is a symbolic link (or another special file), which onboard does not read; "+
			"put the file itself in the folder.", safe)}
	written, err := in.writeRejection(ctx, p, f.Name, safe, fe)
	if err != nil {
		return fs, err
	}
	target, err := specialTarget(ctx, inbound, f.Name, in.Now().UTC().Format("20060102T150405"))
	if err != nil {
		return fs, err
	}
	// Rename works on the entry itself: a symlink is moved, not followed.
	if err := inbound.Rename(ctx, f.Name, target); err != nil {
		if errors.Is(err, transport.ErrUnsafeName) {
			return fs, nil // the name cannot be moved; the partner was told
		}
		return fs, fmt.Errorf("moving %s to %s: %w", safe, target, err)
	}
	if written {
		in.log.Warn("file rejected: a symlink or other special file is not read; moved to failed/",
			"partner", p.ID, "file", safe, "moved_to", target)
	}
	return fs, nil
}

// specialTarget picks failed/NAME, or failed/NAME.STAMP when something is
// already there. Stat follows symlinks and refuses special files, so any
// answer but "does not exist" counts as taken.
func specialTarget(ctx context.Context, inbound transport.Folder, name, stamp string) (string, error) {
	target := path.Join(dirFailed, name)
	if _, err := inbound.Stat(ctx, target); errors.Is(err, transport.ErrNotExist) {
		return target, nil
	} else if errors.Is(err, transport.ErrUnsafeName) {
		return "", fmt.Errorf("checking %s: %w", safeName(target), err)
	}
	return target + "." + stamp, nil
}

// writeRejection writes a rejected result (and its errors CSV) carrying the
// single file error fe for the file name to the partner's outbound
// results/, under safe (name with unsafe characters replaced). It reports
// false when a result is already there: the partner was told before.
func (in *Intake) writeRejection(ctx context.Context, p *config.Partner, name, safe string, fe model.Error) (bool, error) {
	outbound, err := in.open(ctx, p.Outbound)
	if err != nil {
		return false, fmt.Errorf("opening outbound folder of partner %s: %w", p.ID, err)
	}
	resName := path.Join(dirResults, safe+".result.json")
	if _, err := outbound.Stat(ctx, resName); err == nil {
		return false, nil
	} else if !errors.Is(err, transport.ErrNotExist) {
		return false, fmt.Errorf("checking %s: %w", resName, err)
	}
	var jb, cb bytes.Buffer
	now := in.Now().UTC()
	rw := newResultWriter(&jb, &cb)
	rw.begin(&Result{File: name, PartnerID: p.ID, ReceivedAt: &now})
	if err := rw.end(store.OutcomeRejected, now, []model.Error{fe}); err != nil {
		return false, err
	}
	if err := outbound.Write(ctx, path.Join(dirResults, safe+".errors.csv"), &cb, 0o600); err != nil {
		return false, fmt.Errorf("writing result file to %s: %w", outbound, err)
	}
	if err := outbound.Write(ctx, resName, &jb, 0o600); err != nil {
		return false, fmt.Errorf("writing result file to %s: %w", outbound, err)
	}
	return true, nil
}

// passSpecial runs rejectSpecial for Pass and adds its outcome to sum.
func (in *Intake) passSpecial(ctx context.Context, p *config.Partner, inbound transport.Folder, f transport.FileInfo, sum *Summary) {
	fs, err := in.rejectSpecial(ctx, p, inbound, f)
	if err != nil {
		sum.Failed++
		sum.LastErr = err
		in.log.Error("special file not answered; retried next pass", "partner", p.ID, "file", safeName(f.Name), "err", err)
		return
	}
	sum.Files = append(sum.Files, fs)
}
