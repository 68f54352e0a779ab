package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestEventStatusesFollowTheCarrier: a partner's qualifying life event is
// pending in the result file, submitted once an 834 carries its family,
// synced when the carrier accepts it (onboard status -json).
func TestEventStatusesFollowTheCarrier(t *testing.T) {
	bin := buildOnboard(t)
	census, err := os.ReadFile(filepath.Join("..", "..", "testdata", "census-small.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(census), "\n"), "\n")
	for i := range lines {
		switch {
		case i == 0:
			lines[i] += ",event,event_date"
		case strings.Contains(lines[i], ",E1003-S,"):
			lines[i] += ",marriage,2026-10-10"
		default:
			lines[i] += ",,"
		}
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "onboard.yaml")
	if err := os.WriteFile(cfg, []byte(acksE2EConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"var/in", "var/out", "var/carrier/inbox", "var/carrier/acks"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o750); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "var/in/census-events.csv"), []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("onboard %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	eventStatus := func() string {
		t.Helper()
		var st struct {
			Groups []struct {
				ExternalIdentifier string `json:"external_identifier"`
				Events             []struct {
					Type, Subscriber, Status, CarrierID string
					Members                             []string
				} `json:"events"`
			} `json:"groups"`
		}
		if err := json.Unmarshal([]byte(run("status", "-config", cfg, "-json")), &st); err != nil {
			t.Fatal(err)
		}
		for _, g := range st.Groups {
			if g.ExternalIdentifier != "GCM-001" {
				continue
			}
			if len(g.Events) != 1 || g.Events[0].Type != "marriage" || g.Events[0].Subscriber != "E1003" ||
				strings.Join(g.Events[0].Members, ",") != "E1003-S" {
				t.Fatalf("events of GCM-001: %+v", g.Events)
			}
			return g.Events[0].Status
		}
		t.Fatal("no group GCM-001")
		return ""
	}

	run("once", "-config", cfg)
	result, err := os.ReadFile(filepath.Join(dir, "var/out/results/census-events.csv.result.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(result), `"type":"marriage"`) || !strings.Contains(string(result), `"status":"pending"`) {
		t.Errorf("result file lacks the pending event:\n%s", result)
	}
	if got := eventStatus(); got != "submitted" {
		t.Errorf("after the 834: event %s, want submitted", got)
	}
	run("carrier-sim", "-inbox", filepath.Join(dir, "var/carrier/inbox"), "-acks", filepath.Join(dir, "var/carrier/acks"))
	run("once", "-config", cfg)
	if got := eventStatus(); got != "synced" {
		t.Errorf("after the carrier's result: event %s, want synced", got)
	}
	// The LDEx bundle's transmission summary carries the event too.
	bundles, _ := filepath.Glob(filepath.Join(dir, "var/out/ldex/GCM-001/*.json"))
	if len(bundles) == 0 {
		var files []string
		filepath.Walk(filepath.Join(dir, "var/out"), func(p string, _ os.FileInfo, _ error) error { files = append(files, p); return nil })
		fb, _ := filepath.Glob(filepath.Join(dir, "var/out/feedback/*"))
		for _, f := range fb {
			data, _ := os.ReadFile(f)
			t.Logf("%s: %s", f, data)
		}
		t.Fatalf("no LDEx bundle for GCM-001: %v", files)
	}
	latest, err := os.ReadFile(bundles[len(bundles)-1])
	if err != nil {
		t.Fatal(err)
	}
	var b struct {
		Transmission struct {
			Events []struct{ Type, Subscriber, Status string } `json:"events"`
		} `json:"transmission"`
	}
	if err := json.Unmarshal(latest, &b); err != nil {
		t.Fatal(err)
	}
	if ev := b.Transmission.Events; len(ev) != 1 || ev[0].Type != "marriage" || ev[0].Subscriber != "E1003" || ev[0].Status != "synced" {
		t.Errorf("LDEx transmission events: %+v", ev)
	}
}
