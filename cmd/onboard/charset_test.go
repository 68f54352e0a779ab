package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/onboard/onboard/formats/x12/x12guide"
)

// TestCheckAndIntakeRefuseOtherScripts: a census with a Chinese last
// name and a Vietnamese one. `onboard check` and the daemon's intake give
// the same verdict: the Chinese name is refused naming its character, the
// Vietnamese one is accepted (the 834 carries DANG).
func TestCheckAndIntakeRefuseOtherScripts(t *testing.T) {
	dir, cfg := writeE2EConfig(t)
	census, err := os.ReadFile(filepath.Join("..", "..", "testdata", "census-small.csv"))
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(census), "Maria,L,Alvarez", "Maria,L,王", 1)
	s = strings.Replace(s, "Rebecca,,Goldberg", "Rebecca,,Đặng", 1)
	if s == string(census) {
		t.Fatal("the census fixture changed: no name replaced")
	}
	file := filepath.Join(dir, "census.csv")
	if err := os.WriteFile(file, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runMain(t, "check", "-config", cfg, "-partner", "acme", "-json", file)
	if code != 1 {
		t.Fatalf("check: exit %d, want 1\n%s%s", code, out, stderr)
	}
	checked := verdict(t, []byte(out))

	inbound := filepath.Join(dir, "partners", "acme", "inbound")
	if err := os.MkdirAll(inbound, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(inbound, "census.csv"), []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runMain(t, "once", "-config", cfg); code != 0 {
		t.Fatalf("once: %d %s", code, stderr)
	}
	res, err := os.ReadFile(filepath.Join(dir, "partners", "acme", "outbound", "results", "census.csv.result.json"))
	if err != nil {
		t.Fatal(err)
	}
	taken := verdict(t, res)

	delivered, _ := filepath.Glob(filepath.Join(dir, "carriers", "bluecross", "inbox", "*.834"))
	if len(delivered) != 1 {
		t.Fatalf("834s delivered: %v", delivered)
	}
	x12, err := os.ReadFile(delivered[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(x12), "NM1*IL*1*DANG*REBECCA") {
		t.Errorf("the 834 lacks the transliterated name:\n%s", x12)
	}
	x12guide.Check(t, x12, x12guide.Options{Set: "834", Deviations: map[string][]string{"HD03": {"AC", "ADD"}}})

	want := "no Latin spelling: '王' (U+738B)"
	if !slices.ContainsFunc(checked, func(m string) bool { return strings.Contains(m, want) }) {
		t.Errorf("check does not refuse the Chinese name:\n%s", strings.Join(checked, "\n"))
	}
	for _, m := range checked {
		if strings.Contains(m, "Đ") || strings.Contains(m, "U+0110") {
			t.Errorf("check refused the Vietnamese name: %s", m)
		}
	}
	if !slices.Equal(checked, taken) {
		t.Errorf("check and intake disagree:\ncheck:\n%s\nintake:\n%s", strings.Join(checked, "\n"), strings.Join(taken, "\n"))
	}
}

// verdict is a result document's outcome and every message in it, sorted
// (a group's own outcome differs by design: check says valid where intake
// says created).
func verdict(t *testing.T, doc []byte) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	var out []string
	if m, ok := v.(map[string]any); ok {
		out = append(out, fmt.Sprint("outcome: ", m["outcome"]))
	}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if s, ok := e.(string); ok && k == "message" {
					out = append(out, k+": "+s)
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	slices.Sort(out)
	return out
}
