// Package silence finds what did not happen: a partner that has sent no
// file for longer than its expect.every (DESIGN.md §9). The transmissions
// a carrier has not acknowledged within its ack_timeout are the acks
// stage's (engine/acks flags them); both feed pending actions, reports
// and metrics.
//
//	quiet, err := silence.Quiet(ctx, st, cfg, time.Now())
//	for _, q := range quiet {
//		fmt.Println(q.PartnerID, q.Action)
//	}
package silence

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/store"
)

// ActionKind names a quiet partner's pending action.
const ActionKind = "partner_silent"

// watchKey is the last-run name under which the time onboard started
// expecting a partner's files is kept: a partner that never sent a file is
// quiet from then, not from the epoch.
func watchKey(partnerID string) string { return "expect:" + partnerID }

// Watch records, once, when onboard started expecting the partner's
// files; a partner without expect is left alone.
func Watch(ctx context.Context, st store.Store, p *config.Partner, now time.Time) error {
	if p.Expect == nil {
		return nil
	}
	if at, err := st.LastRun(ctx, watchKey(p.ID)); err == nil && !at.IsZero() {
		return nil
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return st.Update(ctx, func(tx store.Tx) error { return tx.SetLastRun(ctx, watchKey(p.ID), now) })
}

// Partner is one partner's last file, as the metric and the alarm see it.
type Partner struct {
	PartnerID, PartnerName string
	// Every is the partner's expect.every.
	Every time.Duration
	// LastFile is when its last file arrived (zero: none yet); Watched
	// when onboard started expecting files (zero: not yet).
	LastFile, Watched time.Time
	// Quiet: nothing arrived for longer than Every; Since is when the
	// silence became an alarm, Action what to do.
	Quiet  bool
	Since  time.Time
	Action string
}

// Reference is the time the partner's silence is measured from: its
// last file, else when onboard started expecting one.
func (p Partner) Reference() time.Time {
	if !p.LastFile.IsZero() {
		return p.LastFile
	}
	return p.Watched
}

// Partners returns every configured partner with expect, quiet or not,
// in configuration order.
func Partners(ctx context.Context, r store.Reader, cfg *config.Config, now time.Time) ([]Partner, error) {
	var out []Partner
	for i := range cfg.Partners {
		p := &cfg.Partners[i]
		if p.Expect == nil || p.Expect.Every <= 0 {
			continue
		}
		sp := Partner{PartnerID: p.ID, PartnerName: p.Name, Every: p.Expect.Every.D()}
		files, err := r.Files(ctx, store.FileFilter{PartnerID: p.ID, Limit: 1})
		if err != nil {
			return nil, fmt.Errorf("reading partner %s's last file: %w", p.ID, err)
		}
		if len(files) > 0 {
			sp.LastFile = files[0].ReceivedAt
		}
		if sp.Watched, err = r.LastRun(ctx, watchKey(p.ID)); err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		ref := sp.Reference()
		if !ref.IsZero() && now.Sub(ref) > sp.Every {
			sp.Quiet, sp.Since = true, ref.Add(sp.Every)
			if sp.LastFile.IsZero() {
				sp.Action = fmt.Sprintf("no file from %s since onboard started expecting one on %s (expected every %s): ask the partner whether it sends to the right folder",
					p.Name, ref.UTC().Format(time.DateOnly), days(sp.Every))
			} else {
				sp.Action = fmt.Sprintf("no file from %s since %s (expected every %s): ask the partner whether its exports still run",
					p.Name, ref.UTC().Format(time.DateOnly), days(sp.Every))
			}
		}
		out = append(out, sp)
	}
	return out, nil
}

// Quiet returns the partners that have been silent too long.
func Quiet(ctx context.Context, r store.Reader, cfg *config.Config, now time.Time) ([]Partner, error) {
	all, err := Partners(ctx, r, cfg, now)
	var out []Partner
	for _, p := range all {
		if p.Quiet {
			out = append(out, p)
		}
	}
	return out, err
}

// days writes a duration of whole days as "8d", others as Go does.
func days(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}
