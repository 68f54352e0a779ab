package config

import (
	"strings"
	"testing"
)

// TestCompanionGuideNotes: HD03 codes for basic life and AD&D, which the
// guide has no code for, load as declared deviations, each a note at its
// file:line:column; a guide code (VIS) is no note.
func TestCompanionGuideNotes(t *testing.T) {
	cfg, err := load("testdata/companion-codes.yaml", envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range cfg.Notes {
		got = append(got, n.String())
	}
	want := []string{
		`testdata/companion-codes.yaml:13:75: carriers[0].x12.product_lines.accidental_death_dismemberment: note: HD03 "ADD" for accidental_death_dismemberment is the carrier's companion-guide code`,
		`testdata/companion-codes.yaml:13:39: carriers[0].x12.product_lines.basic_life: note: HD03 "AC" for basic_life is the carrier's companion-guide code`,
	}
	if len(got) != len(want) {
		t.Fatalf("notes:\n%s\nwant %d", strings.Join(got, "\n"), len(want))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("note %d:\n%s\nwant prefix\n%s", i, got[i], want[i])
		}
	}
}
