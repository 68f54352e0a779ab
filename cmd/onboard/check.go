package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/onboard/onboard/engine"
	"github.com/onboard/onboard/engine/intake"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// checkCmd is `onboard check`: map and validate files without storing.
type checkCmd struct{}

func (c *checkCmd) Run(ctx context.Context, m *Main, args []string) int {
	fs := m.flagSet("check", "check -config F -partner P [-json] FILE...")
	path := fs.String("config", defaultConfig(), "config file")
	partner := fs.String("partner", "", "the partner whose mapping and carrier apply (required)")
	asJSON := fs.Bool("json", false, "print the result documents as JSON")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *partner == "" || fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	cfg, ok := m.loadConfig(*path)
	if !ok {
		return 1
	}
	p := cfg.Partner(*partner)
	if p == nil {
		fmt.Fprintf(m.Stderr, "onboard: no partner %q in %s%s\n", *partner, cfg.Path, suggest(*partner, partnerIDs(cfg)))
		return 2
	}
	// With the state store at hand (read-only, never created), changes
	// are judged against what it holds, as the intake judges them: a change
	// older than the carrier's max_retro_days is refused.
	var prior intake.Prior
	if st, err := engine.OpenStoreReadOnly(ctx, cfg); err == nil {
		defer st.Close()
		prior = func(ctx context.Context, ext string) (*model.Group, error) {
			rec, err := st.GroupByExternal(ctx, p.ID, ext)
			if errors.Is(err, store.ErrNotFound) {
				return nil, nil
			}
			if err != nil {
				return nil, err
			}
			return st.Version(ctx, rec.ID, rec.Version)
		}
	}
	var progress intake.ProgressFunc
	if isTerminal(m.Stderr) {
		progress = progressPrinter(m.Stderr)
	}
	code := 0
	var docs []*intake.Result
	for _, file := range fs.Args() {
		res, err := intake.CheckAgainst(ctx, cfg, p, file, time.Now(), progress, prior)
		if err != nil {
			fmt.Fprintf(m.Stderr, "onboard: %v\n", err)
			return 1
		}
		if res.Counts.Errors > 0 {
			code = 1
		}
		docs = append(docs, res)
		if *asJSON {
			continue
		}
		fmt.Fprintf(m.Stdout, "%s: %s — %d group(s), %d valid, %d rejected, %d error(s)\n",
			file, res.Outcome, res.Counts.Groups, res.Counts.Groups-res.Counts.Rejected, res.Counts.Rejected, res.Counts.Errors)
		for _, e := range res.Errors {
			fmt.Fprintf(m.Stdout, "  %s [%s]\n", e.Error(), e.ErrorType)
		}
		for _, g := range res.Groups {
			for _, e := range g.Errors {
				fmt.Fprintf(m.Stdout, "  %s [%s]\n", e.Error(), e.ErrorType)
			}
		}
		for _, n := range res.Notes {
			fmt.Fprintf(m.Stdout, "  note: %s\n", n)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		var v any = docs
		if len(docs) == 1 {
			v = docs[0]
		}
		if err := enc.Encode(v); err != nil {
			fmt.Fprintf(m.Stderr, "onboard: %v\n", err)
			return 1
		}
	}
	return code
}
