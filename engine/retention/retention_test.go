package retention

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/store/sqlite"
	"github.com/onboard/onboard/engine/transport"
	"github.com/onboard/onboard/engine/transport/sftptest"
)

func TestSweep(t *testing.T) {
	for _, kind := range []string{"local", "sftp"} {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			root := t.TempDir()
			var inbound transport.Folder
			if kind == "local" {
				l, err := transport.NewLocal(root)
				if err != nil {
					t.Fatal(err)
				}
				inbound = l
			} else {
				srv := sftptest.StartServer(t, root)
				s, err := transport.NewSFTP(ctx, srv.Config())
				if err != nil {
					t.Fatal(err)
				}
				inbound = s
			}
			defer inbound.Close()

			now := time.Date(2027, 6, 1, 12, 0, 0, 0, time.UTC)
			clock := now.Add(-200 * 24 * time.Hour)
			st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "onboard.db"), sqlite.WithClock(func() time.Time { return clock }))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			claim := func(name, sha string, done bool) {
				t.Helper()
				rec, _, err := st.ClaimFile(ctx, "acme", name, sha, 1)
				if err != nil {
					t.Fatal(err)
				}
				if done {
					if err := st.Update(ctx, func(tx store.Tx) error {
						return tx.SetFileResult(ctx, rec.ID, store.FileResult{Outcome: store.OutcomeAccepted, Disposition: "archive"})
					}); err != nil {
						t.Fatal(err)
					}
					if err := st.FileDone(ctx, rec.ID); err != nil {
						t.Fatal(err)
					}
				}
			}
			claim("old.csv", "a", true) // received 200 days ago, done
			claim("busy.csv", "b", false)
			clock = now.Add(-10 * 24 * time.Hour)
			claim("recent.csv", "c", true) // received 10 days ago (its file's mtime is older)

			old, young := now.Add(-120*24*time.Hour), now.Add(-30*24*time.Hour)
			for name, mtime := range map[string]time.Time{
				"archive/old.csv": old, "archive/old.csv.1a2b3c4d": old, "archive/old.csv.done": old,
				"archive/busy.csv": old, "archive/recent.csv": old, "archive/young.csv": young,
				"failed/bad.csv": old, "failed/bad-young.csv": young, "inbound-old.csv": old,
			} {
				p := filepath.Join(root, filepath.FromSlash(name))
				os.MkdirAll(filepath.Dir(p), 0o750)
				if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
					t.Fatal(err)
				}
				os.Chtimes(p, mtime, mtime)
			}
			p := &config.Partner{ID: "acme"}
			res, err := Sweep(ctx, st, p, inbound, 90*24*time.Hour, now, nil)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"archive/old.csv", "archive/old.csv.1a2b3c4d", "archive/old.csv.done", "failed/bad.csv"}
			if !slices.Equal(res.Deleted, want) || res.Kept != 2 {
				t.Fatalf("deleted %v (kept %d), want %v (kept 2: busy, recent)", res.Deleted, res.Kept, want)
			}
			for _, name := range []string{"archive/busy.csv", "archive/recent.csv", "archive/young.csv", "failed/bad-young.csv", "inbound-old.csv"} {
				if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(name))); err != nil {
					t.Errorf("%s was deleted: %v", name, err)
				}
			}
			for _, name := range want {
				if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(name))); !os.IsNotExist(err) {
					t.Errorf("%s is still there: %v", name, err)
				}
			}
			dels, err := st.Deletions(ctx, "acme")
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, d := range dels {
				names = append(names, d.Name)
				if !d.At.Equal(now) || d.Reason == "" || !d.ModTime.Equal(old) {
					t.Errorf("deletion record %+v", d)
				}
			}
			if !slices.Equal(names, want) {
				t.Fatalf("deletions recorded %v, want %v", names, want)
			}
			// Nothing more to do; no retention: nothing at all.
			if res, err := Sweep(ctx, st, p, inbound, 90*24*time.Hour, now, nil); err != nil || len(res.Deleted) != 0 {
				t.Fatalf("second sweep: %+v %v", res, err)
			}
			if res, err := Sweep(ctx, st, p, inbound, 0, now.Add(1000*24*time.Hour), nil); err != nil || len(res.Deleted) != 0 {
				t.Fatalf("sweep without retention: %+v %v", res, err)
			}
			var _ store.Deletions = st
		})
	}
}
