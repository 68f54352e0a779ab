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
func Check(ctx context.Context, cfg *config.Config, p *config.Partner, file string, now time.Time, progress ProgressFunc) (*Result, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", file, err)
	}
	defer f.Close()
	var size int64
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	name := filepath.Base(file)
	res := &Result{File: name, PartnerID: p.ID, Groups: []GroupResult{}}
	rw := newResultWriter(io.Discard, nil)
	fileErrs, err := walk(ctx, p, cfg.Carrier(p.Carrier), name, withProgress(f, name, size, progress), false, now, nil, func(sg *model.SourcedGroup, errs []model.Error, _ *groupHash) error {
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
	rw.count.Created = rw.count.Groups - rw.count.Rejected // valid groups would be accepted
	if rw.count.Groups == 0 && len(fileErrs) == 0 {
		fileErrs = append(fileErrs, model.Error{ErrorType: model.ErrFileInvalid, Message: "The file holds no groups."})
	}
	res.Errors = fileErrs
	res.Counts = rw.count
	res.Counts.Errors += len(fileErrs)
	res.Outcome = rw.count.outcome(len(fileErrs))
	for i := range res.Errors {
		if res.Errors[i].Source == nil {
			res.Errors[i].Source = &model.Source{File: name}
		}
	}
	return res, nil
}
