package intake

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/onboard/onboard/engine/store"
)

// TestUploadResumedWhileProcessed is the half-written upload of issue 16:
// a partner's upload paused longer than settle is taken half-written, and
// the partner completes it while onboard processes the half. The complete
// file must not be moved to archive/ unprocessed: it stays, the half's
// result says the file changed, and the next pass takes the complete
// content as a new file.
func TestUploadResumedWhileProcessed(t *testing.T) {
	data := bigCensus(t, 10)
	lines := bytes.SplitAfter(data, []byte("\n"))
	half := bytes.Join(lines[:len(lines)/2], nil) // ends at a row's end
	for _, server := range sftpServers {
		t.Run(server.name, func(t *testing.T) {
			t.Parallel()
			e := newSFTPEnv(t, server.start, sftpOptions{})
			e.drop("census.csv", half)
			src := filepath.Join(e.inbound, "census.csv")
			var resumed atomic.Bool
			e.taps.set(nil, func(name string, _ int64) {
				// The partner's upload resumes while onboard delivers
				// the half's result.
				if strings.HasSuffix(name, ".result.json") && resumed.CompareAndSwap(false, true) {
					if err := os.WriteFile(src, data, 0o600); err != nil {
						t.Error(err)
					}
				}
			})
			sum := e.pass()
			if !resumed.Load() || len(sum.Files) != 1 {
				t.Fatalf("first pass: resumed %v, files %+v", resumed.Load(), sum.Files)
			}
			if sum.Files[0].SourceChanged == "" {
				t.Errorf("summary does not say the source changed: %+v", sum.Files[0])
			}
			first := e.result("census.csv")
			if len(first.Notes) != 1 || !strings.Contains(first.Notes[0], "changed while onboard processed it") {
				t.Errorf("first result notes = %q, want the change explained", first.Notes)
			}
			if got, err := os.ReadFile(src); err != nil || !bytes.Equal(got, data) {
				t.Fatalf("the complete file is not in the drop folder (err %v); inbound %q, archive %q",
					err, names(t, e.inbound), names(t, filepath.Join(e.inbound, "archive")))
			}
			if a := names(t, filepath.Join(e.inbound, "archive")); len(a) != 0 {
				t.Errorf("archive/ holds %q: the complete file was archived unprocessed", a)
			}

			e.taps.set(nil, nil)
			sum = e.pass()
			if len(sum.Files) != 1 || sum.Files[0].Outcome != store.OutcomeAccepted || sum.Files[0].SourceChanged != "" {
				t.Fatalf("second pass took %+v, want the complete file accepted", sum.Files)
			}
			if sum.Files[0].Result == "results/census.csv.result.json" {
				t.Errorf("the complete file's result overwrote the half's")
			}
			var second Result
			b, err := os.ReadFile(filepath.Join(e.outbound, filepath.FromSlash(sum.Files[0].Result)))
			if err != nil || json.Unmarshal(b, &second) != nil {
				t.Fatalf("reading %s: %v", sum.Files[0].Result, err)
			}
			if second.Counts.Groups != 2*10 || second.Counts.Created != second.Counts.Groups-first.Counts.Groups {
				t.Errorf("complete file counts %+v after the half's %+v", second.Counts, first.Counts)
			}
			if a := names(t, filepath.Join(e.inbound, "archive")); len(a) != 1 {
				t.Errorf("archive/ holds %q, want the complete file", a)
			}
			var kept Result
			if b, err := os.ReadFile(filepath.Join(e.outbound, "results", "census.csv.result.json")); err != nil || json.Unmarshal(b, &kept) != nil || kept.FileID != first.FileID {
				t.Errorf("the half's result was replaced")
			}
		})
	}
}

// TestLongFileNames: a partner file whose name is 239 to 255 bytes long is
// processed, archived and answered; its result goes under a shortened name
// ending in a hash of the full name (".NAME.result.json.tmp" would be too
// long for the file system), so nothing retries for ever.
func TestLongFileNames(t *testing.T) {
	e := newEnv(t, "changes", 1<<30)
	census := readTestdata(t, "census-small.csv")
	var dropped []string
	for i, n := range []int{239, 250, 255} {
		name := strings.Repeat(string(rune('a'+i)), n-len(".csv")) + ".csv"
		dropped = append(dropped, name)
		e.drop(name, bytes.Replace(census, []byte("GCM-001"), []byte("GCM-10"+string(rune('0'+i))), -1))
	}
	sum := e.pass()
	if len(sum.Files) != 3 || sum.Failed != 0 {
		t.Fatalf("pass over long names: files %+v, failed %d, err %v", sum.Files, sum.Failed, sum.LastErr)
	}
	// The same 255-byte name again, with other content: its archived copy
	// and its result need a suffix on top.
	e.drop(dropped[2], bytes.Replace(census, []byte("GCM-001"), []byte("GCM-200"), -1))
	sum2 := e.pass()
	if len(sum2.Files) != 1 || sum2.Failed != 0 {
		t.Fatalf("second pass: files %+v, failed %d, err %v", sum2.Files, sum2.Failed, sum2.LastErr)
	}
	results := map[string]bool{}
	for _, f := range append(sum.Files, sum2.Files...) {
		if f.Outcome != store.OutcomeAccepted {
			t.Errorf("%d-byte name: outcome %s", len(f.Name), f.Outcome)
		}
		base := filepath.Base(f.Result)
		if len(base)+len(".tmp")+1 > 255 {
			t.Errorf("result name %d bytes long: its temporary name cannot be created", len(base))
		}
		b, err := os.ReadFile(filepath.Join(e.outbound, filepath.FromSlash(f.Result)))
		var r Result
		if err != nil || json.Unmarshal(b, &r) != nil || r.File != f.Name {
			t.Errorf("result %s: %v; names file %q", f.Result, err, r.File)
		}
		results[f.Result] = true
	}
	if len(results) != 4 {
		t.Errorf("results %v: want four distinct names", results)
	}
	if got := names(t, filepath.Join(e.inbound, "archive")); len(got) != 4 {
		t.Errorf("archive holds %d files, want 4: %q", len(got), got)
	}
	if left := names(t, e.inbound); len(left) != 1 || left[0] != "archive" {
		t.Errorf("inbound still holds %q", left)
	}
}

// TestReservedNames: files named archive and failed in the drop folder
// made every later move into those folders fail, so no file of the
// partner was ever finished. They are answered, renamed out of the way,
// and the other files are taken.
func TestReservedNames(t *testing.T) {
	e := newEnv(t, "changes", 1<<30)
	e.drop("archive", []byte("not a census"))
	e.drop("FAILED", []byte("not a census"))
	e.drop("census.csv", readTestdata(t, "census-small.csv"))
	sum := e.pass()
	if sum.Failed != 0 || len(sum.Files) != 3 {
		t.Fatalf("pass: files %+v, failed %d, err %v", sum.Files, sum.Failed, sum.LastErr)
	}
	for _, name := range []string{"archive", "FAILED"} {
		r := e.result(name)
		if r.Outcome != store.OutcomeRejected || len(r.Errors) != 1 || !strings.Contains(r.Errors[0].Message, "may not be named") {
			t.Errorf("%s: result %+v", name, r)
		}
	}
	if r := e.result("census.csv"); r.Outcome != store.OutcomeAccepted {
		t.Errorf("census.csv: %s", r.Outcome)
	}
	if !exists(t, filepath.Join(e.inbound, "archive", "census.csv")) {
		t.Errorf("census.csv not archived; inbound %q", names(t, e.inbound))
	}
	// A second pass finds nothing left to do.
	if sum := e.pass(); len(sum.Files) != 0 || sum.Failed != 0 {
		t.Errorf("second pass: %+v", sum)
	}
}
