package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/report"
	"github.com/onboard/onboard/engine/store"
)

// statusCmd is `onboard status`.
type statusCmd struct{}

// statusGroup is one group of `onboard status -json`.
type statusGroup struct {
	ID                 string         `json:"id"`
	ExternalIdentifier string         `json:"external_identifier"`
	PartnerID          string         `json:"partner_id"`
	CarrierID          string         `json:"carrier_id"`
	OrganizationName   string         `json:"organization_name"`
	Status             model.Status   `json:"status"`
	StatusDatetime     time.Time      `json:"status_datetime"`
	PolicyNumber       string         `json:"policy_number"`
	CarrierGroupKey    string         `json:"carrier_group_key"`
	Subscribers        map[string]int `json:"subscribers"`
	PendingAction      string         `json:"pending_action"`
	PendingSince       *time.Time     `json:"pending_since,omitempty"`
	Errors             []model.Error  `json:"errors"`
	// Events are the qualifying life events of the group's current
	// version, each with its status at the group's carrier.
	Events []statusEvent `json:"events,omitempty"`
}

// statusEvent is a qualifying life event of `onboard status -json`. Its
// status at the carrier is its family's: the subscriber's status moves with
// the transmissions that carry the family's changes and their
// acknowledgements.
type statusEvent struct {
	model.EventSummary
	CarrierID string `json:"carrier_id"`
}

// statusRejected is one rejected intake of `onboard status -json`: a group
// a file's rejection kept out of the store (group_external_identifier ""
// for a file rejected before any group was read).
type statusRejected struct {
	PartnerID               string    `json:"partner_id"`
	File                    string    `json:"file"`
	FileID                  string    `json:"file_id"`
	GroupExternalIdentifier string    `json:"group_external_identifier"`
	ErrorCount              int       `json:"error_count"`
	Since                   time.Time `json:"since"`
}

// maxRejectedShown is how many recent rejected intakes status lists.
const maxRejectedShown = 50

func (c *statusCmd) Run(ctx context.Context, m *Main, args []string) int {
	fs := m.flagSet("status", "status -config F [-partner P] [-status S] [-json]")
	path := fs.String("config", defaultConfig(), "config file")
	partner := fs.String("partner", "", "only this partner's groups")
	status := fs.String("status", "", "only groups with this status (pending, submitted, synced, errors)")
	asJSON := fs.Bool("json", false, `print {"groups": [...]} as JSON`)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *status != "" && !model.Status(*status).Valid() {
		fmt.Fprintf(m.Stderr, "onboard: unknown status %q (pending, submitted, synced, errors)\n", *status)
		return 2
	}
	cfg, st, ok := m.openStore(ctx, *path)
	if !ok {
		return 1
	}
	defer st.Close()
	if *partner != "" && cfg.Partner(*partner) == nil {
		fmt.Fprintf(m.Stderr, "onboard: no partner %q in %s%s\n", *partner, cfg.Path, suggest(*partner, partnerIDs(cfg)))
		return 2
	}
	groups, err := statusGroups(ctx, st, store.GroupFilter{PartnerID: *partner, Status: model.Status(*status)})
	if err != nil {
		fmt.Fprintf(m.Stderr, "onboard: %v\n", err)
		return 1
	}
	var rejected []statusRejected
	if *status == "" {
		ris, err := st.RejectedIntakes(ctx, *partner, maxRejectedShown)
		if err != nil {
			fmt.Fprintf(m.Stderr, "onboard: %v\n", err)
			return 1
		}
		rejected = make([]statusRejected, 0, len(ris))
		for _, ri := range ris {
			rejected = append(rejected, statusRejected{PartnerID: ri.PartnerID, File: ri.File, FileID: ri.FileID,
				GroupExternalIdentifier: ri.GroupExternalID, ErrorCount: ri.ErrorCount, Since: ri.At})
		}
	}
	var quiet []statusQuiet
	if *status == "" {
		if quiet, err = quietPartners(ctx, st, cfg, *partner); err != nil {
			fmt.Fprintf(m.Stderr, "onboard: %v\n", err)
			return 1
		}
	}
	if *asJSON {
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		doc := map[string]any{"groups": groups}
		if rejected != nil {
			doc["rejected_intakes"] = rejected
		}
		if quiet != nil {
			doc["silent_partners"] = quiet
		}
		if err := enc.Encode(doc); err != nil {
			return 1
		}
		return 0
	}
	tw := tabwriter.NewWriter(m.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PARTNER\tGROUP\tEMPLOYER\tSTATUS\tSINCE\tSUBSCRIBERS\tPOLICY\tPENDING ACTION")
	for _, g := range groups {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d pending, %d submitted, %d synced, %d errors\t%s\t%s\n",
			g.PartnerID, g.ExternalIdentifier, g.OrganizationName, g.Status, g.StatusDatetime.Local().Format(time.DateTime),
			g.Subscribers["pending"], g.Subscribers["submitted"], g.Subscribers["synced"], g.Subscribers["errors"], g.PolicyNumber, g.PendingAction)
	}
	tw.Flush()
	if len(groups) == 0 {
		fmt.Fprintln(m.Stdout, "no groups")
	}
	if len(rejected) > 0 {
		fmt.Fprintf(m.Stdout, "\nrejected intakes (not stored; the partner must fix and resend):\n")
		tw := tabwriter.NewWriter(m.Stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "PARTNER\tGROUP\tFILE\tERRORS\tSINCE")
		for _, r := range rejected {
			group := r.GroupExternalIdentifier
			if group == "" {
				group = "(whole file)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", r.PartnerID, group, r.File, r.ErrorCount, r.Since.Local().Format(time.DateTime))
		}
		tw.Flush()
	}
	printQuiet(m.Stdout, quiet)
	return 0
}

func statusGroups(ctx context.Context, st store.Reader, f store.GroupFilter) ([]statusGroup, error) {
	recs, err := st.Groups(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]statusGroup, 0, len(recs))
	for i := range recs {
		g := &recs[i]
		subs, err := st.Subscribers(ctx, g.ID)
		if err != nil {
			return nil, err
		}
		actions, err := st.PendingActions(ctx, g.ID)
		if err != nil {
			return nil, err
		}
		errs := append([]model.Error{}, g.Errors...)
		for _, s := range subs {
			errs = append(errs, s.Errors...)
		}
		action, since := report.GroupPendingAction(g, subs, len(subs), actions)
		sg := statusGroup{ID: g.ID, ExternalIdentifier: g.ExternalIdentifier, PartnerID: g.PartnerID, CarrierID: g.CarrierID,
			OrganizationName: g.OrganizationName, Status: g.Status, StatusDatetime: g.StatusDatetime, PolicyNumber: g.PolicyNumber,
			CarrierGroupKey: g.CarrierGroupKey,
			Subscribers:     report.CountByStatus(subs), PendingAction: action, Errors: errs}
		if !since.IsZero() {
			sg.PendingSince = &since
		}
		if sg.Events, err = groupEvents(ctx, st, g, subs); err != nil {
			return nil, err
		}
		out = append(out, sg)
	}
	return out, nil
}

// groupEvents lists the events of a group's current version with their
// families' statuses.
func groupEvents(ctx context.Context, st store.Reader, g *store.GroupRecord, subs []store.SubscriberRecord) ([]statusEvent, error) {
	if g.Version == 0 {
		return nil, nil
	}
	v, err := st.Version(ctx, g.ID, g.Version)
	if err != nil {
		return nil, err
	}
	status := make(map[string]model.Status, len(subs))
	for _, s := range subs {
		status[s.ExternalIdentifier] = s.Status
	}
	var out []statusEvent
	for _, s := range v.Subscribers {
		for _, q := range s.QualifyingLifeEvents {
			out = append(out, statusEvent{q.Summary(s.ExternalIdentifier, status[s.ExternalIdentifier]), g.CarrierID})
		}
	}
	return out, nil
}
