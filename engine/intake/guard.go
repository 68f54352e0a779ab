package intake

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/store"
)

// dirHeld is where a file the termination guard holds waits, beside the
// inbound files, for the partner's next file or an operator's approval.
const dirHeld = "held"

// PendingHeld is the kind of pending action a held file sets on each group
// it would have thinned.
const PendingHeld = "termination_guard"

// termGuard tallies, over one full census, the members it would end by
// omission and the active members they come from, per group and in all
// (DESIGN §9 termination_guard). A partial upload or a partner's export bug
// looks like a file that drops many members at once; such a file is held.
type termGuard struct {
	cfg     config.TerminationGuard
	groups  []guardGroup
	omitted int
	active  int
}

// guardGroup is one group's tally.
type guardGroup struct {
	ext, id         string
	omitted, active int
}

func newTermGuard(cfg config.TerminationGuard) *termGuard {
	if cfg.Fraction <= 0 {
		return nil
	}
	return &termGuard{cfg: cfg}
}

// add counts a stored group's changes.
func (g *termGuard) add(ext, id string, mc memberChanges) {
	if g == nil || mc.active == 0 {
		return
	}
	g.groups = append(g.groups, guardGroup{ext: ext, id: id, omitted: mc.omitted, active: mc.active})
	g.omitted += mc.omitted
	g.active += mc.active
}

// reset forgets the tally (the file is read again).
func (g *termGuard) reset() {
	if g != nil {
		g.groups, g.omitted, g.active = g.groups[:0], 0, 0
	}
}

// trips reports whether omitted of active members is over the guard.
func (g *termGuard) trips(omitted, active int) bool {
	return omitted >= g.cfg.MinMembers && float64(omitted) > g.cfg.Fraction*float64(active)
}

// hold is why a file is held: the groups over the guard (every group the
// file thins, when only the file as a whole is over it).
type hold struct {
	groups          []guardGroup
	omitted, active int
	share           string
	min             int
}

// trip returns the hold, or nil when the file may be applied.
func (g *termGuard) trip() *hold {
	if g == nil {
		return nil
	}
	h := &hold{omitted: g.omitted, active: g.active, share: g.cfg.Share, min: g.cfg.MinMembers}
	for _, gg := range g.groups {
		if g.trips(gg.omitted, gg.active) {
			h.groups = append(h.groups, gg)
		}
	}
	if len(h.groups) == 0 && g.trips(g.omitted, g.active) {
		for _, gg := range g.groups {
			if gg.omitted > 0 {
				h.groups = append(h.groups, gg)
			}
		}
	}
	if len(h.groups) == 0 {
		return nil
	}
	sort.Slice(h.groups, func(i, j int) bool { return h.groups[i].ext < h.groups[j].ext })
	return h
}

// note is the plain-language explanation of a hold for the partner and the
// operator.
func (h *hold) note(file, fileID string) string {
	var parts []string
	for i, g := range h.groups {
		if i == 5 {
			parts = append(parts, fmt.Sprintf("and %d more groups", len(h.groups)-5))
			break
		}
		parts = append(parts, fmt.Sprintf("group %s would lose %d of its %d active members", g.ext, g.omitted, g.active))
	}
	return fmt.Sprintf("%s was not applied: as a full census it would end the coverage of %d of %d active members "+
		"by leaving them out (%s), more than the %s (and at least %d) the carrier's termination guard allows. "+
		"If members are missing because the file was cut short or exported wrongly, send a complete file; it replaces this one. "+
		"If these terminations are intended, ask the operator to approve the file (onboard approve -config F %s).",
		file, h.omitted, h.active, strings.Join(parts, "; "), h.share, h.min, fileID)
}

// errHeld ends the deciding transaction of a file the guard holds: nothing
// of it is applied.
type errHeld struct{ hold *hold }

func (e errHeld) Error() string { return "the file is held by the termination guard" }

// heldResult is the stored outcome of a held file.
func heldResult(h *hold) store.FileResult {
	return store.FileResult{Outcome: store.OutcomeHeld, Disposition: dirHeld, GroupsRejected: 0,
		Message: fmt.Sprintf("held: %d of %d active members would be terminated", h.omitted, h.active)}
}

// approvals are the contents an operator approved past the guard
// (onboard approve): staging/PARTNER/approved/SHA256.
func (in *Intake) approvalPath(p *config.Partner, sha string) string {
	return filepath.Join(in.cfg.State.Staging, p.ID, "approved", sha)
}

// approved reports whether the content sha was approved past the guard.
func (in *Intake) approved(p *config.Partner, sha string) bool {
	_, err := os.Stat(in.approvalPath(p, sha))
	return err == nil
}

// Approve lets the content sha of partner p past the termination guard
// the next time it is processed (onboard approve).
func (in *Intake) Approve(p *config.Partner, sha string) error {
	path := in.approvalPath(p, sha)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("recording the approval: %w", err)
	}
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		return fmt.Errorf("recording the approval: %w", err)
	}
	return nil
}

// holdFile records a held file in the deciding transaction: the result
// documents say `held` with the note, each group the file would have
// thinned gets a pending action, and the file's outcome is held.
func (in *Intake) holdFile(ctx context.Context, tx store.Tx, rw *resultWriter, d *decision, rec *store.FileRecord, h *hold, now time.Time) error {
	note := h.note(rec.Name, rec.ID)
	rw.notes = []string{note}
	if err := rw.end(store.OutcomeHeld, now, nil); err != nil {
		return fmt.Errorf("%w: %w", errOperational, err)
	}
	for _, g := range h.groups {
		if err := tx.SetPendingAction(ctx, store.PendingAction{GroupID: g.id, Kind: PendingHeld, Message: note, Since: now}); err != nil {
			return err
		}
	}
	d.Result, d.FileErrs = heldResult(h), nil
	return tx.SetFileResult(ctx, rec.ID, d.Result)
}

// heldFeedback writes the held file's note as a plain-language feedback
// paragraph in the partner's outbound feedback/ (DESIGN §6), read from
// the file's stored message and result.
func (in *Intake) heldFeedback(ctx context.Context, p *config.Partner, rec *store.FileRecord, _ string) error {
	outbound, err := in.open(ctx, p.Outbound)
	if err != nil {
		return err
	}
	note := in.heldNote(rec)
	name := path.Join("feedback", in.Now().UTC().Format(stampLayout)+"-held-"+fitName(safeName(rec.Name), 200)+".txt")
	return outbound.Write(ctx, name, strings.NewReader(note+"\n"), 0o600)
}

// heldNote is the note of a held file, rebuilt from the staged tally.
func (in *Intake) heldNote(rec *store.FileRecord) string {
	if rec.Message != "" {
		return fmt.Sprintf("%s was held by the termination guard and not applied (%s). Send a complete file, or ask the operator to approve it: onboard approve -config F %s.",
			rec.Name, rec.Message, rec.ID)
	}
	return fmt.Sprintf("%s was held by the termination guard and not applied. Send a complete file, or ask the operator to approve it: onboard approve -config F %s.", rec.Name, rec.ID)
}

// guardNote tells `onboard check` (which compares with no stored group)
// that intake would hold this file if, as a full census, it ended too many
// members; "" when the partner sends changes.
func guardNote(cfg *config.Config, p *config.Partner) string {
	c := cfg.Carrier(p.Carrier)
	if p.Census == config.CensusChanges || c == nil || c.TerminationGuard.Fraction <= 0 {
		return ""
	}
	return fmt.Sprintf("termination guard: as a full census, this file is held for approval instead of applied if it would end "+
		"more than %s (and at least %d) of a group's active members, or of all the members of its groups, by leaving them out (carrier %s).",
		c.TerminationGuard.Share, c.TerminationGuard.MinMembers, c.ID)
}
