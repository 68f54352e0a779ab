//go:build unix

package reliability

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/store"
)

// picture is what a world holds after its last pass, read from the disk
// and the store: what the invariants are checked on, and what two worlds
// that were given the same files are compared by.
type picture struct {
	// members counts each member change delivered to a carrier:
	// "carrier sponsor subscriber first-name INS03" → times.
	members map[string]int
	// outcomes is each dropped file's result outcome: "partner/name" →
	// outcome.
	outcomes map[string]string
	// statuses is each group's status and its subscribers' counts:
	// "partner/external-id" → "submitted 3 submitted".
	statuses map[string]string
	// deliveries counts the 834 files the carriers received.
	deliveries int
	// redelivered counts files a carrier received twice.
	redelivered int
}

// check reads a world after its last pass and checks every invariant that
// holds whatever happened on the way: each dropped file taken once, each
// transmission in its carrier's inbox once with unique control numbers,
// statuses derived from what was sent, no temporary file under any name,
// every file under a final name whole, a sound database.
func (w *world) check(dropped map[string][]string) *picture {
	w.t.Helper()
	pic := &picture{members: map[string]int{}, outcomes: map[string]string{}, statuses: map[string]string{}}
	ctx := context.Background()
	st := w.openStore(ctx)
	defer st.Close()
	w.checkNoTemporaries()
	w.checkWholeFiles()
	for _, p := range w.partners {
		w.checkPartnerFiles(ctx, st, p, dropped[p], pic)
	}
	for _, c := range carriers {
		w.checkCarrier(ctx, st, c, pic)
	}
	w.readStatuses(ctx, st, pic)
	return pic
}

// checkNoTemporaries walks the whole world for names a writer uses while
// a file is incomplete.
func (w *world) checkNoTemporaries() {
	w.t.Helper()
	filepath.WalkDir(filepath.Join(w.dir, "var"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			w.t.Errorf("walking %s: %v", path, err)
			return nil
		}
		name := d.Name()
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(w.dir, path)
		lower := strings.ToLower(name)
		if strings.HasSuffix(lower, ".tmp") || strings.HasSuffix(lower, ".part") || strings.HasSuffix(lower, ".partial") {
			w.t.Errorf("temporary file left behind: %s", rel)
		}
		if strings.HasPrefix(rel, filepath.Join("var", "staging")) {
			// Staged copies of partner files and acknowledgements, results
			// not yet delivered, transmissions not yet uploaded: after the
			// last clean pass none is left, whatever the crashes left.
			w.staged = append(w.staged, rel)
			w.t.Errorf("staged file left after the last pass: %s", rel)
		}
		return nil
	})
}

// checkWholeFiles reads every file onboard wrote under a final name and
// checks it is complete: JSON documents parse, CSV files parse, 834s have
// their trailers (checked in checkCarrier).
func (w *world) checkWholeFiles() {
	w.t.Helper()
	filepath.WalkDir(filepath.Join(w.dir, "var"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(w.dir, path)
		if strings.Contains(rel, "inbound") || strings.Contains(rel, "staging") || strings.HasPrefix(d.Name(), ".") {
			return nil // partner files, staging and temporaries are checked elsewhere
		}
		data, err := os.ReadFile(path)
		if err != nil {
			w.t.Errorf("reading %s: %v", rel, err)
			return nil
		}
		switch {
		case strings.HasSuffix(path, ".json"):
			if !json.Valid(data) {
				w.t.Errorf("%s is not whole JSON (%d bytes)", rel, len(data))
			}
		case strings.HasSuffix(path, ".csv"):
			if _, err := csv.NewReader(bytes.NewReader(data)).ReadAll(); err != nil || len(data) == 0 {
				w.t.Errorf("%s is not whole CSV: %v", rel, err)
			}
		case strings.HasSuffix(path, ".html"):
			if !bytes.Contains(data, []byte("</html>")) {
				w.t.Errorf("%s is not a whole HTML page", rel)
			}
		}
		return nil
	})
}

// checkPartnerFiles checks that every file dropped for a partner was taken
// exactly once: moved out of the drop folder to archive/ or failed/ once,
// answered by a result file, recorded once and done in the store.
func (w *world) checkPartnerFiles(ctx context.Context, st store.Store, p string, dropped []string, pic *picture) {
	w.t.Helper()
	t := w.t
	in := w.inbound(p)
	left := regularFiles(t, in)
	for _, n := range left {
		t.Errorf("partner %s: %s is still in the drop folder", p, n)
	}
	moved := map[string]int{}
	for _, sub := range []string{"archive", "failed"} {
		for _, n := range regularFiles(t, filepath.Join(in, sub)) {
			if strings.HasSuffix(n, ".done") {
				continue
			}
			moved[baseName(n, dropped)]++
		}
	}
	recs, err := st.Files(ctx, store.FileFilter{PartnerID: p})
	if err != nil {
		t.Fatal(err)
	}
	recorded := map[string]int{}
	for _, r := range recs {
		recorded[r.Name]++
		if r.State != store.FileDone {
			t.Errorf("partner %s: file %s (%s) is %s, not done, after the last pass", p, r.Name, r.ID, r.State)
		}
	}
	for _, n := range dropped {
		if moved[n] != 1 {
			t.Errorf("partner %s: %s was moved out of the drop folder %d times, want once", p, n, moved[n])
		}
		if recorded[n] != 1 {
			t.Errorf("partner %s: %s has %d file records in the store, want 1", p, n, recorded[n])
		}
		data, err := os.ReadFile(w.resultPath(p, n))
		if err != nil {
			t.Errorf("partner %s: no result file for %s: %v", p, n, err)
			continue
		}
		var res struct {
			Outcome string `json:"outcome"`
		}
		if err := json.Unmarshal(data, &res); err != nil || res.Outcome == "" {
			t.Errorf("partner %s: result of %s is not a whole result document: %v", p, n, err)
		}
		pic.outcomes[p+"/"+n] = res.Outcome
	}
	for n, c := range moved {
		if !slices.Contains(dropped, n) {
			t.Errorf("partner %s: %s (%d) was moved but never dropped", p, n, c)
		}
	}
}

// baseName maps an archived name (NAME, or NAME.ID8 when NAME was taken)
// back to the dropped name.
func baseName(archived string, dropped []string) string {
	if slices.Contains(dropped, archived) {
		return archived
	}
	if i := strings.LastIndexByte(archived, '.'); i > 0 && len(archived)-i-1 == 8 {
		return archived[:i]
	}
	return archived
}

// regularFiles lists the regular files directly in dir (none when it is
// missing).
func regularFiles(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatalf("listing %s: %v", dir, err)
	}
	var out []string
	for _, e := range entries {
		if e.Type().IsRegular() {
			out = append(out, e.Name())
		}
	}
	return out
}

// readStatuses records every group's status, checks that each group's
// current version was sent, and that a group's status is the one its
// subscribers give it.
func (w *world) readStatuses(ctx context.Context, st store.Store, pic *picture) {
	w.t.Helper()
	t := w.t
	groups, err := st.Groups(ctx, store.GroupFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range groups {
		subs, err := st.Subscribers(ctx, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, s := range subs {
			count[string(s.Status)]++
		}
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(count)) {
			parts = append(parts, fmt.Sprintf("%d %s", count[k], k))
		}
		pic.statuses[g.PartnerID+"/"+g.ExternalIdentifier] = string(g.Status) + ": " + strings.Join(parts, ", ")
		if g.TransmittedVersion != g.Version && len(g.Errors) == 0 {
			t.Errorf("group %s/%s: version %d, transmitted %d after the last pass", g.PartnerID, g.ExternalIdentifier, g.Version, g.TransmittedVersion)
		}
		want := "synced"
		switch {
		case len(g.Errors) > 0 || count["errors"] > 0:
			want = "errors"
		case count["pending"] > 0:
			want = "pending"
		case count["submitted"] > 0:
			want = "submitted"
		}
		if string(g.Status) != want {
			t.Errorf("group %s/%s is %s, its subscribers make it %s (%v)", g.PartnerID, g.ExternalIdentifier, g.Status, want, count)
		}
	}
}

// same reports where two pictures of worlds given the same files differ.
// With rejections, the carrier rejected members in files cut differently
// than the world without crashes had them (the simulator rejects every
// Nth subscriber of a file), so statuses are not compared; check has
// compared them with the carrier's answers.
func (p *picture) same(t testing.TB, ref *picture, rejections bool) {
	t.Helper()
	diff := func(what string, got, want map[string]string) {
		for _, k := range slices.Sorted(maps.Keys(want)) {
			if got[k] != want[k] {
				t.Errorf("%s %s: %q, a run without crashes gives %q", what, k, got[k], want[k])
			}
		}
		for _, k := range slices.Sorted(maps.Keys(got)) {
			if _, ok := want[k]; !ok {
				t.Errorf("%s %s: %q, absent from a run without crashes", what, k, got[k])
			}
		}
	}
	diff("outcome of", p.outcomes, ref.outcomes)
	if !rejections {
		diff("status of", p.statuses, ref.statuses)
	}
	counts := func(m map[string]int) map[string]string {
		out := map[string]string{}
		for k, v := range m {
			out[k] = fmt.Sprintf("sent %d times", v)
		}
		return out
	}
	diff("member change", counts(p.members), counts(ref.members))
	for k, v := range p.members {
		if v != 1 {
			t.Errorf("member change %s sent %d times", k, v)
		}
	}
}
