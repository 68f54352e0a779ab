package intake

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// Request is a group document received over the HTTP API. It is decided
// exactly as a dropped file of group JSON (mapping, validation, carrier
// rules, storing, events) and recorded as a file of source api named
// after the request id, so transmissions, acknowledgements, history and
// reports treat it as they treat a file.
type Request struct {
	// ID is the request id; the file is recorded as api/ID.json.
	ID string
	// Body is Ideon's {"group": {...}}: one object.
	Body []byte
	// Changes: only the subscribers the body holds apply, whatever the
	// partner's census mode (POST /groups/{id}/subscribers).
	Changes bool
	// Answer, when set, runs inside the transaction that commits the
	// request, after its outcome: the API stores its idempotent answer
	// there, so an answer lost to a crash is found by the retry.
	Answer func(ctx context.Context, tx store.Tx, d *Decision) error
}

// Decision is what a request came to.
type Decision struct {
	// FileID is the id of the file the request was recorded as.
	FileID string
	// Outcome is the file outcome: accepted or rejected.
	Outcome string
	// Group is the group's result: outcome created, updated, unchanged or
	// rejected, ids and errors.
	Group *GroupResult
	// Errors are every error, the document's and the group's.
	Errors []model.Error
}

// RequestFileName is the name a request is recorded under.
func RequestFileName(requestID string) string { return "api/" + requestID + ".json" }

// Submit decides a request for partner p (see Request).
func (in *Intake) Submit(ctx context.Context, p *config.Partner, req Request) (*Decision, error) {
	if t := bytes.TrimLeft(req.Body, " \t\r\n"); len(t) > 0 && t[0] != '{' {
		// An array or JSON Lines would be several groups; the API takes one.
		return &Decision{Outcome: store.OutcomeRejected, Errors: []model.Error{{ErrorType: model.ErrParameterInvalid, Parameter: model.PathGroup,
			Message: `The body must be one JSON object, {"group": {...}}; send one group per request.`}}}, nil
	}
	sum := sha256.Sum256(req.Body)
	rec := &store.FileRecord{ID: in.NewID(), PartnerID: p.ID, Name: RequestFileName(req.ID), SHA256: hex.EncodeToString(sum[:]),
		Size: int64(len(req.Body)), State: store.FileProcessing, Source: store.SourceAPI, ReceivedAt: in.Now().UTC()}
	out := &Decision{FileID: rec.ID}
	doc := &document{rec: rec, sha: rec.SHA256, src: bytes.NewReader(req.Body), size: rec.Size,
		origin: "API request " + req.ID, source: store.SourceAPI + ":" + req.ID, changes: req.Changes,
		begin: func(ctx context.Context, tx store.Tx) error { return tx.RecordFile(ctx, rec) },
		commit: func(ctx context.Context, tx store.Tx, d *decision) error {
			out.Outcome = d.Result.Outcome
			out.Errors = append(out.Errors[:0], d.FileErrs...)
			out.Group = nil
			if len(d.Groups) > 0 {
				out.Group = d.Groups[0]
				out.Errors = append(out.Errors, d.Groups[0].Errors...)
			}
			if err := tx.MarkFileDone(ctx, rec.ID); err != nil {
				return err // nothing to deliver or move: done when decided
			}
			if req.Answer != nil {
				return req.Answer(ctx, tx, out)
			}
			return nil
		}}
	discard := func() (io.Writer, io.Writer, error) { return io.Discard, nil, nil }
	if _, err := in.decide(ctx, p, doc, discard); err != nil {
		return nil, fmt.Errorf("deciding API request %s: %w", req.ID, err)
	}
	return out, nil
}
