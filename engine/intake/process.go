package intake

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/crash"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/pgp"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/transport"
	"github.com/onboard/onboard/engine/validate"
	"github.com/onboard/onboard/formats/census"
	"github.com/onboard/onboard/formats/groupjson"
)

// groupSource yields the groups of a partner file one at a time.
type groupSource interface {
	Next() (*model.SourcedGroup, error)
}

// isJSON reports whether a file name says group JSON rather than a census.
func isJSON(name string) bool {
	ext := strings.ToLower(filepath.Ext(pgp.PlainName(name)))
	return ext == ".json" || ext == ".jsonl" || ext == ".ndjson"
}

// openSource opens a staged file in the partner's format. A file-level
// problem comes back as a model.Error. A census is streamed when stream is
// set (census.NewStreamReader: no indexing pass; its Next returns
// census.ErrNotContiguous if the file's groups turn out not to be), else
// indexed first.
func openSource(p *config.Partner, name string, r io.ReadSeeker, stream bool) (groupSource, error) {
	switch {
	case isJSON(name):
		return groupjson.NewReader(r, name, groupjson.WithLimits(groupjson.Limits{
			MaxValueBytes: p.MaxValueBytes, MaxGroupMembers: p.MaxGroupMembers})), nil
	case stream:
		return census.NewStreamReader(r, p.CompiledMapping, name, censusLimits(p))
	default:
		return census.NewReader(r, p.CompiledMapping, name, censusLimits(p))
	}
}

// censusLimits are the partner's reader limits for a census.
func censusLimits(p *config.Partner) census.Option {
	return census.WithLimits(census.Limits{MaxValueBytes: p.MaxValueBytes, MaxGroupMembers: p.MaxGroupMembers})
}

// asFileError turns a reader error into a file-level error, or reports
// that it is not one.
func asFileError(err error) (model.Error, bool) {
	var me model.Error
	if errors.As(err, &me) {
		return me, true
	}
	var mp *model.Error
	if errors.As(err, &mp) {
		return *mp, true
	}
	return model.Error{}, false
}

// visitor is told each group of a file after mapping and validation; h is
// its canonical content's hashes when it has no errors (nil otherwise).
type visitor func(sg *model.SourcedGroup, errs []model.Error, h *groupHash) error

// groupHash is a valid group's content hashes, computed on walk's reading
// side (they were a tenth of the storing side's work): the group is
// canonical (canonicalize) and Subs are its subscribers' hashes in order.
type groupHash struct {
	Subs    []string
	Content string
	// Digest identifies what the group was read from (sourceDigest).
	Digest string
	// Unchanged: the stored version was read from the same (Digest), so
	// the group was neither checked nor hashed; recheck does it, should
	// the store say otherwise by the time the group is stored.
	Unchanged bool
	recheck   func() ([]model.Error, *groupHash)
}

// hashGroup canonicalizes g and hashes its content.
func hashGroup(g *model.Group) *groupHash {
	canonicalize(g)
	subs := subscriberHashes(g)
	return &groupHash{Subs: subs, Content: contentHash(g, subs)}
}

// walk reads a file group by group, validating each against the partner's
// carrier. It returns the file-level errors; a returned error is operational.
// known, when not nil, returns the source digest of the partner's stored
// group with an external identifier ("" when none).
func walk(ctx context.Context, p *config.Partner, carrier *config.Carrier, name string, r io.ReadSeeker, stream bool, now time.Time,
	known func(ext string) string, visit visitor) ([]model.Error, error) {
	src, err := openSource(p, name, r, stream)
	if err != nil {
		if fe, ok := asFileError(err); ok {
			return []model.Error{fe}, nil
		}
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	// The next group is read, mapped and validated beside the visitor
	// storing the previous one: the two took about as long as each other
	// and need not wait on each other. One group is read ahead.
	type walked struct {
		sg   *model.SourcedGroup
		errs []model.Error
		h    *groupHash
	}
	var fileErrs []model.Error
	err = overlap(ctx, func(ctx context.Context, emit func(walked) error) error {
		var err error
		fileErrs, err = readGroups(ctx, src, p, carrier, name, now, known, func(sg *model.SourcedGroup, errs []model.Error, h *groupHash) error {
			return emit(walked{sg, errs, h})
		})
		return err
	}, func(it walked) error { return visit(it.sg, it.errs, it.h) })
	if err != nil {
		return nil, err
	}
	return fileErrs, nil
}

// readGroups is walk's reading side: it maps and validates each group of
// src and hands it to visit.
func readGroups(ctx context.Context, src groupSource, p *config.Partner, carrier *config.Carrier, name string, now time.Time,
	known func(ext string) string, visit visitor) ([]model.Error, error) {
	var v *validate.Carrier
	if carrier != nil {
		v = carrier.Validator
	}
	// Reading and mapping the next group runs beside checking and hashing
	// the previous one: each is about half of the reading side, which is
	// all an unchanged re-drop does.
	var fileErrs []model.Error
	seen := map[string]seenGroup{}
	err := overlap(ctx, func(ctx context.Context, emit func(*model.SourcedGroup) error) error {
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			sg, err := src.Next()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				if fe, ok := asFileError(err); ok {
					// A structural problem ends the file; the groups read
					// so far keep their outcome only if the file is
					// otherwise sound, so the caller rejects everything
					// (see process).
					fileErrs = append(fileErrs, fe)
					return nil
				}
				return fmt.Errorf("reading %s: %w", name, err)
			}
			if err := emit(sg); err != nil {
				return err
			}
		}
	}, func(sg *model.SourcedGroup) error {
		errs, h := checkGroup(sg, p, v, now, seen, known)
		return visit(sg, errs, h)
	})
	if err != nil {
		return nil, err
	}
	return fileErrs, nil
}

// checkGroup validates a group read from a file of the partner's, and
// hashes it when it is valid. seen holds the first line of each group
// external identifier met so far in the file. A group whose stored version
// was read from the same rows (known) is neither: see digest.go.
func checkGroup(sg *model.SourcedGroup, p *config.Partner, v *validate.Carrier, now time.Time, seen map[string]seenGroup,
	known func(ext string) string) ([]model.Error, *groupHash) {
	g := sg.Group
	g.PartnerID = p.ID
	g.CarrierID = p.Carrier
	// Keyed in upper case: the carrier reads identifiers so, and abc and
	// ABC would be one group there.
	first, dup := seen[strings.ToUpper(g.ExternalIdentifier)]
	if !dup {
		seen[strings.ToUpper(g.ExternalIdentifier)] = seenGroup{line: sg.Line, ext: g.ExternalIdentifier}
	}
	line := first.line
	dup = dup && g.ExternalIdentifier != ""
	var digest string
	if known != nil { // no store to compare with ('onboard check'), nothing to record
		digest = sourceDigest(sg, p, v)
	}
	check := func() ([]model.Error, *groupHash) {
		errs := validateGroup(sg, v, now)
		switch {
		case dup && first.ext != g.ExternalIdentifier:
			errs = append(errs, caseTwinError("group.external_identifier", g.ExternalIdentifier, first.ext, fmt.Sprintf("at line %d of this file", line)))
		case dup:
			errs = append(errs, model.Error{ErrorType: model.ErrParameterDuplicate, Parameter: "group.external_identifier",
				Value:   g.ExternalIdentifier,
				Message: fmt.Sprintf("Group %s appears twice in this file (first at line %d); send each group once per file.", g.ExternalIdentifier, line)})
		}
		sg.Locate(errs)
		model.SortErrors(errs)
		if len(errs) > 0 {
			return errs, nil
		}
		h := hashGroup(g)
		h.Digest = digest
		return errs, h
	}
	if digest != "" && !dup && len(sg.Errors) == 0 && (v == nil || !v.Dated()) && known(g.ExternalIdentifier) == digest {
		return nil, &groupHash{Digest: digest, Unchanged: true, recheck: check}
	}
	return check()
}

// validateGroup returns what the reader and validation found wrong with a
// group, each problem once.
func validateGroup(sg *model.SourcedGroup, v *validate.Carrier, now time.Time) []model.Error {
	errs := append([]model.Error(nil), sg.Errors...)
	// A value the reader could not map is reported once, by the reader.
	type at struct {
		param string
		line  int
	}
	unreadable := make(map[at]bool, len(sg.Errors))
	for _, e := range sg.Errors {
		unreadable[at{e.Parameter, e.Line()}] = true
	}
	verrs := validate.Group(sg.Group, v, now)
	sg.Locate(verrs)
	for _, e := range verrs {
		if !unreadable[at{e.Parameter, e.Line()}] {
			errs = append(errs, e)
		}
	}
	return errs
}

// process maps, validates and stores a claimed file in one transaction,
// streaming its result documents to local staging.
func (in *Intake) process(ctx context.Context, p *config.Partner, rec *store.FileRecord, st *staged, resJSON, resCSV string) (store.FileResult, error) {
	var fr store.FileResult
	src, err := os.Open(st.path)
	if err != nil {
		return fr, fmt.Errorf("opening staged file: %w", err)
	}
	defer src.Close()
	jf, err := os.OpenFile(resJSON, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fr, fmt.Errorf("creating result: %w", err)
	}
	defer jf.Close()
	cf, err := os.OpenFile(resCSV, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fr, fmt.Errorf("creating errors csv: %w", err)
	}
	defer cf.Close()

	// restart starts the result documents (again, after a rolled-back
	// attempt).
	restart := func() (io.Writer, io.Writer, error) {
		for _, f := range []*os.File{jf, cf} {
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				return nil, nil, fmt.Errorf("restarting result: %w", err)
			}
			if err := f.Truncate(0); err != nil {
				return nil, nil, fmt.Errorf("restarting result: %w", err)
			}
		}
		return jf, cf, nil
	}
	doc := &document{rec: rec, sha: st.sha, src: src, size: st.size, origin: "file " + rec.Name, source: rec.Name}
	d, err := in.decide(ctx, p, doc, restart)
	if err != nil {
		return fr, err
	}
	fr = d.Result
	crash.Point(CrashCommitted)
	if err := jf.Sync(); err != nil {
		return fr, fmt.Errorf("writing result: %w", err)
	}
	if fr.ErrorCount == 0 {
		cf.Close()
		os.Remove(resCSV)
	}
	return fr, nil
}

// recordRejected records the groups a file's rejection kept out of the
// store, or the file itself when it was rejected with none read, so that
// status and the reports show them (DESIGN.md §6).
func recordRejected(ctx context.Context, tx store.Tx, p *config.Partner, rec *store.FileRecord, fr store.FileResult, groups []store.RejectedIntake, now time.Time) error {
	if len(groups) == 0 && fr.Outcome == store.OutcomeRejected {
		groups = []store.RejectedIntake{{ErrorCount: fr.ErrorCount}}
	}
	for _, ri := range groups {
		ri.PartnerID, ri.FileID, ri.File, ri.At = p.ID, rec.ID, rec.Name, now
		if err := tx.RecordRejectedIntake(ctx, ri); err != nil {
			return err
		}
	}
	return nil
}

type errFileBroken struct{ errs []model.Error }

func (e errFileBroken) Error() string { return "the file is broken part-way" }

// fileResult is the file's outcome (fileVerdict) and the file-level
// errors its result document lists.
func (in *Intake) fileResult(rw *resultWriter, fileErrs []model.Error) (store.FileResult, []model.Error) {
	outcome, errs, _ := fileVerdict(rw.count, fileErrs)
	disp := dirArchive
	if outcome == store.OutcomeRejected {
		disp = dirFailed
	}
	accepted := rw.count.Created + rw.count.Updated + rw.count.Unchanged
	return store.FileResult{Outcome: outcome, Disposition: disp, GroupsAccepted: accepted, GroupsRejected: rw.count.Rejected,
		ErrorCount: rw.count.Errors + len(errs)}, errs
}

// apply stores one validated group (or records its rejection) and returns
// its result.
func (in *Intake) apply(ctx context.Context, tx store.Tx, m *merger, sg *model.SourcedGroup, errs []model.Error, h *groupHash, fileID string, doc *document) (*GroupResult, error) {
	g := sg.Group
	gr := &GroupResult{ExternalIdentifier: g.ExternalIdentifier, Line: sg.Line}
	prevRec, err := tx.GroupByExternal(ctx, g.PartnerID, g.ExternalIdentifier)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if prevRec != nil {
		gr.ID = prevRec.ID
	}
	if h != nil && h.Unchanged {
		if prevRec != nil && prevRec.SourceDigest == h.Digest {
			gr.Outcome, gr.Status = GroupUnchanged, prevRec.Status
			return gr, fillStoredIDs(ctx, tx, gr)
		}
		// Stored otherwise since the reading side looked: check it now.
		errs, h = h.recheck()
	}
	if len(errs) > 0 {
		gr.Outcome, gr.Errors = GroupRejected, errs
		if prevRec != nil {
			gr.Status = prevRec.Status
		}
		return gr, nil
	}
	var prev *model.Group
	if prevRec != nil {
		// The same content again (a census re-sent in other bytes): when
		// the file's group already hashes as the stored version, merging
		// could add nothing to it, so it is unchanged without the merge
		// (and, where the store lists ids, without decoding the version).
		if h == nil {
			h = hashGroup(g)
		}
		if h.Content == prevRec.ContentHash {
			gr.Outcome, gr.Status = GroupUnchanged, prevRec.Status
			if h.Digest != "" && h.Digest != prevRec.SourceDigest {
				// Known by these rows from now on.
				if err := tx.SetSourceDigest(ctx, prevRec.ID, h.Digest); err != nil {
					return nil, err
				}
			}
			return gr, fillStoredIDs(ctx, tx, gr)
		}
		if prev, err = tx.Version(ctx, prevRec.ID, prevRec.Version); err != nil {
			return nil, err
		}
	}
	if errs := retroErrors(g, prev, m.carrier, m.now); len(errs) > 0 {
		gr.Outcome, gr.Errors = GroupRejected, errs
		if prevRec != nil {
			gr.Status = prevRec.Status
		}
		return gr, nil
	}
	full := m.full
	if isJSON(doc.rec.Name) && len(g.Subscribers) == 0 {
		m.full = false // a group object without subscribers says nothing of them
	}
	mc := m.merge(g, prev)
	m.full = full
	if prevRec != nil {
		m.guard.add(g.ExternalIdentifier, prevRec.ID, mc)
	}
	var subHashes []string
	var hash string
	if prev == nil && h != nil {
		// A new group's merge only assigns ids, which are not hashed.
		subHashes, hash = h.Subs, h.Content
	} else {
		subHashes = subscriberHashes(g)
		hash = contentHash(g, subHashes)
	}
	gr.ID = g.ID
	switch {
	case prevRec != nil && prevRec.ContentHash == hash:
		gr.Outcome, gr.Status = GroupUnchanged, prevRec.Status
		return gr, fillIDs(ctx, tx, gr, prev)
	case prevRec != nil:
		gr.Outcome = GroupUpdated
	default:
		gr.Outcome = GroupCreated
	}
	hashes := make(map[string]string, len(g.Subscribers))
	for i := range g.Subscribers {
		hashes[g.Subscribers[i].ExternalIdentifier] = subHashes[i]
	}
	reason := fmt.Sprintf("%s from %s", gr.Outcome, doc.origin)
	if gr.Outcome == GroupUpdated {
		reason = fmt.Sprintf("updated from %s: %d added, %d changed, %d terminated", doc.origin, mc.added, mc.changed, mc.terminated)
	}
	for i, q := range m.events {
		if i == 0 {
			reason += "; events:"
		} else {
			reason += ","
		}
		reason += fmt.Sprintf(" %s %s (%s)", q.Type, strings.Join(q.Members, "+"), q.ID)
		gr.Events = append(gr.Events, q.Summary(q.Subscriber, model.StatusPending))
	}
	var digest string
	if h != nil {
		digest = h.Digest
	}
	rec, err := tx.SaveGroup(ctx, g, store.Save{FileID: fileID, ContentHash: hash, SubscriberHashes: hashes, Reason: reason, Source: doc.source,
		SourceDigest: digest})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errOperational, err)
	}
	gr.Status = rec.Status
	gr.Counts.Added, gr.Counts.Changed, gr.Counts.Terminated = mc.added, mc.changed, mc.terminated
	if m.full && prevRec != nil {
		// A full census applied: a file the guard held for this group
		// is superseded.
		if err := tx.ClearPendingAction(ctx, rec.ID, PendingHeld); err != nil {
			return nil, err
		}
	}
	return gr, fillIDs(ctx, tx, gr, g)
}

// fillIDs lists a group's location, subscriber and dependent ids, with
// each subscriber's status: read from the store, except for a group just
// created, whose subscribers SaveGroup made pending (a million-member
// intake spent 0.4 s of its storing side asking).
func fillIDs(ctx context.Context, r store.Reader, gr *GroupResult, g *model.Group) error {
	var status map[string]model.Status
	if gr.Outcome != GroupCreated {
		var err error
		if status, err = r.SubscriberStatuses(ctx, g.ID); err != nil {
			return err
		}
	}
	for _, l := range g.Locations() {
		gr.Locations = append(gr.Locations, IDPair{l.ExternalIdentifier, l.ID})
	}
	for _, s := range g.Subscribers {
		st := model.StatusPending // every subscriber of a group just created
		if status != nil {
			st = status[s.ExternalIdentifier]
		}
		sr := SubscriberResult{ExternalIdentifier: s.ExternalIdentifier, ID: s.ID, Status: st}
		for _, d := range s.Dependents {
			sr.Dependents = append(sr.Dependents, IDPair{d.ExternalIdentifier, d.ID})
		}
		gr.Counts.Subscribers++
		gr.Counts.Dependents += len(s.Dependents)
		gr.Subscribers = append(gr.Subscribers, sr)
	}
	return nil
}

// fillStoredIDs is fillIDs for an unchanged group, from the ids the store
// lists for its current version.
func fillStoredIDs(ctx context.Context, r store.Reader, gr *GroupResult) error {
	ids, err := r.GroupIDs(ctx, gr.ID)
	if err != nil {
		return err
	}
	for _, l := range ids.Locations {
		gr.Locations = append(gr.Locations, IDPair{l.ExternalIdentifier, l.ID})
	}
	for _, s := range ids.Subscribers {
		sr := SubscriberResult{ExternalIdentifier: s.ExternalIdentifier, ID: s.ID, Status: s.Status}
		for _, d := range s.Dependents {
			sr.Dependents = append(sr.Dependents, IDPair{d.ExternalIdentifier, d.ID})
		}
		gr.Counts.Subscribers++
		gr.Counts.Dependents += len(s.Dependents)
		gr.Subscribers = append(gr.Subscribers, sr)
	}
	return nil
}

// writeDuplicate stages the result files of a duplicate drop.
func (in *Intake) writeDuplicate(ctx context.Context, p *config.Partner, dup, orig *store.FileRecord, resDir string) error {
	if err := os.MkdirAll(resDir, 0o700); err != nil {
		return fmt.Errorf("creating result staging folder: %w", err)
	}
	jf, err := os.OpenFile(filepath.Join(resDir, dup.ID+".result.json"), os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("creating result: %w", err)
	}
	defer jf.Close()
	cf, err := os.OpenFile(filepath.Join(resDir, dup.ID+".errors.csv"), os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("creating errors csv: %w", err)
	}
	defer cf.Close()
	when := orig.ProcessedAt
	if when.IsZero() {
		when = orig.ReceivedAt
	}
	received := dup.ReceivedAt
	rw := newResultWriter(jf, cf)
	rw.begin(&Result{File: dup.Name, FileID: dup.ID, PartnerID: p.ID, SHA256: dup.SHA256, ReceivedAt: &received,
		DuplicateOf: &DuplicateOf{FileID: orig.ID, File: orig.Name, ProcessedAt: &when}})
	fe := []model.Error{{ErrorType: model.ErrFileDuplicate, Parameter: "file",
		Message: fmt.Sprintf("This file has the same content as %s, processed on %s; it was not applied again. To change groups, send a file with the changes.",
			orig.Name, when.UTC().Format(time.RFC3339))}}
	return rw.end(store.OutcomeDuplicate, in.Now().UTC(), fe)
}

// rejectUnclaimed rejects a file that cannot even be staged (too large):
// a result file says why and the source moves to failed/.
func (in *Intake) rejectUnclaimed(ctx context.Context, p *config.Partner, inbound transport.Folder, f transport.FileInfo, hasMarker bool, fe model.Error) (FileSummary, error) {
	fs := FileSummary{Name: f.Name, Outcome: store.OutcomeRejected, Errors: 1}
	id := in.NewID()
	resDir := filepath.Join(in.cfg.State.Staging, p.ID, "results")
	if err := os.MkdirAll(resDir, 0o700); err != nil {
		return fs, err
	}
	jf, err := os.OpenFile(filepath.Join(resDir, id+".result.json"), os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fs, err
	}
	cf, err := os.OpenFile(filepath.Join(resDir, id+".errors.csv"), os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		jf.Close()
		return fs, err
	}
	now := in.Now().UTC()
	rw := newResultWriter(jf, cf)
	rw.begin(&Result{File: f.Name, PartnerID: p.ID, ReceivedAt: &now})
	err = rw.end(store.OutcomeRejected, now, []model.Error{fe})
	jf.Close()
	cf.Close()
	if err != nil {
		return fs, err
	}
	in.log.Warn("file rejected before processing", "partner", p.ID, "file", f.Name, "reason", fe.Message)
	rec := &store.FileRecord{ID: id, Name: f.Name, Disposition: dirFailed}
	done, err := in.finish(ctx, p, inbound, f, hasMarker, rec, resDir, true)
	fs.Result, fs.SourceChanged = done.result, done.changed
	return fs, err
}
