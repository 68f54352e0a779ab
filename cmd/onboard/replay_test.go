package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReplayTakesARejectedFileAgain: `onboard replay` moves a rejected file
// from failed/ back, takes it again at once (its result rewritten in place), and refuses an unknown id, a file not in failed/, and a file
// whose name is already waiting in the inbound folder.
func TestReplayTakesARejectedFileAgain(t *testing.T) {
	dir, cfgPath := writeE2EConfig(t)
	inbound := filepath.Join(dir, "partners", "acme", "inbound")
	results := filepath.Join(dir, "partners", "acme", "outbound", "results")
	if err := os.MkdirAll(inbound, 0o750); err != nil {
		t.Fatal(err)
	}
	census, err := os.ReadFile(filepath.Join("..", "..", "testdata", "census-small.csv"))
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.ReplaceAll(string(census), "BC-PPO-500", "NO-SUCH-PLAN")
	if err := os.WriteFile(filepath.Join(inbound, "bad.csv"), []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runMain(t, "once", "-config", cfgPath); code != 0 {
		t.Fatalf("once: %d %s", code, stderr)
	}
	raw, err := os.ReadFile(filepath.Join(results, "bad.csv.result.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		FileID  string `json:"file_id"`
		Outcome string `json:"outcome"`
	}
	if err := json.Unmarshal(raw, &res); err != nil || res.FileID == "" || res.Outcome != "rejected" {
		t.Fatalf("first result: %s (%v)", raw, err)
	}

	if code, _, stderr := runMain(t, "replay", "-config", cfgPath, "no-such-file"); code != 1 || !strings.Contains(stderr, "no file no-such-file") {
		t.Errorf("replay of an unknown id: %d %q", code, stderr)
	}
	// A file of the same name waiting in the inbound folder goes first.
	waiting := filepath.Join(inbound, "bad.csv")
	if err := os.WriteFile(waiting, []byte("waiting"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runMain(t, "replay", "-config", cfgPath, res.FileID); code != 1 || !strings.Contains(stderr, "already waiting") {
		t.Errorf("replay beside a waiting file of the name: %d %q", code, stderr)
	}
	if err := os.Remove(waiting); err != nil {
		t.Fatal(err)
	}

	if code, _, stderr := runMain(t, "replay", "-config", cfgPath, res.FileID); code != 0 {
		t.Fatalf("replay: %d %s", code, stderr)
	}
	entries, err := os.ReadDir(results)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "bad.csv.") && strings.HasSuffix(e.Name(), ".result.json") {
			n++
		}
	}
	// The replay is the same file (its file_id): its result replaces the
	// first one in place rather than adding a stamped copy.
	if n != 1 {
		t.Errorf("%d results of bad.csv after the replay, want 1: %v", n, entries)
	}
	if _, err := os.Stat(filepath.Join(inbound, "failed", "bad.csv")); err != nil {
		t.Errorf("the replayed, again rejected file is not back in failed/: %v", err)
	}
	// Now it is in failed/ again but its record is done: replaying it again
	// works, and a file that is not there is refused with what to do.
	if err := os.Remove(filepath.Join(inbound, "failed", "bad.csv")); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runMain(t, "replay", "-config", cfgPath, res.FileID); code != 1 || !strings.Contains(stderr, "put it back there to replay it") {
		t.Errorf("replay of a file missing from failed/: %d %q", code, stderr)
	}
}
