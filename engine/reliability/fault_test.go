//go:build unix

package reliability

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/transport/sftptest"
)

// sftpWorld is a world whose partner acme drops its files on an SFTP
// server (the in-process one, serving acme's inbound folder) reached
// through a gate the test can close.
func sftpWorld(t *testing.T) (*world, *gate) {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "var", "partners", "acme", "inbound")
	if err := os.MkdirAll(in, 0o750); err != nil {
		t.Fatal(err)
	}
	srv := sftptest.StartServer(t, in)
	g := newGate(t, srv.Addr)
	yaml := fmt.Sprintf(`sftp: {address: %q, user: %s, private_key_file: %q, host_key: %q, dir: %q, timeout: 5s}`,
		g.addr(), srv.User, srv.ClientKey.Path, srv.HostKey.AuthorizedLine(), in)
	w := newWorld(t, worldOptions{dir: dir, inbound: map[string]string{"acme": yaml}})
	w.dumpOnFailure()
	return w, g
}

// mustFail runs `onboard once`, which must exit 1 (an operational failure,
// not a crash) and log every one of want.
func (w *world) mustFail(bin string, want ...string) outcome {
	w.t.Helper()
	o := w.run(bin, runSpec{args: []string{"once", "-config", w.cfg}})
	if o.killed || o.exitCode != 1 {
		w.t.Fatalf("onboard once under the fault: exit %d (killed %v), want 1:\n%s", o.exitCode, o.killed, tail(o.out))
	}
	w.mustLog(o.out, want...)
	return o
}

// mustLog checks that a log holds an error line with every one of want.
func (w *world) mustLog(out []byte, want ...string) {
	w.t.Helper()
	for _, line := range strings.Split(string(out), "\n") {
		if !strings.Contains(line, `"level":"ERROR"`) {
			continue
		}
		all := true
		for _, s := range want {
			all = all && strings.Contains(line, s)
		}
		if all {
			return
		}
	}
	w.t.Errorf("no error line logs all of %q:\n%s", want, tail(out))
}

// stillWaiting checks that a file hit by a fault is still in the drop
// folder for the next pass, and that no result was written for it.
func (w *world) stillWaiting(partner, name string) {
	w.t.Helper()
	if _, err := os.Stat(filepath.Join(w.inbound(partner), name)); err != nil {
		w.t.Errorf("%s/%s left the drop folder under the fault: %v", partner, name, err)
	}
}

// resulted checks that a file has its result.
func (w *world) resulted(partner, name string) {
	w.t.Helper()
	if _, err := os.Stat(w.resultPath(partner, name)); err != nil {
		w.t.Errorf("%s/%s has no result: %v", partner, name, err)
	}
}

// TestFaultSFTPGoneAtStart: the partner's SFTP server is down when a pass
// starts. The pass logs the failure, takes the other partners' files and
// exits 1; the file waits on the server; once the server is back the next
// pass takes it.
func TestFaultSFTPGoneAtStart(t *testing.T) {
	bin := onboardBinary(t)
	w, g := sftpWorld(t)
	g.setDown(true)
	w.drop("acme", "acme.csv", census(censusSpec{partner: "acme", groups: 2, employees: 2}))
	w.drop("beta", "beta.csv", census(censusSpec{partner: "beta", groups: 2, employees: 2, firstGroup: 1000}))
	w.mustFail(bin, "intake:acme", "connecting")
	w.stillWaiting("acme", "acme.csv")
	w.resulted("beta", "beta.csv")

	g.setDown(false)
	w.settle(bin)
	w.check(map[string][]string{"acme": {"acme.csv"}, "beta": {"beta.csv"}})
}

// TestFaultSFTPGoneMidRun: the daemon is running and has taken files from
// the SFTP server when the server goes away; files dropped meanwhile wait,
// errors are logged, and the daemon takes them once the server is back,
// without a restart.
func TestFaultSFTPGoneMidRun(t *testing.T) {
	bin := onboardBinary(t)
	w, g := sftpWorld(t)
	d := w.startDaemon(bin)
	names := []string{"a1.csv", "a2.csv", "a3.csv", "a4.csv"}
	for i, n := range names[:2] {
		w.drop("acme", n, census(censusSpec{partner: "acme", groups: 2, employees: 2, firstGroup: 1 + 10*i}))
	}
	waitFor(t, 30*time.Second, "the first files' results", func() bool {
		return exists(w.resultPath("acme", names[0])) && exists(w.resultPath("acme", names[1]))
	})
	g.setDown(true)
	for i, n := range names[2:] {
		w.drop("acme", n, census(censusSpec{partner: "acme", groups: 2, employees: 2, firstGroup: 21 + 10*i}))
	}
	waitFor(t, 30*time.Second, "an error logged for the lost server", func() bool {
		return bytes.Contains(d.out.Bytes(), []byte(`"level":"ERROR"`))
	})
	w.mustLog(d.out.Bytes(), "acme", "connecting")
	for _, n := range names[2:] {
		w.stillWaiting("acme", n)
	}
	g.setDown(false)
	waitFor(t, 30*time.Second, "the files dropped during the outage", func() bool {
		return exists(w.resultPath("acme", names[2])) && exists(w.resultPath("acme", names[3]))
	})
	d.stop()
	w.settle(bin)
	w.check(map[string][]string{"acme": names})
}

// TestFaultSFTPCutMidTransfer: the connection drops while a large file is
// downloaded. The file is never taken half: either the transport resumes
// the download on a new connection and the whole file is taken (its
// sha256 in the result is the file's), or the pass fails and the file
// stays on the server for the next pass; nothing is left in staging.
func TestFaultSFTPCutMidTransfer(t *testing.T) {
	bin := onboardBinary(t)
	w, g := sftpWorld(t)
	big := paddedGroup("BIG1", 6<<20)
	w.drop("acme", "big.json", big)
	g.cutAfter.Store(1 << 20)
	o := w.run(bin, runSpec{args: []string{"once", "-config", w.cfg}})
	if g.cuts.Load() != 1 {
		t.Fatalf("the connection was cut %d times, want once", g.cuts.Load())
	}
	switch {
	case o.killed || o.exitCode > 1:
		t.Fatalf("onboard once: exit %d (killed %v):\n%s", o.exitCode, o.killed, tail(o.out))
	case o.exitCode == 1:
		w.mustLog(o.out, "big.json")
		w.stillWaiting("acme", "big.json")
	default:
		t.Log("the download resumed on a new connection")
	}
	w.settle(bin)
	w.check(map[string][]string{"acme": {"big.json"}})
	res, err := os.ReadFile(w.resultPath("acme", "big.json"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(big)
	if !bytes.Contains(res, []byte(hex.EncodeToString(sum[:]))) {
		t.Errorf("the result does not carry the whole file's sha256: %s", res[:min(len(res), 300)])
	}
	if len(w.staged) > 0 {
		t.Errorf("staged copies left after the cut: %v", w.staged)
	}
}

// paddedGroup is a valid one-group JSON file of about size bytes: the
// group padded with white space, which JSON allows anywhere between
// tokens.
func paddedGroup(ext string, size int) []byte {
	g := groupJSON(ext, 2)
	i := bytes.IndexByte(g, '{') + 1
	pad := size - len(g)
	if pad < 0 {
		pad = 0
	}
	return append(append(append([]byte{}, g[:i]...), bytes.Repeat([]byte(" \n"), pad/2)...), g[i:]...)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// TestFaultSFTPCutMidUpload: the carrier's inbox is an SFTP server and the
// connection drops while a transmission is uploaded. The carrier never
// sees part of a file under its final name: the pass fails with a logged
// error (the transmission is recorded, the next run delivers it) unless
// the upload is retried whole, and the passes after deliver the whole file
// once, leaving no temporary file on the server.
func TestFaultSFTPCutMidUpload(t *testing.T) {
	bin := onboardBinary(t)
	dir := t.TempDir()
	inbox := filepath.Join(dir, "var", "carriers", "bluecross", "inbox")
	if err := os.MkdirAll(inbox, 0o750); err != nil {
		t.Fatal(err)
	}
	srv := sftptest.StartServer(t, inbox)
	g := newGate(t, srv.Addr)
	yaml := fmt.Sprintf(`sftp: {address: %q, user: %s, private_key_file: %q, host_key: %q, dir: %q, timeout: 5s}`,
		g.addr(), srv.User, srv.ClientKey.Path, srv.HostKey.AuthorizedLine(), inbox)
	w := newWorld(t, worldOptions{dir: dir, inbox: map[string]string{"bluecross": yaml}})
	w.dumpOnFailure()
	w.drop("acme", "acme.csv", census(censusSpec{partner: "acme", groups: 40, employees: 4}))
	// Past the SSH handshake and into the 834 (about 100 KB).
	g.cutAfterUp.Store(40 << 10)
	o := w.run(bin, runSpec{args: []string{"once", "-config", w.cfg}})
	if g.cuts.Load() != 1 {
		t.Fatalf("the connection was cut %d times, want once:\n%s", g.cuts.Load(), tail(o.out))
	}
	switch {
	case o.killed || o.exitCode > 1:
		t.Fatalf("onboard once with the upload cut: exit %d (killed %v):\n%s", o.exitCode, o.killed, tail(o.out))
	case o.exitCode == 1:
		w.mustLog(o.out, "transmit:bluecross", "recorded; the next run delivers it")
	default:
		t.Log("the upload was retried on a new connection")
	}
	for _, n := range regularFiles(t, inbox) {
		if !strings.HasPrefix(n, ".") { // a temporary name is no file to the carrier
			t.Errorf("%s is in the inbox under its final name after the cut upload", n)
		}
	}
	w.settle(bin)
	w.settle(bin)
	w.check(map[string][]string{"acme": {"acme.csv"}})
}
