package intake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/crash"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/transport"
)

// Dispositions: where a processed source file goes, beside the inbound files.
const (
	dirArchive = "archive"
	dirFailed  = "failed"
	dirResults = "results"
)

// staged is a partner file copied to local staging.
type staged struct {
	path string
	sha  string
	size int64
}

// stage copies a file to the staging folder (mode 0600), hashing it on the
// way, refusing files over the partner's size limit.
func (in *Intake) stage(ctx context.Context, p *config.Partner, inbound transport.Folder, f transport.FileInfo) (*staged, *model.Error, error) {
	dir := filepath.Join(in.cfg.State.Staging, p.ID)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("creating staging folder: %w", err)
	}
	// The file opened must be the one listed (a symlink swapped in after
	// the listing, or a file rewritten since, is refused: ErrChanged).
	r, err := transport.OpenListed(ctx, inbound, f)
	if err != nil {
		return nil, nil, fmt.Errorf("opening %s: %w", f.Name, err)
	}
	defer r.Close()
	tmp, err := os.CreateTemp(dir, "file-*")
	if err != nil {
		return nil, nil, fmt.Errorf("creating staging file: %w", err)
	}
	keep := false
	defer func() {
		if !keep {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	var w io.Writer = io.MultiWriter(tmp, h)
	if in.Progress != nil && f.Size > 4<<20 {
		w = &progressWriter{w: w, name: f.Name, total: f.Size, report: in.Progress}
	}
	n, raw, refused, err := copyPlain(p, f.Name, r, w, in.log.With("partner", p.ID, "file", f.Name).Warn)
	if err != nil {
		return nil, nil, fmt.Errorf("copying %s to staging: %w", f.Name, err)
	}
	if refused != nil {
		return nil, refused, nil
	}
	if raw != f.Size {
		// The partner is writing it again (a rewrite in place, or more
		// appended after it looked settled): what was read is not the
		// settled file. Leave it; it is taken once it settles anew.
		return nil, nil, fmt.Errorf("copying %s to staging: %d bytes listed, %d read: %w", f.Name, f.Size, raw, transport.ErrChanged)
	}
	// Not synced: the staged copy lives only while this pass processes it,
	// the partner's file stays in the inbound folder until its result is
	// delivered, and an interruption's leftovers are removed and the file
	// staged again (sweep). Syncing cost the size of the file in writes
	// to the disk before any work.
	if err := tmp.Close(); err != nil {
		return nil, nil, fmt.Errorf("writing staging file: %w", err)
	}
	keep = true
	return &staged{path: tmp.Name(), sha: hex.EncodeToString(h.Sum(nil)), size: n}, nil, nil
}

type progressWriter struct {
	w      io.Writer
	name   string
	done   int64
	total  int64
	last   time.Time
	report func(string, int64, int64)
}

func (p *progressWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	p.done += int64(n)
	if time.Since(p.last) > 200*time.Millisecond || p.done == p.total {
		p.last = time.Now()
		p.report(p.name, p.done, p.total)
	}
	return n, err
}

// takeFile processes one complete file end to end.
func (in *Intake) takeFile(ctx context.Context, p *config.Partner, inbound transport.Folder, f transport.FileInfo, hasMarker bool) (FileSummary, error) {
	fs := FileSummary{Name: f.Name}
	st, tooBig, err := in.stage(ctx, p, inbound, f)
	if err != nil {
		return fs, err
	}
	crash.Point(CrashStaged)
	if tooBig != nil {
		// Hash what we can name: the listing's size and name; the content
		// was never read whole, so it is not claimed by hash.
		return in.rejectUnclaimed(ctx, p, inbound, f, hasMarker, *tooBig)
	}
	defer os.Remove(st.path)

	rec, claim, err := in.store.ClaimFile(ctx, p.ID, f.Name, st.sha, st.size)
	if err != nil {
		return fs, err
	}
	fs.FileID = rec.ID
	log := in.log.With("partner", p.ID, "file", f.Name, "file_id", rec.ID)
	resDir := filepath.Join(in.cfg.State.Staging, p.ID, "results")
	resJSON := filepath.Join(resDir, rec.ID+".result.json")
	resCSV := filepath.Join(resDir, rec.ID+".errors.csv")

	if claim == store.ClaimFinish && rec.Name != f.Name {
		// The same content as a committed file still waiting, under its
		// own name, to be finished: this drop is a duplicate of it, not
		// its finishing.
		claim = store.ClaimDuplicate
	}
	switch claim {
	case store.ClaimDuplicate:
		dup, err := in.store.RecordDuplicate(ctx, p.ID, f.Name, st.sha, st.size, rec.ID)
		if err != nil {
			return fs, err
		}
		fs.FileID, fs.Outcome, fs.Errors = dup.ID, store.OutcomeDuplicate, 1
		if err := in.writeDuplicate(ctx, p, dup, rec, resDir); err != nil {
			return fs, err
		}
		in.log.Info("duplicate file: its content was processed before and is not applied again",
			"partner", p.ID, "file", f.Name, "file_id", dup.ID, "duplicate_of", rec.ID)
		done, err := in.finish(ctx, p, inbound, f, hasMarker, dup, resDir, true)
		fs.Result, fs.SourceChanged = done.result, done.changed
		return fs, err
	case store.ClaimFinish:
		in.attempts(p).end(st.sha) // a death after the commit left it
		log.Info("finishing a file whose outcome was committed before an interruption")
		fs.Outcome = rec.Outcome
		done, err := in.finish(ctx, p, inbound, f, hasMarker, rec, resDir, false)
		fs.Result, fs.SourceChanged = done.result, done.changed
		return fs, err
	}

	if err := os.MkdirAll(resDir, 0o700); err != nil {
		return fs, fmt.Errorf("creating result staging folder: %w", err)
	}
	att := in.attempts(p)
	died, err := att.begin(st.sha)
	if err != nil {
		return fs, err
	}
	if p.QuarantineAfter > 0 && died >= p.QuarantineAfter {
		if err := in.store.ReleaseFile(ctx, rec.ID); err != nil {
			return fs, err
		}
		qs, err := in.quarantine(ctx, p, inbound, f, hasMarker, died)
		if err == nil {
			att.end(st.sha)
		}
		return qs, err
	}
	crash.Point(CrashProcessing)
	crash.Point(CrashProcessing + ":" + f.Name)
	res, err := in.process(ctx, p, rec, st, resJSON, resCSV)
	att.end(st.sha)
	if err == nil && res.Outcome != store.OutcomeHeld {
		os.Remove(in.approvalPath(p, st.sha)) // an approval is used once
	}
	if err != nil {
		// Nothing was committed: forget the claim so the next pass retries.
		if rerr := in.store.ReleaseFile(context.WithoutCancel(ctx), rec.ID); rerr != nil {
			log.Error("releasing file claim", "err", rerr)
		}
		os.Remove(resJSON)
		os.Remove(resCSV)
		return fs, err
	}
	fs.Outcome, fs.Groups, fs.Errors = res.Outcome, res.GroupsAccepted+res.GroupsRejected, res.ErrorCount
	rec.Outcome, rec.Disposition, rec.ErrorCount, rec.Message = res.Outcome, res.Disposition, res.ErrorCount, res.Message
	done, err := in.finish(ctx, p, inbound, f, hasMarker, rec, resDir, false)
	fs.Result, fs.SourceChanged = done.result, done.changed
	if err != nil {
		return fs, err
	}
	if res.Outcome == store.OutcomeHeld {
		if err := in.heldFeedback(ctx, p, rec, resDir); err != nil {
			log.Error("writing the held file's feedback note", "err", err)
		}
	}
	where := fs.Result
	if ob, err := in.open(ctx, p.Outbound); err == nil {
		where = ob.String() + "/" + fs.Result
	}
	log.Info("file processed", "outcome", res.Outcome, "groups_accepted", res.GroupsAccepted,
		"groups_rejected", res.GroupsRejected, "errors", res.ErrorCount, "result", where)
	return fs, nil
}

// finish delivers a committed file's result files to the partner, moves
// the source beside the inbound files, and marks the file done. f is the
// source as it was listed when it was taken: a source that is no longer
// that file (sourceChange) is not moved, and its result says so.
func (in *Intake) finish(ctx context.Context, p *config.Partner, inbound transport.Folder, f transport.FileInfo, hasMarker bool, rec *store.FileRecord, resDir string, dup bool) (finished, error) {
	name := f.Name
	var done finished
	res, err := in.deliverResults(ctx, p, name, rec.ID, resDir)
	if err != nil {
		return done, err
	}
	done.result = res
	crash.Point(CrashResultWritten)
	change, err := sourceChange(ctx, inbound, f)
	if err != nil {
		return done, err
	}
	if change != "" {
		if err := in.keepChanged(ctx, p, f, rec, resDir, change); err != nil {
			return done, err
		}
		done.changed = change
	} else if err := in.moveSource(ctx, inbound, name, hasMarker, rec, dup); err != nil {
		return done, err
	}
	crash.Point(CrashMoved)
	if err := in.store.FileDone(ctx, rec.ID); err != nil {
		return done, err
	}
	os.Remove(filepath.Join(resDir, rec.ID+".result.json"))
	os.Remove(filepath.Join(resDir, rec.ID+".errors.csv"))
	return done, nil
}

// finished is what finish did: where the result went, and why the source
// was left in place ("" when it was moved).
type finished struct {
	result  string
	changed string
}

// moveSource moves a processed source (and its done marker) to archive/
// or failed/.
func (in *Intake) moveSource(ctx context.Context, inbound transport.Folder, name string, hasMarker bool, rec *store.FileRecord, dup bool) error {
	dest := dirArchive
	switch {
	case rec.Disposition == dirFailed || dup:
		dest = dirFailed
	case rec.Disposition == dirHeld:
		dest = dirHeld
	}
	target, err := freeName(ctx, inbound, dest, name, rec.ID)
	if err != nil {
		return err
	}
	if err := inbound.Rename(ctx, name, target); err != nil {
		return fmt.Errorf("moving %s to %s: %w", name, target, err)
	}
	if hasMarker {
		if err := inbound.Rename(ctx, name+".done", target+".done"); err != nil && !errors.Is(err, transport.ErrNotExist) {
			return fmt.Errorf("moving done marker of %s: %w", name, err)
		}
	}
	return nil
}

// keepChanged leaves a source that changed while it was processed where it
// is: its result (already delivered) gets a note saying so and is
// delivered again, and the new content waits to settle like any new file.
func (in *Intake) keepChanged(ctx context.Context, p *config.Partner, f transport.FileInfo, rec *store.FileRecord, resDir, change string) error {
	if err := noteResult(resDir, rec.ID, change); err != nil {
		return err
	}
	if _, err := in.deliverResults(ctx, p, f.Name, rec.ID, resDir); err != nil {
		return err
	}
	in.settled.forget(p.ID, f.Name)
	in.log.Warn("file changed while it was processed: its result says so, it is not moved, and its new content is taken as a new file",
		"partner", p.ID, "file", f.Name, "file_id", rec.ID)
	return nil
}

// deliverResults writes a file's staged result documents to the partner's
// outbound folder under the partner's file name, or a stamped one when an
// earlier file of that name has its result there (resultStem), and returns
// the result document's path there.
func (in *Intake) deliverResults(ctx context.Context, p *config.Partner, name, id, resDir string) (string, error) {
	outbound, err := in.open(ctx, p.Outbound)
	if err != nil {
		return "", fmt.Errorf("opening outbound folder of partner %s: %w", p.ID, err)
	}
	stem, err := in.resultStem(ctx, outbound, name, id)
	if err != nil {
		return "", err
	}
	// The errors CSV first: the result document is what marks the name as
	// this file's (resultStem), so it is written last.
	for _, ext := range []string{".errors.csv", ".result.json"} {
		local := filepath.Join(resDir, id+ext)
		fh, err := os.Open(local)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("opening staged result: %w", err)
		}
		if fi, err := fh.Stat(); err == nil && fi.Size() == 0 {
			// An errors CSV always has its header: an empty one is what a
			// crash between the commit and its removal leaves for a file
			// without errors. The partner gets no errors file then.
			fh.Close()
			continue
		}
		// A partner with a pgp public_key_file gets NAME.result.json.pgp.
		to, sealed := p.PGP.Seal(path.Join(dirResults, stem+ext), fh)
		err = outbound.Write(ctx, to, sealed, 0o600)
		sealed.Close()
		fh.Close()
		if err != nil {
			return "", fmt.Errorf("writing result file to %s: %w", outbound, err)
		}
	}
	return path.Join(dirResults, stem+".result.json"), nil
}

// freeName picks dir/name, or dir/name.ID when a file of that name was
// archived before, so nothing archived is ever overwritten.
func freeName(ctx context.Context, f transport.Folder, dir, name, id string) (string, error) {
	target := path.Join(dir, name)
	_, err := f.Stat(ctx, target)
	if errors.Is(err, transport.ErrNotExist) {
		return target, nil
	}
	if err != nil {
		return "", fmt.Errorf("checking %s: %w", target, err)
	}
	short := "." + shortID(id)
	return path.Join(dir, fitName(name, maxNameBytes-len(short))+short), nil
}
