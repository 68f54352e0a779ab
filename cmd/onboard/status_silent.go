package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/silence"
	"github.com/onboard/onboard/engine/store"
)

// statusQuiet is a silent partner in `onboard status -json`: no file for
// longer than its expect.every.
type statusQuiet struct {
	PartnerID     string     `json:"partner_id"`
	LastFileAt    *time.Time `json:"last_file_at"`
	ExpectEvery   string     `json:"expect_every"`
	Since         time.Time  `json:"since"`
	PendingAction string     `json:"pending_action"`
}

// quietPartners lists the silent partners (partner "" for all); never
// nil, so the JSON has the key whenever it was looked for.
func quietPartners(ctx context.Context, st store.Reader, cfg *config.Config, partner string) ([]statusQuiet, error) {
	qs, err := silence.Quiet(ctx, st, cfg, time.Now())
	if err != nil {
		return nil, err
	}
	out := []statusQuiet{}
	for _, q := range qs {
		if partner != "" && q.PartnerID != partner {
			continue
		}
		sq := statusQuiet{PartnerID: q.PartnerID, ExpectEvery: q.Every.String(), Since: q.Since, PendingAction: q.Action}
		if !q.LastFile.IsZero() {
			sq.LastFileAt = &q.LastFile
		}
		out = append(out, sq)
	}
	return out, nil
}

func printQuiet(w io.Writer, quiet []statusQuiet) {
	if len(quiet) == 0 {
		return
	}
	fmt.Fprintf(w, "\nsilent partners (no file for longer than expect.every):\n")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PARTNER\tLAST FILE\tSINCE\tPENDING ACTION")
	for _, q := range quiet {
		last := "never"
		if q.LastFileAt != nil {
			last = q.LastFileAt.Local().Format(time.DateTime)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", q.PartnerID, last, q.Since.Local().Format(time.DateTime), q.PendingAction)
	}
	tw.Flush()
}
