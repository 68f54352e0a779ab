package intake

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"
)

// TestSameNameThreeTimesThreeResults: a partner sending census.csv every
// day keeps every day's answer. The same name dropped three times (the
// same content twice, then another) leaves three result documents, none
// overwritten: the first under the plain name, the later ones stamped with
// their received time (and the file id when two share a second).
func TestSameNameThreeTimesThreeResults(t *testing.T) {
	e := newEnv(t, "full", 1<<31)
	a := readTestdata(t, "census-small.csv")
	b := bytes.Replace(a, []byte("Defuniak Springs,FL,32435,BC-PPO-500"), []byte("Pensacola,FL,32501,BC-PPO-500"), 1)
	if bytes.Equal(a, b) {
		t.Fatal("the second content is the first")
	}
	results := filepath.Join(e.outbound, "results")
	var firstDoc []byte
	for i, content := range [][]byte{a, a, b} {
		e.drop("census.csv", content)
		e.pass()
		if i == 0 {
			var err error
			if firstDoc, err = os.ReadFile(filepath.Join(results, "census.csv.result.json")); err != nil {
				t.Fatal(err)
			}
		}
	}

	names, err := filepath.Glob(filepath.Join(results, "census.csv*.result.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 3 {
		t.Fatalf("%d result documents, want 3: %v", len(names), names)
	}
	sort.Strings(names)
	stamped := regexp.MustCompile(`^census\.csv\.\d{8}T\d{6}Z(-[0-9a-f]{8})?\.result\.json$`)
	outcomes := map[string]int{}
	ids := map[string]bool{}
	for _, n := range names {
		base := filepath.Base(n)
		if base != "census.csv.result.json" && !stamped.MatchString(base) {
			t.Errorf("result name %s is neither NAME.result.json nor NAME.YYYYMMDDThhmmssZ.result.json", base)
		}
		raw, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		var r Result
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Fatalf("%s: %v", base, err)
		}
		outcomes[r.Outcome]++
		ids[r.FileID] = true
		if r.Outcome == "duplicate" {
			// Its errors CSV carries the same stamp as its result.
			csvName := base[:len(base)-len(".result.json")] + ".errors.csv"
			if _, err := os.Stat(filepath.Join(results, csvName)); err != nil {
				t.Errorf("duplicate's errors CSV %s: %v", csvName, err)
			}
		}
	}
	if outcomes["accepted"] != 2 || outcomes["duplicate"] != 1 || len(ids) != 3 {
		t.Fatalf("outcomes %v over %d file ids, want 2 accepted and 1 duplicate of 3 files", outcomes, len(ids))
	}
	// The first answer is still there, byte for byte.
	if now, _ := os.ReadFile(filepath.Join(results, "census.csv.result.json")); !bytes.Equal(now, firstDoc) {
		t.Fatal("the first result document was overwritten")
	}
	if _, err := os.Stat(filepath.Join(results, "census.csv.errors.csv")); !os.IsNotExist(err) {
		t.Errorf("the first (clean) file got an errors CSV: %v", err)
	}
}

// TestResultDeliveredAgainKeepsItsName: a delivery an interruption cut
// short is delivered again under the same name, not as a second result.
func TestResultDeliveredAgainKeepsItsName(t *testing.T) {
	e := newEnv(t, "full", 1<<31)
	e.drop("census.csv", readTestdata(t, "census-small.csv"))
	e.pass()
	r := e.result("census.csv")
	ob, err := e.in.open(t.Context(), e.cfg.Partner("acme").Outbound)
	if err != nil {
		t.Fatal(err)
	}
	stem, err := e.in.resultStem(t.Context(), ob, "census.csv", r.FileID)
	if err != nil || stem != "census.csv" {
		t.Fatalf("this file's own result: stem %q (%v), want census.csv", stem, err)
	}
	stem, err = e.in.resultStem(t.Context(), ob, "census.csv", "another-file-id")
	if err != nil || stem == "census.csv" {
		t.Fatalf("another file's result: stem %q (%v), want a stamped one", stem, err)
	}
}
