package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/transmit"
	"github.com/onboard/onboard/engine/transport"
)

// ErrFreshState is returned by CheckFreshState when the database is new
// but the folders show that onboard ran here before: starting on it would
// take every partner file again and reuse control numbers (ISA13
// 000000001) the carrier already has.
var ErrFreshState = errors.New("the state database is new but the folders show an earlier state; " +
	"restore the database from a backup, or start with -new-state to begin a new state on purpose")

// History is what the folders show of an earlier state beside a new
// database.
type History struct {
	// Signs are the places that show it, for the operator.
	Signs []string
	// Controls is, per carrier, the highest interchange control number
	// (ISA13) among the files onboard left in its inbox.
	Controls map[string]int64
}

// CheckFreshState looks, when the configured SQLite database does not
// exist yet (or is empty), for signs of an earlier state: staged files,
// onboard's files in a carrier's inbox, result files in a partner's
// outbound folder. It returns nil when the database exists or nothing
// shows history; else the History and, unless newState, ErrFreshState.
func CheckFreshState(ctx context.Context, cfg *config.Config, newState bool) (*History, error) {
	// A PostgreSQL state has no file to be missing: its daemons start one
	// after another on one database, the later ones finding the folders
	// the earlier ones wrote.
	if cfg.State.SQLite == "" || cfg.State.Postgres != "" {
		return nil, nil
	}
	if info, err := os.Stat(cfg.State.SQLite); err == nil && info.Size() > 0 {
		return nil, nil
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("checking the database %s: %w", cfg.State.SQLite, err)
	}
	h := &History{Controls: map[string]int64{}}
	if ents, err := os.ReadDir(cfg.State.Staging); err == nil && len(ents) > 0 {
		h.Signs = append(h.Signs, "staging folder "+cfg.State.Staging)
	}
	// A folder that cannot be opened or listed (not created yet, a server
	// down) shows nothing: the check is for what is there.
	for i := range cfg.Carriers {
		c := &cfg.Carriers[i]
		if n, files := highestControl(ctx, c); files > 0 {
			h.Controls[c.ID] = n
			h.Signs = append(h.Signs, fmt.Sprintf("%d files of onboard in carrier %s's inbox (highest ISA13 %09d)", files, c.ID, n))
		}
	}
	for i := range cfg.Partners {
		p := &cfg.Partners[i]
		f, err := transport.Open(ctx, p.Outbound)
		if err != nil {
			continue
		}
		list, _ := f.List(ctx, "results")
		f.Close()
		if len(list) > 0 {
			h.Signs = append(h.Signs, fmt.Sprintf("%d result files in partner %s's outbound folder", len(list), p.ID))
		}
	}
	if len(h.Signs) == 0 {
		return nil, nil
	}
	if !newState {
		return h, fmt.Errorf("%w (%s)", ErrFreshState, strings.Join(h.Signs, "; "))
	}
	return h, nil
}

// highestControl returns the highest ISA13 in the names of the files
// onboard wrote to a carrier's inbox (CARRIER-YYYYMMDDhhmmss-ISA13.EXT),
// and how many there are.
func highestControl(ctx context.Context, c *config.Carrier) (top int64, n int) {
	f, err := transport.Open(ctx, c.Inbox)
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	list, err := f.List(ctx, "")
	if err != nil {
		return 0, 0
	}
	re := regexp.MustCompile(`^` + regexp.QuoteMeta(c.ID) + `-\d{14}-(\d{9})\.[A-Za-z0-9]+$`)
	for _, fi := range list {
		m := re.FindStringSubmatch(fi.Name)
		if m == nil {
			continue
		}
		v, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil {
			continue
		}
		n++
		top = max(top, v)
	}
	return top, n
}

// ResumeControls makes a new state's control numbers start above the
// highest ones the folders show (History.Controls): the interchange and
// group control numbers of each carrier resume there.
func ResumeControls(ctx context.Context, st store.Store, h *History) error {
	if h == nil {
		return nil
	}
	return st.Update(ctx, func(tx store.Tx) error {
		for carrier, top := range h.Controls {
			if top < 1 {
				continue
			}
			for _, kind := range []string{transmit.KindISA13, transmit.KindGS06} {
				if _, err := tx.NextControl(ctx, carrier, kind, int(top)); err != nil {
					return fmt.Errorf("resuming %s control numbers of carrier %s above %d: %w", kind, carrier, top, err)
				}
			}
		}
		return nil
	})
}

// QuickCheck runs the store's integrity check where it has one (SQLite's
// PRAGMA quick_check): `onboard run` refuses to start on a damaged state.
func QuickCheck(ctx context.Context, st store.Store) error {
	qc, ok := st.(interface{ QuickCheck(context.Context) error })
	if !ok {
		return nil
	}
	return qc.QuickCheck(ctx)
}
