package intake

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/transport"
)

// rejectUnsafeName answers a file whose name the folders refuse to handle
// (a control character or a backslash: transport.ErrUnsafeName), so that
// it can be neither read nor moved: the partner gets a rejected result
// under the name with those characters replaced by "_", once (a result
// already there means the partner was told), and the file is left where
// it is, no longer retried as a failure.
func (in *Intake) rejectUnsafeName(ctx context.Context, p *config.Partner, name string) error {
	outbound, err := in.open(ctx, p.Outbound)
	if err != nil {
		return fmt.Errorf("opening outbound folder of partner %s: %w", p.ID, err)
	}
	safe := safeName(name)
	resName := path.Join(dirResults, safe+".result.json")
	if _, err := outbound.Stat(ctx, resName); err == nil {
		return nil
	} else if !errors.Is(err, transport.ErrNotExist) {
		return fmt.Errorf("checking %s: %w", resName, err)
	}
	fe := model.Error{ErrorType: model.ErrFileInvalid, Parameter: "file",
		Message: fmt.Sprintf("The file name %q contains a control character or a backslash, so onboard cannot read or move the file; "+
			"remove it and send it again under a name of letters, digits, dots, dashes and underscores.", safe)}
	var jb, cb bytes.Buffer
	now := in.Now().UTC()
	rw := newResultWriter(&jb, &cb)
	rw.begin(&Result{File: name, PartnerID: p.ID, ReceivedAt: &now})
	if err := rw.end(store.OutcomeRejected, now, []model.Error{fe}); err != nil {
		return err
	}
	if err := outbound.Write(ctx, path.Join(dirResults, safe+".errors.csv"), &cb, 0o600); err != nil {
		return fmt.Errorf("writing result file to %s: %w", outbound, err)
	}
	if err := outbound.Write(ctx, resName, &jb, 0o600); err != nil {
		return fmt.Errorf("writing result file to %s: %w", outbound, err)
	}
	in.log.Warn("file rejected: its name cannot be handled; it is left in the inbound folder", "partner", p.ID,
		"file", name, "result", outbound.String()+"/"+resName)
	return nil
}

// safeName replaces the characters transport refuses in a name.
func safeName(name string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '\\' || r == '/' {
			return '_'
		}
		return r
	}, name)
}
