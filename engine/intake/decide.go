package intake

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/formats/census"
)

// document is one group document to decide: a partner's dropped file or
// the body of an API request. Both go through decide, so mapping,
// validation, carrier rules, storing and the outcome are one path; only
// what this struct names differs.
type document struct {
	rec  *store.FileRecord
	sha  string
	src  io.ReadSeeker
	size int64
	// origin names the document in history reasons ("file acme.csv",
	// "API request 0193…"); source is the events' source.
	origin, source string
	// changes: only the subscribers the document holds apply, whatever
	// the partner's census mode (a subscriber POSTed alone).
	changes bool
	// begin runs first in the deciding transaction (an API request records
	// its file there, so nothing is left of a request that did not commit).
	begin func(ctx context.Context, tx store.Tx) error
	// commit runs last in it with every group's result (an API request
	// stores its answer there, so a retry after a crash finds it).
	commit func(ctx context.Context, tx store.Tx, d *decision) error
}

// decision is what deciding a document came to.
type decision struct {
	Result   store.FileResult
	FileErrs []model.Error
	// Groups are the groups' results, kept only when the document has a
	// commit hook (a file's may be millions; its result streams instead).
	Groups []*GroupResult
}

// resultSink starts (or starts again, after a rolled-back attempt) the
// result documents and returns their writers: the result JSON and the
// errors CSV.
type resultSink func() (resJSON, resCSV io.Writer, err error)

// decide maps, validates and stores a document in one transaction,
// streaming its result documents to out.
func (in *Intake) decide(ctx context.Context, p *config.Partner, doc *document, out resultSink) (*decision, error) {
	rec := doc.rec
	carrier := in.cfg.Carrier(p.Carrier)
	now := in.Now().UTC()
	received := rec.ReceivedAt
	d := &decision{}
	var rw *resultWriter
	var rejected []store.RejectedIntake // groups this document kept out of the store
	var m *merger                       // set below; restart resets its guard's tally
	restart := func() error {
		rejected = rejected[:0]
		jw, cw, err := out()
		if err != nil {
			return err
		}
		rw = newResultWriter(jw, cw)
		rw.begin(&Result{File: rec.Name, FileID: rec.ID, PartnerID: p.ID, SHA256: doc.sha, ReceivedAt: &received})
		d.Groups = d.Groups[:0]
		if m != nil {
			m.guard.reset()
		}
		return nil
	}
	if err := restart(); err != nil {
		return nil, err
	}
	full := p.Census != config.CensusChanges && !doc.changes
	m = &merger{newID: in.NewID, now: now, today: now.Format(time.DateOnly), full: full, carrier: carrier}
	if carrier != nil {
		m.end = config.TerminationDate(carrier.TerminationPolicy, m.today)
	}
	if full && doc.commit == nil && carrier != nil && !in.approved(p, doc.sha) {
		m.guard = newTermGuard(carrier.TerminationGuard)
	}
	// The reading side looks up stored groups' source digests in what is
	// committed (the document's own transaction holds each group once).
	known := func(ext string) string {
		g, err := in.store.GroupByExternal(ctx, p.ID, ext)
		if err != nil {
			return "" // not found, or unreadable: the group is checked in full
		}
		return g.SourceDigest
	}
	twins := newStoredTwins(ctx, in.store, p.ID)
	finish := func(ctx context.Context, tx store.Tx, fileErrs []model.Error) error {
		d.Result, d.FileErrs = in.fileResult(rw, fileErrs)
		if err := rw.end(d.Result.Outcome, now, d.FileErrs); err != nil {
			return fmt.Errorf("%w: %w", errOperational, err)
		}
		if doc.commit == nil { // a dropped file; an API caller has its answer
			if err := recordRejected(ctx, tx, p, rec, d.Result, rejected, now); err != nil {
				return err
			}
		}
		if err := tx.SetFileResult(ctx, rec.ID, d.Result); err != nil {
			return err
		}
		if doc.commit != nil {
			return doc.commit(ctx, tx, d)
		}
		return nil
	}
	begin := func(ctx context.Context, tx store.Tx) error {
		if doc.begin != nil {
			return doc.begin(ctx, tx)
		}
		return nil
	}

	// A census is read in one pass, as if its groups were contiguous (as
	// exports are); if they are not, nothing of that pass is kept (its
	// transaction rolls back) and the file is read again, indexed first.
	stream := true
	var err error
	for {
		err = in.store.Update(ctx, func(tx store.Tx) error {
			if err := begin(ctx, tx); err != nil {
				return err
			}
			fileErrs, err := walk(ctx, p, carrier, rec.Name, withProgress(doc.src, rec.Name, doc.size, in.Progress), stream, now, known, func(sg *model.SourcedGroup, errs []model.Error, h *groupHash) error {
				if tw, err := twins.twin(sg.Group.ExternalIdentifier); err != nil {
					return err
				} else if tw != "" {
					errs = append(errs, caseTwinError("group.external_identifier", sg.Group.ExternalIdentifier, tw, "(a group onboard already has for this partner)"))
					sg.Locate(errs)
					h = nil
				}
				gr, err := in.apply(ctx, tx, m, sg, errs, h, rec.ID, doc)
				if err != nil {
					return err
				}
				if gr.Outcome == GroupRejected && gr.ID == "" {
					rejected = append(rejected, store.RejectedIntake{GroupExternalID: gr.ExternalIdentifier, ErrorCount: len(gr.Errors)})
				}
				rw.group(gr)
				if doc.commit != nil {
					d.Groups = append(d.Groups, gr)
				}
				return nil
			})
			if err != nil {
				return err
			}
			progressDone(in.Progress, rec.Name, doc.size)
			if _, _, broken := fileVerdict(rw.count, fileErrs); broken {
				// A file that breaks part-way cannot be trusted whole:
				// nothing of it is applied (the transaction rolls back)
				// and it is rejected with the structural error.
				return errFileBroken{fileErrs}
			}
			if h := m.guard.trip(); h != nil {
				return errHeld{h} // nothing of it is applied
			}
			return finish(ctx, tx, fileErrs)
		})
		if !stream || !errors.Is(err, census.ErrNotContiguous) {
			break
		}
		in.log.Info("a group's rows are apart in the census: reading it again, indexed", "partner", p.ID, "file", rec.Name)
		if _, err := doc.src.Seek(0, io.SeekStart); err != nil {
			return nil, fmt.Errorf("rereading staged file: %w", err)
		}
		if err := restart(); err != nil {
			return nil, err
		}
		stream = false
	}
	var held errHeld
	if errors.As(err, &held) {
		if err := restart(); err != nil {
			return nil, err
		}
		err = in.store.Update(ctx, func(tx store.Tx) error {
			if err := begin(ctx, tx); err != nil {
				return err
			}
			return in.holdFile(ctx, tx, rw, d, rec, held.hold, now)
		})
	}
	var broken errFileBroken
	if errors.As(err, &broken) {
		// Start the documents again: only the file-level errors.
		if err := restart(); err != nil {
			return nil, err
		}
		err = in.store.Update(ctx, func(tx store.Tx) error {
			if err := begin(ctx, tx); err != nil {
				return err
			}
			return finish(ctx, tx, broken.errs)
		})
	}
	if err != nil {
		return nil, err
	}
	return d, nil
}
