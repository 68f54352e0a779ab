package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/onboard/onboard/engine/store"
)

// historyCmd is `onboard history`: a group's status timeline.
type historyCmd struct{}

func (c *historyCmd) Run(ctx context.Context, m *Main, args []string) int {
	fs := m.flagSet("history", "history -config F GROUP   (GROUP: an id or partner:external_identifier)")
	path := fs.String("config", defaultConfig(), "config file")
	if code, ok := parseOneArg(fs, args); !ok {
		return code
	}
	_, st, ok := m.openStore(ctx, *path)
	if !ok {
		return 1
	}
	defer st.Close()
	ref := fs.Arg(0)
	var g *store.GroupRecord
	var err error
	if partner, ext, ok := strings.Cut(ref, ":"); ok {
		g, err = st.GroupByExternal(ctx, partner, ext)
	} else {
		g, err = st.Group(ctx, ref)
	}
	if errors.Is(err, store.ErrNotFound) {
		fmt.Fprintf(m.Stderr, "onboard: no group %s%s (give its id or partner:external_identifier)\n", ref, suggestGroup(ctx, st, ref))
		return 1
	}
	if err != nil {
		fmt.Fprintf(m.Stderr, "onboard: %v\n", err)
		return 1
	}
	evs, err := st.Events(ctx, g.ID)
	if err != nil {
		fmt.Fprintf(m.Stderr, "onboard: %v\n", err)
		return 1
	}
	fmt.Fprintf(m.Stdout, "%s %s (%s) — %s, now %s\n", g.PartnerID, g.ExternalIdentifier, g.ID, g.OrganizationName, g.Status)
	tw := tabwriter.NewWriter(m.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tWHO\tFROM\tTO\tREASON\tSOURCE")
	for _, e := range evs {
		who := "group"
		if e.SubscriberID != "" {
			who = "subscriber " + e.Subscriber
		}
		from := string(e.From)
		if from == "" {
			from = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.At.UTC().Format(time.RFC3339), who, from, e.To, e.Reason, e.Source)
	}
	tw.Flush()
	return 0
}

// suggestGroup suggests the stored group nearest to ref, by
// partner:external_identifier.
func suggestGroup(ctx context.Context, st store.Reader, ref string) string {
	gs, err := st.Groups(ctx, store.GroupFilter{})
	if err != nil {
		return ""
	}
	refs := make([]string, 0, len(gs))
	for _, g := range gs {
		refs = append(refs, g.PartnerID+":"+g.ExternalIdentifier)
	}
	return suggest(ref, refs)
}
