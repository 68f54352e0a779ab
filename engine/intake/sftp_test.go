package intake

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/transport"
	"github.com/onboard/onboard/engine/transport/sftptest"
)

// These tests run the intake with the partner's inbound and outbound
// folders on a real SFTP server (OpenSSH's sshd, and the in-process
// pkg/sftp server), reading what onboard wrote back from the server's own
// directory on disk.

// TestSFTPIntakeFlow is the local flow of intake_test.go, unchanged, over
// SFTP: a census is accepted, the same file again is a duplicate, a group
// JSON creates one group.
func TestSFTPIntakeFlow(t *testing.T) {
	census := readTestdata(t, "census-small.csv")
	group := readTestdata(t, "group-ideon.json")
	steps := []struct {
		name    string
		file    string
		data    []byte
		outcome string
		created int
		movedTo string // where the source goes beside the inbound files
		groups  int    // groups stored after the step
	}{
		{"census", "census-small.csv", census, store.OutcomeAccepted, 2, "archive", 2},
		{"same census again", "census-small.csv", census, store.OutcomeDuplicate, 0, "failed", 2},
		{"group json", "group-ideon.json", group, store.OutcomeAccepted, 1, "archive", 3},
	}
	for _, server := range sftpServers {
		t.Run(server.name, func(t *testing.T) {
			t.Parallel()
			e := newSFTPEnv(t, server.start, sftpOptions{})
			for _, s := range steps {
				e.drop(s.file, s.data)
				sum := e.pass()
				if len(sum.Files) != 1 || sum.Files[0].Outcome != s.outcome {
					t.Fatalf("%s: pass took %+v, want one file %s", s.name, sum.Files, s.outcome)
				}
				r := e.resultAt(sum.Files[0].Result)
				if r.Outcome != s.outcome || r.Counts.Created != s.created {
					t.Fatalf("%s: result outcome %s, counts %+v, errors %v", s.name, r.Outcome, r.Counts, r.Errors)
				}
				if exists(t, filepath.Join(e.inbound, s.file)) || !exists(t, filepath.Join(e.inbound, s.movedTo, s.file)) {
					t.Errorf("%s: source not moved to %s/: inbound holds %q, %s/ holds %q", s.name, s.movedTo,
						names(t, e.inbound), s.movedTo, names(t, filepath.Join(e.inbound, s.movedTo)))
				}
				for _, n := range names(t, filepath.Join(e.outbound, "results")) {
					if ignored(n) {
						t.Errorf("%s: temporary file %s left in results/", s.name, n)
					}
				}
				groups := e.groups()
				if len(groups) != s.groups {
					t.Errorf("%s: %d groups stored, want %d", s.name, len(groups), s.groups)
				}
				for _, g := range groups {
					if g.Version != 1 {
						t.Errorf("%s: group %s at version %d, want 1", s.name, g.ExternalIdentifier, g.Version)
					}
				}
				switch s.name {
				case "census":
					if g := r.Groups[0]; g.ExternalIdentifier != "GCM-001" || g.Counts.Subscribers != 3 || g.Counts.Dependents != 3 ||
						!uuidRE.MatchString(g.ID) || g.Status != model.StatusPending {
						t.Errorf("GCM-001: %+v", g)
					}
					fi, err := os.Stat(filepath.Join(e.outbound, "results", s.file+".result.json"))
					if err != nil || fi.Mode().Perm() != 0o600 {
						t.Errorf("result file mode: %v %v, want 0600", fi, err)
					}
					if exists(t, filepath.Join(e.outbound, "results", s.file+".errors.csv")) {
						t.Error("errors.csv written for a clean file")
					}
				case "same census again":
					if r.DuplicateOf == nil || r.DuplicateOf.File != "census-small.csv" || len(r.Errors) != 1 ||
						r.Errors[0].ErrorType != model.ErrFileDuplicate {
						t.Errorf("duplicate result: %+v", r)
					}
				case "group json":
					if r.Groups[0].ExternalIdentifier != "Group1" || r.Groups[0].Outcome != GroupCreated {
						t.Errorf("group json result: %+v", r.Groups)
					}
				}
			}
			files := e.files()
			if len(files) != 3 {
				t.Fatalf("%d files recorded, want 3: %+v", len(files), files)
			}
			for _, f := range files {
				if f.State != store.FileDone {
					t.Errorf("file %s (%s) is %s, want done", f.Name, f.Outcome, f.State)
				}
			}
			if sum := e.pass(); len(sum.Files) != 0 || sum.Waiting != 0 {
				t.Errorf("a pass over the emptied inbound took %+v, waiting %d", sum.Files, sum.Waiting)
			}
		})
	}
}

// TestSFTPUnknownHostKeyRefused: a server whose host key is not trusted is
// refused before anything is listed, downloaded or recorded.
func TestSFTPUnknownHostKeyRefused(t *testing.T) {
	other := sftptest.NewKey(t, "")
	cases := []struct {
		name     string
		known    func(addr string) string
		mismatch bool
	}{
		{"unknown host", func(string) string { return knownhosts.Line([]string{"sftp.partner.example:22"}, other.Public) + "\n" }, false},
		{"changed key", func(addr string) string { return knownhosts.Line([]string{addr}, other.Public) + "\n" }, true},
	}
	for _, server := range sftpServers {
		for _, c := range cases {
			t.Run(server.name+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				e := newSFTPEnv(t, server.start, sftpOptions{knownHosts: c.known})
				e.drop("census-small.csv", readTestdata(t, "census-small.csv"))
				sum, err := e.passErr()
				var herr *transport.HostKeyError
				if !errors.As(err, &herr) {
					t.Fatalf("pass error = %v, want a *transport.HostKeyError", err)
				}
				fp := e.srv.HostKey.Fingerprint()
				if herr.Host != e.srv.Addr || herr.Fingerprint != fp || herr.Mismatch != c.mismatch {
					t.Errorf("host key error %+v, want host %s, fingerprint %s, mismatch %v", herr, e.srv.Addr, fp, c.mismatch)
				}
				if msg := err.Error(); !strings.Contains(msg, e.srv.Addr) || !strings.Contains(msg, fp) || !strings.Contains(msg, "partner acme") {
					t.Errorf("error %q does not name the partner, the host and the key's fingerprint", msg)
				}
				if len(sum.Files) != 0 {
					t.Errorf("files taken from an untrusted server: %+v", sum.Files)
				}
				if files := e.files(); len(files) != 0 {
					t.Errorf("files recorded: %+v", files)
				}
				if staged := names(t, filepath.Join(e.cfg.State.Staging, "acme")); len(staged) != 0 {
					t.Errorf("staging holds %q: something was downloaded", staged)
				}
				if got := names(t, e.inbound); !slices.Equal(got, []string{"census-small.csv"}) {
					t.Errorf("inbound on the server holds %q, want the untouched drop", got)
				}
				if got := names(t, e.outbound); len(got) != 0 {
					t.Errorf("outbound on the server holds %q, want nothing", got)
				}
				if n := e.srv.Sessions(); n > 0 {
					t.Errorf("%d SFTP sessions started on an untrusted server", n)
				}
			})
		}
	}
}

// TestSFTPInterruptedTransfers cuts or stalls the connection (through a
// loopback proxy) in the middle of downloading a partner file, then in the
// middle of uploading its result: no half file appears under a final
// name, nothing is marked done that was not, and the next pass with a
// working connection finishes the work exactly once.
func TestSFTPInterruptedTransfers(t *testing.T) {
	data := bigCensus(t, 100) // ~250 KB in, ~165 KB of result out: many round trips each way
	const groups = 200
	const at = 64 << 10 // interrupt once this many bytes went through
	// Each fault once per direction and server: a stalled connection
	// fails when the folder's timeout finds no progress, and the stalled
	// links are then dropped, as a network that recovers resets them.
	cut, stall := (*sftptest.Proxy).Cut, (*sftptest.Proxy).Stall
	faults := []struct {
		name             string
		download, upload func(*sftptest.Proxy)
	}{
		{"cut download, stall upload", cut, stall},
		{"stall download, cut upload", stall, cut},
	}
	for _, server := range sftpServers {
		for _, f := range faults {
			t.Run(server.name+"/"+f.name, func(t *testing.T) {
				t.Parallel()
				e := newSFTPEnv(t, server.start, sftpOptions{proxy: true, timeout: 1500 * time.Millisecond})
				e.drop("big.csv", data)
				results := filepath.Join(e.outbound, "results")
				var fired atomic.Bool
				var during []string // results/ on the server when the upload was interrupted
				interrupt := func(fault func(*sftptest.Proxy), snapshot bool) func(string, int64) {
					return func(name string, done int64) {
						if done >= at && fired.CompareAndSwap(false, true) {
							if snapshot { // not names: this may be a transfer goroutine
								ents, _ := os.ReadDir(results)
								for _, de := range ents {
									during = append(during, de.Name())
								}
							}
							fault(e.proxy)
						}
					}
				}

				// 1. Mid-download: nothing is claimed, the source stays.
				e.taps.set(interrupt(f.download, false), nil)
				sum, err := e.passErr()
				if !fired.Load() {
					t.Fatal("the download was never interrupted")
				}
				if err == nil || sum.Failed != 1 || len(sum.Files) != 0 {
					t.Fatalf("interrupted download: summary %+v, error %v; want one failed file", sum, err)
				}
				if files := e.files(); len(files) != 0 {
					t.Errorf("files recorded after an interrupted download: %+v", files)
				}
				if g := e.groups(); len(g) != 0 {
					t.Errorf("%d groups stored after an interrupted download", len(g))
				}
				for _, n := range names(t, filepath.Join(e.cfg.State.Staging, "acme")) {
					if strings.HasPrefix(n, "file-") {
						t.Errorf("partial download %s left in staging", n)
					}
				}
				if !exists(t, filepath.Join(e.inbound, "big.csv")) || len(names(t, results)) != 0 {
					t.Fatalf("after an interrupted download: inbound %q, results %q", names(t, e.inbound), names(t, results))
				}
				e.proxy.Cut() // the network recovers from a stall

				// 2. Mid-upload of the result: the outcome is committed
				// (stored), not done; the source stays; no result under
				// its final name.
				fired.Store(false)
				e.taps.set(nil, interrupt(f.upload, true))
				sum, err = e.passErr()
				if !fired.Load() {
					t.Fatal("the upload was never interrupted")
				}
				if err == nil || sum.Failed != 1 || len(sum.Files) != 0 {
					t.Fatalf("interrupted upload: summary %+v, error %v; want one failed file", sum, err)
				}
				if !slices.Contains(during, ".big.csv.result.json.tmp") || slices.Contains(during, "big.csv.result.json") {
					t.Errorf("results/ during the upload held %q, want only the temporary name", during)
				}
				if got := names(t, results); slices.Contains(got, "big.csv.result.json") {
					t.Errorf("a result file under its final name after an interrupted upload: %q", got)
				}
				files := e.files()
				if len(files) != 1 || files[0].State != store.FileStored || files[0].Outcome != store.OutcomeAccepted {
					t.Fatalf("files after an interrupted upload: %+v; want one stored (not done), accepted", files)
				}
				if !exists(t, filepath.Join(e.inbound, "big.csv")) || exists(t, filepath.Join(e.inbound, "archive")) {
					t.Errorf("source moved before its result was delivered: inbound %q", names(t, e.inbound))
				}
				checkVersions(t, e, groups)
				e.proxy.Cut()

				// 3. A working connection: the committed file is finished,
				// not applied again.
				before := e.proxy.Accepted()
				e.taps.set(nil, nil)
				sum = e.pass()
				if len(sum.Files) != 1 || sum.Files[0].Outcome != store.OutcomeAccepted {
					t.Fatalf("finishing pass took %+v", sum.Files)
				}
				if e.proxy.Accepted() == before {
					t.Error("the finishing pass did not reconnect")
				}
				r := e.result("big.csv")
				if r.Outcome != store.OutcomeAccepted || r.Counts.Created != groups || len(r.Groups) != groups {
					t.Errorf("delivered result: outcome %s, counts %+v, %d groups", r.Outcome, r.Counts, len(r.Groups))
				}
				files = e.files()
				if len(files) != 1 || files[0].State != store.FileDone {
					t.Errorf("files after the finishing pass: %+v", files)
				}
				checkVersions(t, e, groups)
				if got := names(t, results); !slices.Equal(got, []string{"big.csv.result.json"}) {
					t.Errorf("results/ holds %q, want only the result (no leftover temporary file)", got)
				}
				if !exists(t, filepath.Join(e.inbound, "archive", "big.csv")) || exists(t, filepath.Join(e.inbound, "big.csv")) {
					t.Errorf("source not archived: inbound %q", names(t, e.inbound))
				}
				if sum := e.pass(); len(sum.Files) != 0 {
					t.Errorf("a later pass took %+v", sum.Files)
				}
			})
		}
	}
}

// checkVersions asserts that want groups are stored, each applied once.
func checkVersions(t *testing.T, e *sftpEnv, want int) {
	t.Helper()
	groups := e.groups()
	if len(groups) != want {
		t.Errorf("%d groups stored, want %d", len(groups), want)
	}
	for _, g := range groups {
		if g.Version != 1 {
			t.Errorf("group %s at version %d: applied more than once", g.ExternalIdentifier, g.Version)
			return
		}
	}
}

// TestSFTPSlowWriterSettles: a file a partner is still writing over SFTP
// is not taken until it has stopped growing for the settle time, then it
// is taken once, whole.
func TestSFTPSlowWriterSettles(t *testing.T) {
	const settle = time.Second
	data := readTestdata(t, "census-small.csv")
	for _, server := range sftpServers {
		t.Run(server.name, func(t *testing.T) {
			t.Parallel()
			e := newSFTPEnv(t, server.start, sftpOptions{settle: settle})
			e.in.Now = time.Now
			client := sftpClient(t, e.srv)
			f, err := client.Create(e.srv.Root + "/in/slow.csv")
			if err != nil {
				t.Fatal(err)
			}
			// Six chunks, 200 ms apart, cut mid-row.
			const chunks = 6
			size := (len(data) + chunks - 1) / chunks
			lastWrite := make(chan time.Time, 1)
			go func() {
				defer f.Close()
				for i := 0; i < len(data); i += size {
					if i > 0 {
						time.Sleep(200 * time.Millisecond)
					}
					at := time.Now()
					if _, err := f.Write(data[i:min(i+size, len(data))]); err != nil {
						t.Errorf("partner writing: %v", err)
					}
					if i+size >= len(data) {
						lastWrite <- at
					}
				}
			}()

			var last time.Time
			passes := 0
		growing:
			for {
				select {
				case last = <-lastWrite:
					break growing
				default:
				}
				if passes > 50 {
					t.Fatal("the partner's writer did not finish")
				}
				sum := e.pass()
				passes++
				if len(sum.Files) != 0 || sum.Waiting != 1 {
					t.Fatalf("pass %d took %+v (waiting %d) while the file was growing", passes, sum.Files, sum.Waiting)
				}
				time.Sleep(100 * time.Millisecond)
			}
			if passes < 5 {
				t.Fatalf("only %d passes while the file grew", passes)
			}

			deadline := time.Now().Add(settle + 5*time.Second)
			var sum Summary
			for {
				sum = e.pass()
				if len(sum.Files) > 0 || time.Now().After(deadline) {
					break
				}
				if sum.Waiting != 1 {
					t.Fatalf("waiting %d, want the growing file", sum.Waiting)
				}
				time.Sleep(100 * time.Millisecond)
			}
			taken := time.Now()
			if len(sum.Files) != 1 || sum.Files[0].Name != "slow.csv" {
				t.Fatalf("after the writer stopped: took %+v", sum.Files)
			}
			if waited := taken.Sub(last); waited < settle {
				t.Errorf("taken %s after the last write, before the %s settle time", waited, settle)
			}
			r := e.result("slow.csv")
			if r.Outcome != store.OutcomeAccepted || r.Counts.Created != 2 {
				t.Errorf("result of the settled file: outcome %s, counts %+v, errors %v", r.Outcome, r.Counts, r.Errors)
			}
			if sum := e.pass(); len(sum.Files) != 0 {
				t.Errorf("a later pass took %+v", sum.Files)
			}
			if files := e.files(); len(files) != 1 || files[0].State != store.FileDone {
				t.Errorf("files: %+v, want the one file done", files)
			}
		})
	}
}

// TestSFTPFileRewrittenWhileDownloaded: a partner that starts rewriting a
// settled file in place (truncate, then write) while onboard downloads it
// must not get half of the new content applied; the file is taken whole
// once it is complete.
func TestSFTPFileRewrittenWhileDownloaded(t *testing.T) {
	data := bigCensus(t, 30) // ~75 KB: several reads
	const groups = 60
	for _, server := range sftpServers {
		t.Run(server.name, func(t *testing.T) {
			t.Parallel()
			e := newSFTPEnv(t, server.start, sftpOptions{})
			e.drop("census.csv", data)
			src := filepath.Join(e.inbound, "census.csv")
			var rewritten atomic.Bool
			e.taps.set(func(string, int64) {
				if rewritten.CompareAndSwap(false, true) {
					// The partner's new upload has written 40 KB so far,
					// ending mid-row.
					if err := os.WriteFile(src, data[:40<<10], 0o600); err != nil {
						t.Error(err)
					}
				}
			}, nil)
			sum, err := e.passErr()
			if !rewritten.Load() {
				t.Fatal("the file was never rewritten during the download")
			}
			// Not a failure: the file is still being written, so it waits
			// to settle anew (transport.ErrChanged).
			if err != nil || sum.Failed != 0 || sum.Waiting != 1 || len(sum.Files) != 0 {
				t.Errorf("pass over a file rewritten while read: summary %+v, error %v; want it waiting for the next pass", sum, err)
			}
			if files := e.files(); len(files) != 0 {
				t.Errorf("files recorded: %+v", files)
			}
			if g := e.groups(); len(g) != 0 {
				t.Errorf("%d groups applied from a half-written file", len(g))
			}
			if !exists(t, src) {
				t.Fatalf("source moved: inbound %q", names(t, e.inbound))
			}

			// The partner completes its upload; the next pass takes it whole.
			e.taps.set(nil, nil)
			writeFile(t, src, data)
			sum = e.pass()
			if len(sum.Files) != 1 {
				t.Fatalf("pass after the rewrite completed took %+v", sum.Files)
			}
			if r := e.result("census.csv"); r.Outcome != store.OutcomeAccepted || r.Counts.Created != groups {
				t.Errorf("result: outcome %s, counts %+v", r.Outcome, r.Counts)
			}
		})
	}
}
