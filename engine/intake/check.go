package intake

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/model"
)

// Check maps and validates a local file as partner p would send it, without
// storing anything, and returns the result document: group outcomes are
// `valid` or `rejected`, and counts.created counts the valid groups.
// progress, when set, is told how far a large file has been read.
//
// The verdict is intake's: the file is read as intake stages it (the
// partner's size limit, OpenPGP decryption) and the file-level decision is
// fileVerdict, so a file check calls valid is one intake accepts, and a
// file broken part-way is rejected whole by both.
func Check(ctx context.Context, cfg *config.Config, p *config.Partner, file string, now time.Time, progress ProgressFunc) (*Result, error) {
	return CheckAgainst(ctx, cfg, p, file, now, progress, nil)
}

// Prior returns the stored version of a partner's group (nil, nil when
// there is none).
type Prior func(ctx context.Context, externalID string) (*model.Group, error)

// CheckAgainst is Check with the stored versions of the partner's groups:
// a change older than the carrier's max_retro_days is then refused as the
// intake refuses it (DESIGN.md §4), against what the store already holds.
// Without prior (nil), that rule cannot be told from a restated old date
// and is left to the intake.
func CheckAgainst(ctx context.Context, cfg *config.Config, p *config.Partner, file string, now time.Time, progress ProgressFunc, prior Prior) (*Result, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", file, err)
	}
	defer f.Close()
	name := filepath.Base(file)
	res := &Result{File: name, PartnerID: p.ID, Groups: []GroupResult{}}

	// Staged as intake stages a partner's file: a private copy of the
	// content the partner meant (decrypted), refused when it breaks the
	// partner's rules.
	tmp, err := os.CreateTemp("", ".onboard-check-*")
	if err != nil {
		return nil, fmt.Errorf("staging %s: %w", file, err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	size, _, fe, err := copyPlain(p, name, f, tmp, func(string, ...any) {})
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", file, err)
	}
	if fe != nil {
		return finishCheck(res, Counts{}, []model.Error{*fe}, name), nil
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("staging %s: %w", file, err)
	}

	rw := newResultWriter(io.Discard, nil)
	fileErrs, err := walk(ctx, p, cfg.Carrier(p.Carrier), name, withProgress(tmp, name, size, progress), false, now, nil, func(sg *model.SourcedGroup, errs []model.Error, _ *groupHash) error {
		if len(errs) == 0 && prior != nil {
			prev, err := prior(ctx, sg.Group.ExternalIdentifier)
			if err != nil {
				return err
			}
			errs = retroErrors(sg.Group, prev, cfg.Carrier(p.Carrier), now)
		}
		gr := GroupResult{ExternalIdentifier: sg.Group.ExternalIdentifier, Line: sg.Line, Outcome: GroupValid, Errors: errs}
		if len(errs) > 0 {
			gr.Outcome = GroupRejected
		}
		for _, s := range sg.Group.Subscribers {
			gr.Counts.Subscribers++
			gr.Counts.Dependents += len(s.Dependents)
		}
		rw.group(&gr)
		res.Groups = append(res.Groups, gr)
		return nil
	})
	progressDone(progress, name, size)
	if err != nil {
		return nil, err
	}
	counts := rw.count
	counts.Created = counts.Groups - counts.Rejected // valid groups would be accepted
	res = finishCheck(res, counts, fileErrs, name)
	if n := guardNote(cfg, p); n != "" {
		res.Notes = append(res.Notes, n)
	}
	return res, nil
}

// finishCheck completes a check's result with intake's file-level verdict.
func finishCheck(res *Result, counts Counts, fileErrs []model.Error, name string) *Result {
	outcome, errs, broken := fileVerdict(counts, fileErrs)
	if broken {
		// Nothing of a broken file would be applied: no group is valid.
		res.Groups, counts = []GroupResult{}, Counts{}
	}
	res.Outcome = outcome
	res.Errors = errs
	res.Counts = counts
	res.Counts.Errors += len(errs)
	for i := range res.Errors {
		if res.Errors[i].Source == nil {
			res.Errors[i].Source = &model.Source{File: name}
		}
	}
	return res
}
