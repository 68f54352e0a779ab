package acks

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"

	"github.com/onboard/onboard/engine/crash"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/transport"
	"github.com/onboard/onboard/formats/x12"
)

// take processes one file of the acks folder. The returned error is an
// operational failure (the file stays for the next run); a file that
// cannot be applied is an outcome, not an error.
func (a *Acker) take(ctx context.Context, folder transport.Folder, f transport.FileInfo) (FileResult, error) {
	fr := FileResult{Name: f.Name}
	local, sha, err := a.stage(ctx, folder, f.Name)
	if errors.Is(err, ErrUnreadable) {
		// Encrypted and not decryptable: it cannot be applied.
		fr.Outcome, fr.Err = OutcomeFailed, err
		return fr, a.fail(ctx, folder, f.Name, sha, err)
	}
	if err != nil {
		return fr, err
	}
	defer os.Remove(local)

	prev, err := a.store.AckBySHA(ctx, a.carrier.ID, sha)
	switch {
	case err == nil && prev.FileName == f.Name:
		// Applied by a run interrupted before the move.
		fr.Outcome, fr.Kind, fr.Result = OutcomeFinished, prev.Kind, prev.Result
		return fr, a.archive(ctx, folder, f.Name, sha)
	case err == nil:
		fr.Outcome, fr.Kind = OutcomeDuplicate, prev.Kind
		fr.Err = fmt.Errorf("%w: the same acknowledgement was applied as %s on %s; nothing was applied again",
			ErrDuplicate, prev.FileName, prev.ReceivedAt.UTC().Format(time.RFC3339))
		return fr, a.fail(ctx, folder, f.Name, sha, fr.Err)
	case !errors.Is(err, store.ErrNotFound):
		return fr, err
	}

	doc, err := readFile(local, a.carrier.ResultColumns)
	if err != nil && !errors.Is(err, ErrUnreadable) {
		return fr, err
	}
	if err != nil {
		fr.Outcome, fr.Err = OutcomeFailed, err
		return fr, a.fail(ctx, folder, f.Name, sha, err)
	}
	fr.Kind = doc.kind()
	var plans []*plan
	var skipped []skippedInterchange
	err = a.store.Update(ctx, func(tx store.Tx) error {
		// Checked again inside the write transaction: one writer.
		if _, err := tx.AckBySHA(ctx, a.carrier.ID, sha); err == nil {
			return fmt.Errorf("%w: applied meanwhile", ErrDuplicate)
		}
		var err error
		if doc.acks != nil {
			plans, skipped, err = a.planX12(ctx, tx, doc.acks, f.Name)
		} else {
			var p *plan
			p, err = a.planResult(ctx, tx, doc.rows, f.Name)
			plans = []*plan{p}
		}
		if err != nil {
			return err
		}
		for _, p := range plans {
			if err := a.applyPlan(ctx, tx, p, f.Name); err != nil {
				return err
			}
		}
		rec := store.AckRecord{ID: a.NewID(), CarrierID: a.carrier.ID, FileName: f.Name, SHA256: sha, Kind: fr.Kind,
			TransmissionID: plans[0].tr.ID, Result: summary(plans), ReceivedAt: a.Now()}
		return tx.RecordAck(ctx, rec)
	})
	switch {
	case errors.Is(err, errWaiting):
		fr.Outcome, fr.Err = OutcomeWaiting, err
		return fr, nil
	case errors.Is(err, ErrUnmatched), errors.Is(err, ErrDuplicate):
		fr.Outcome, fr.Err = OutcomeFailed, err
		if errors.Is(err, ErrDuplicate) {
			fr.Outcome = OutcomeDuplicate
		}
		return fr, a.fail(ctx, folder, f.Name, sha, err)
	case err != nil:
		return fr, err
	}
	crash.Point(CrashApplied)
	fr.Outcome, fr.Transmission, fr.Result = OutcomeApplied, plans[0].tr.FileName, summary(plans)
	if len(skipped) > 0 {
		var errs []error
		for _, sk := range skipped {
			errs = append(errs, fmt.Errorf("interchange %d not applied: %w", sk.index, sk.err))
		}
		fr.Err = errors.Join(errs...)
		if err := a.failInterchanges(ctx, folder, f.Name, local, skipped); err != nil {
			return fr, err
		}
	}
	return fr, a.archive(ctx, folder, f.Name, sha)
}

// failInterchanges writes each interchange of a file that could not be
// applied, while the file's others were, to failed/ on its own
// (NAME.interchange-N) with its .error.txt.
func (a *Acker) failInterchanges(ctx context.Context, folder transport.Folder, name, local string, skipped []skippedInterchange) error {
	data, err := os.ReadFile(local)
	if err != nil {
		return fmt.Errorf("reading staged acknowledgement: %w", err)
	}
	for _, sk := range skipped {
		part := interchangeBytes(data, sk.index)
		sum := sha256.Sum256(part)
		sha := hex.EncodeToString(sum[:])
		partName := fmt.Sprintf("%s.interchange-%d", name, sk.index)
		to, err := a.target(ctx, folder, DirFailed, partName, sha)
		if err != nil {
			return err
		}
		if err := folder.Write(ctx, to, bytes.NewReader(part), 0o600); err != nil {
			return fmt.Errorf("writing %s: %w", to, err)
		}
		if err := folder.Write(ctx, to+".error.txt", strings.NewReader(a.errorText(partName, sha, sk.err)), 0o600); err != nil {
			return fmt.Errorf("writing %s.error.txt: %w", to, err)
		}
		a.log.Warn("acknowledgement interchange not applied", "carrier", a.carrier.ID, "file", name, "interchange", sk.index, "error", sk.err)
	}
	return nil
}

// interchangeBytes returns the n-th interchange of an X12 file (1 for the
// first): from its ISA to the next ISA or the end.
func interchangeBytes(data []byte, n int) []byte {
	rd := x12.NewReader(bytes.NewReader(data))
	start, seen := int64(-1), 0
	for {
		seg, err := rd.Next()
		if err != nil {
			break
		}
		if seg.ID != "ISA" {
			continue
		}
		seen++
		switch {
		case seen == n:
			start = seg.Offset
		case seen == n+1 && start >= 0:
			return data[start:seg.Offset]
		}
	}
	if start < 0 {
		return nil
	}
	return data[start:]
}

// summary is the recorded result of a file's acknowledgements: the one
// result, or each kind's.
func summary(plans []*plan) string {
	if len(plans) == 1 {
		return plans[0].result
	}
	parts := make([]string, len(plans))
	for i, p := range plans {
		parts[i] = p.kind + " " + p.result
	}
	return strings.Join(parts, "; ")
}

// stage copies a file to the local staging folder, hashing it on the way.
func (a *Acker) stage(ctx context.Context, folder transport.Folder, name string) (string, string, error) {
	if err := os.MkdirAll(a.staging, 0o700); err != nil {
		return "", "", fmt.Errorf("creating staging folder: %w", err)
	}
	r, err := folder.Open(ctx, name)
	if err != nil {
		return "", "", fmt.Errorf("opening %s: %w", name, err)
	}
	defer r.Close()
	tmp, err := os.CreateTemp(a.staging, "ack-*")
	if err != nil {
		return "", "", fmt.Errorf("creating staging file: %w", err)
	}
	h := sha256.New()
	rawSHA, err := a.copyAck(io.MultiWriter(tmp, h), r, name)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, ErrUnreadable) {
		os.Remove(tmp.Name())
		return "", rawSHA, err
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", "", fmt.Errorf("copying %s to staging: %w", name, err)
	}
	return tmp.Name(), hex.EncodeToString(h.Sum(nil)), nil
}

// document is an acknowledgement file as read: X12 acknowledgements or
// result file rows.
type document struct {
	acks []*x12.Ack
	rows []ResultRow
}

// kind is the kind recorded for the file: the functional acknowledgement
// when the file has one, else TA1; result for a result file.
func (d *document) kind() string {
	if d.acks == nil {
		return KindResult
	}
	kind := x12.KindTA1
	for _, a := range d.acks {
		if a.Kind != x12.KindTA1 {
			kind = a.Kind
		}
	}
	return kind
}

// readFile reads an acknowledgement, telling X12 from a result file by its
// content: X12 begins with ISA (after an optional byte-order mark and
// white space).
func readFile(name string, columns map[string]string) (*document, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("opening staged acknowledgement: %w", err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	if IsX12(br) {
		acks, err := x12.ReadAcks(br)
		if err != nil {
			return nil, fmt.Errorf("%w: the file begins as X12 (ISA) but cannot be read as a TA1, 999 or 997: %w", ErrUnreadable, err)
		}
		return &document{acks: acks}, nil
	}
	rows, err := ReadResults(br, columns)
	if err != nil {
		return nil, fmt.Errorf("the file is not X12 (it does not begin with ISA), nor a carrier result file: %w", err)
	}
	return &document{rows: rows}, nil
}

// IsX12 reports whether the content r begins with is X12: "ISA", in any
// case, after an optional UTF-8 byte-order mark and white space (a
// lower-case interchange is X12 that the reader then refuses as such, not
// a result file with missing columns). It only peeks: r is left unread.
func IsX12(r *bufio.Reader) bool {
	for n := 64; ; n *= 2 {
		b, err := r.Peek(n)
		rest := bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})
		rest = bytes.TrimLeft(rest, " \t\r\n\f\v")
		if len(rest) >= 3 {
			return strings.EqualFold(string(rest[:3]), "ISA")
		}
		if err != nil || n >= r.Size() {
			return false
		}
	}
}

// archive moves a processed file to archive/.
func (a *Acker) archive(ctx context.Context, folder transport.Folder, name, sha string) error {
	to, err := a.target(ctx, folder, DirArchive, name, sha)
	if err != nil {
		return err
	}
	if err := folder.Rename(ctx, name, to); err != nil {
		return fmt.Errorf("moving %s to %s: %w", name, to, err)
	}
	return nil
}

// fail writes NAME.error.txt in failed/ and moves the file beside it.
func (a *Acker) fail(ctx context.Context, folder transport.Folder, name, sha string, cause error) error {
	to, err := a.target(ctx, folder, DirFailed, name, sha)
	if err != nil {
		return err
	}
	if err := folder.Write(ctx, to+".error.txt", strings.NewReader(a.errorText(name, sha, cause)), 0o600); err != nil {
		return fmt.Errorf("writing %s.error.txt: %w", to, err)
	}
	if err := folder.Rename(ctx, name, to); err != nil {
		return fmt.Errorf("moving %s to %s: %w", name, to, err)
	}
	return nil
}

// target is where a file moves in dir: dir/NAME, or, when a file of that
// name is already there (carriers reuse names), dir/NAME.SHA12.
func (a *Acker) target(ctx context.Context, folder transport.Folder, dir, name, sha string) (string, error) {
	to := path.Join(dir, name)
	_, err := folder.Stat(ctx, to)
	switch {
	case errors.Is(err, transport.ErrNotExist):
		return to, nil
	case err != nil:
		return "", fmt.Errorf("checking %s: %w", to, err)
	}
	return to + "." + sha[:12], nil
}

// errorText is the content of NAME.error.txt: what happened and what to do.
func (a *Acker) errorText(name, sha string, cause error) string {
	todo := "Check the file with the carrier; a corrected acknowledgement dropped in the acks folder is read on the next run."
	switch {
	case errors.Is(cause, ErrDuplicate):
		todo = "Nothing: the acknowledgement had already been applied. The carrier sent it twice."
	case errors.Is(cause, ErrUnmatched):
		todo = "Check that the acknowledgement answers a file onboard sent this carrier (onboard names them CARRIER-TIME-ISA13.834). " +
			"If it answers a file another system sent, nothing needs doing here; otherwise ask the carrier to correct it."
	case errors.Is(cause, ErrUnreadable):
		todo = "Ask the carrier to send it again as a TA1 or 999, or as a result file with the columns " +
			strings.Join(Columns, ", ") + " (renamed by the carrier's result_columns). A corrected file dropped in the acks folder is read on the next run."
	}
	return fmt.Sprintf("onboard could not apply this acknowledgement from carrier %s.\n\nFile:     %s\nReceived: %s\nSHA-256:  %s\nProblem:  %v\n\nWhat to do: %s\n",
		a.carrier.ID, name, a.Now().UTC().Format(time.RFC3339), sha, cause, todo)
}
