package intake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/store"
)

// The tests here set up the states a SIGKILL leaves between the steps of a
// file's intake (found by engine/reliability's crash tests) and check that
// the next pass finishes the file exactly once.

// committed records name's content as claimed and committed (stored) with
// an accepted outcome, and stages its result documents as process does:
// a result document and, for a file without errors, an empty errors CSV
// not yet removed.
func committed(t *testing.T, e *env, name string, data []byte) *store.FileRecord {
	t.Helper()
	ctx := context.Background()
	sum := sha256.Sum256(data)
	rec, claim, err := e.st.ClaimFile(ctx, "acme", name, hex.EncodeToString(sum[:]), int64(len(data)))
	if err != nil || claim != store.ClaimNew {
		t.Fatalf("claim: %v %v", claim, err)
	}
	if err := e.st.Update(ctx, func(tx store.Tx) error {
		return tx.SetFileResult(ctx, rec.ID, store.FileResult{Outcome: store.OutcomeAccepted, Disposition: dirArchive, GroupsAccepted: 2})
	}); err != nil {
		t.Fatal(err)
	}
	resDir := filepath.Join(e.cfg.State.Staging, "acme", "results")
	if err := os.MkdirAll(resDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(resDir, rec.ID+".result.json"), []byte(`{"file":"`+name+`","outcome":"accepted"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(resDir, rec.ID+".errors.csv"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return rec
}

func censusData(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/census-small.csv")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func (e *env) exists(t *testing.T, rel string) bool {
	t.Helper()
	_, err := os.Stat(filepath.Join(e.dir, rel))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return err == nil
}

// TestFinishAfterCrashBeforeCSVRemoved: killed between the commit of a file
// without errors and the removal of its empty staged errors CSV. The
// partner must get the result document but no (empty) errors CSV.
func TestFinishAfterCrashBeforeCSVRemoved(t *testing.T) {
	e := newEnv(t, "full", 1<<30)
	data := censusData(t)
	e.drop("census.csv", data)
	committed(t, e, "census.csv", data)

	e.pass()

	if !e.exists(t, "var/out/results/census.csv.result.json") {
		t.Error("result document not delivered")
	}
	if e.exists(t, "var/out/results/census.csv.errors.csv") {
		t.Error("an empty errors CSV was delivered for a file without errors")
	}
	if !e.exists(t, "var/in/archive/census.csv") {
		t.Error("source not archived")
	}
}

// TestFinishAfterCrashAfterMove: killed after the source moved to archive/
// and before the file was marked done. No listing shows the file again;
// the next pass must still mark it done and tidy its staged results, and a
// later drop of the same content is a duplicate.
func TestFinishAfterCrashAfterMove(t *testing.T) {
	e := newEnv(t, "full", 1<<30)
	ctx := context.Background()
	data := censusData(t)
	rec := committed(t, e, "census.csv", data)
	if err := os.MkdirAll(filepath.Join(e.inbound, "archive"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(e.inbound, "archive", "census.csv"), data, 0o600); err != nil {
		t.Fatal(err)
	}

	e.pass()

	got, err := e.st.File(ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != store.FileDone {
		t.Errorf("file is %s after the pass, want done", got.State)
	}
	if e.exists(t, "var/staging/acme/results/"+rec.ID+".result.json") {
		t.Error("staged result document left behind")
	}
	if !e.exists(t, "var/out/results/census.csv.result.json") {
		t.Error("result document not delivered")
	}

	e.drop("again.csv", data)
	e.pass()
	if r := e.result("again.csv"); r.Outcome != store.OutcomeDuplicate {
		t.Errorf("a later drop of the same content: outcome %q, want duplicate", r.Outcome)
	}
}

// TestDuplicateOfUnfinishedFile: killed after the commit, before the
// result was delivered; meanwhile the partner dropped the same content
// under a name listed first. That drop is a duplicate; it must not be
// taken for the finishing of the first file (which would give it the
// first file's result and leave no record of it).
func TestDuplicateOfUnfinishedFile(t *testing.T) {
	e := newEnv(t, "full", 1<<30)
	ctx := context.Background()
	data := censusData(t)
	e.drop("census.csv", data)
	rec := committed(t, e, "census.csv", data)
	e.drop("0-census.csv", data)

	e.pass()

	if r := e.result("0-census.csv"); r.Outcome != store.OutcomeDuplicate {
		t.Errorf("0-census.csv: outcome %q, want duplicate", r.Outcome)
	}
	if r := e.result("census.csv"); r.Outcome != store.OutcomeAccepted || r.File != "census.csv" {
		t.Errorf("census.csv: %q for file %q, want its own accepted result", r.Outcome, r.File)
	}
	files, err := e.st.Files(ctx, store.FileFilter{PartnerID: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 {
		t.Fatalf("%d file records, want 2: %+v", len(files), files)
	}
	for _, f := range files {
		if f.State != store.FileDone {
			t.Errorf("%s is %s, want done", f.Name, f.State)
		}
		if f.Name == "0-census.csv" && f.DuplicateOf != rec.ID {
			t.Errorf("0-census.csv duplicate_of %q, want %q", f.DuplicateOf, rec.ID)
		}
	}
}

// TestStaleStagedCopiesRemoved: a process killed while taking a file
// leaves its staged copy (a whole partner file, personal data) in the
// staging folder, where nothing removed it (found by engine/reliability's
// random kills). The first pass of a later process removes the copies
// older than itself, and leaves a copy being written now alone.
func TestStaleStagedCopiesRemoved(t *testing.T) {
	e := newEnv(t, "full", 1<<30)
	dir := filepath.Join(e.cfg.State.Staging, "acme")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, "file-1234")
	fresh := filepath.Join(dir, "file-5678")
	other := filepath.Join(dir, "notes")
	for _, p := range []string{stale, fresh, other} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-time.Hour)
	for _, p := range []string{stale, other} {
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	future := time.Now().Add(time.Minute) // written after the process started
	if err := os.Chtimes(fresh, future, future); err != nil {
		t.Fatal(err)
	}
	e.pass()
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale staged copy still there: %v", err)
	}
	for _, p := range []string{fresh, other} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was removed: %v", filepath.Base(p), err)
		}
	}
}
