package intake

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/model"
)

// rejectUnsafeName answers a file whose name the folders refuse to handle
// (a control character or a backslash: transport.ErrUnsafeName), so that
// it can be neither read nor moved: the partner gets a rejected result
// under the name with those characters replaced by "_", once (a result
// already there means the partner was told), and the file is left where
// it is, no longer retried as a failure.
func (in *Intake) rejectUnsafeName(ctx context.Context, p *config.Partner, name string) error {
	safe := safeName(name)
	fe := model.Error{ErrorType: model.ErrFileInvalid, Parameter: "file",
		Message: fmt.Sprintf("The file name %q contains a control character or a backslash, so onboard cannot read or move the file; "+
			"remove it and send it again under a name of letters, digits, dots, dashes and underscores.", safe)}
	written, err := in.writeRejection(ctx, p, name, safe, fe)
	if err != nil || !written {
		return err
	}
	in.log.Warn("file rejected: its name cannot be handled; it is left in the inbound folder", "partner", p.ID,
		"file", safe, "result", path.Join(dirResults, safe+".result.json"))
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
