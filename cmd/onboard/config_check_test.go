package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestConfigCheckPrintsCompanionGuideNotes: the example carrier's HD03
// codes for basic life and AD&D are declared deviations: config check
// passes and prints each as a note at its file:line:column.
func TestConfigCheckPrintsCompanionGuideNotes(t *testing.T) {
	_, cfg := writeE2EConfig(t)
	code, out, stderr := runMain(t, "config", "check", "-config", cfg)
	if code != 0 {
		t.Fatalf("config check: exit %d\n%s%s", code, out, stderr)
	}
	for _, want := range []string{`product_lines.basic_life: note: HD03 "AC" for basic_life`, `product_lines.accidental_death_dismemberment: note: HD03 "ADD"`} {
		re := regexp.MustCompile(regexp.QuoteMeta(cfg) + `:\d+:\d+: carriers\[0\]\.x12\.` + regexp.QuoteMeta(want))
		if !re.MatchString(out) {
			t.Errorf("config check output lacks %q at a file:line:column:\n%s", want, out)
		}
	}
	if !strings.Contains(out, ": ok (") {
		t.Errorf("config check output: %s", out)
	}
}
