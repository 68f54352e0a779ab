//go:build unix

package reliability

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/intake"
)

// FuzzIntakeCheck feeds any bytes, as a census and as group JSON, through
// the whole read path of a partner file (reader, mapping, validation,
// result building: intake.Check, what `onboard check` runs) and checks the
// promises a partner relies on: no panic, no hang, an outcome, and every
// error a sentence. It is seeded with the hostile corpus and the sample
// files. The crashers it finds are committed under
// testdata/fuzz/FuzzIntakeCheck.
func FuzzIntakeCheck(f *testing.F) {
	for _, dir := range []string{hostileDir, "../../testdata"} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range entries {
			if !e.Type().IsRegular() {
				continue
			}
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	w := newWorld(f, worldOptions{})
	cfg, err := config.Load(w.cfg)
	if err != nil {
		f.Fatal(err)
	}
	p := cfg.Partner("acme")
	dir := f.TempDir()
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range []string{"fuzz.csv", "fuzz.json"} {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			res, err := intake.Check(ctx, cfg, p, path, now, nil)
			cancel()
			if err != nil {
				t.Fatalf("%s: an operational error for a file's content: %v", name, err)
			}
			switch res.Outcome {
			case "accepted", "partially_accepted", "rejected":
			default:
				t.Fatalf("%s: outcome %q", name, res.Outcome)
			}
			all := res.Errors
			for _, g := range res.Groups {
				all = append(all, g.Errors...)
			}
			if res.Outcome == "rejected" && len(all) == 0 {
				t.Fatalf("%s: rejected without an error", name)
			}
			for _, e := range all {
				if e.ErrorType == "" || !strings.HasSuffix(strings.TrimSpace(e.Message), ".") {
					t.Fatalf("%s: error %+v is not a typed sentence", name, e)
				}
			}
		}
	})
}
