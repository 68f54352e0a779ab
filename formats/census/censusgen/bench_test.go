package censusgen

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/validate"
	"github.com/onboard/onboard/formats/census"
)

// BenchmarkIntakeRead100k is the reading side of intake over a generated
// census of 100,000 members (200 groups of 500): the census reader with the
// census-standard mapping, validation against the example carrier, and
// locating the errors, as engine/intake does for every group.
func BenchmarkIntakeRead100k(b *testing.B) {
	exampleKeys(b, filepath.Join("..", "..", ".."))
	cfg, err := config.Load(filepath.Join("..", "..", "..", "config.example.yaml"))
	if err != nil {
		b.Fatalf("loading config.example.yaml: %v", err)
	}
	p := cfg.Partner("acme")
	c := cfg.Carrier(p.Carrier)
	path := filepath.Join(b.TempDir(), "census-100k.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := Generate(f, 1, 200, 500); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	fi, _ := os.Stat(path)
	b.SetBytes(fi.Size())
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		r, err := census.NewReader(f, p.CompiledMapping, "census-100k.csv")
		if err != nil {
			b.Fatal(err)
		}
		members := 0
		for {
			sg, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			errs := validateGroup(sg, c, now)
			if len(errs) > 0 {
				b.Fatalf("group %s: %s: %s", sg.Group.ExternalIdentifier, errs[0].Parameter, errs[0].Message)
			}
			for _, s := range sg.Group.Subscribers {
				members += 1 + len(s.Dependents)
			}
		}
		f.Close()
		if members != 100_000 {
			b.Fatalf("%d members, want 100000", members)
		}
	}
}

// validateGroup validates a group read from a census and locates its
// errors in the file, as engine/intake does.
func validateGroup(sg *model.SourcedGroup, c *config.Carrier, now time.Time) []model.Error {
	errs := append([]model.Error(nil), sg.Errors...)
	verrs := validate.Group(sg.Group, c.Validator, now)
	sg.Locate(verrs)
	return append(errs, verrs...)
}
