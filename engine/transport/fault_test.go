package transport

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/transport/sftptest"
)

// Fault tests put a loopback proxy between the folder and each server and
// cut or stall the connection in the middle of an operation.

func TestCutMidDownload(t *testing.T) {
	for _, server := range servers {
		t.Run(server.name, func(t *testing.T) {
			srv := server.start(t, t.TempDir())
			data := randomBytes(t, 4<<20)
			writeFile(t, srv.Root, "big.bin", data)
			p := sftptest.NewProxy(t, srv.Addr)
			f := newTestSFTP(t, proxied(srv, p, 5*time.Second), testTuning())

			r, err := f.Open(t.Context(), "big.bin")
			if err != nil {
				t.Fatal(err)
			}
			half := make([]byte, len(data)/4)
			if _, err := io.ReadFull(r, half); err != nil || !bytes.Equal(half, data[:len(half)]) {
				t.Fatalf("reading the first quarter: %v", err)
			}
			p.Cut()
			within(t, 5*time.Second, "reading after the cut", func() {
				n, err := io.Copy(io.Discard, r)
				if err == nil {
					t.Errorf("read the remaining %d bytes without error after the cut", n)
				}
				if n >= int64(len(data)-len(half)) {
					t.Errorf("read %d bytes after the cut", n)
				}
				if _, err2 := r.Read(make([]byte, 10)); err2 == nil {
					t.Error("a later read succeeded on the dead connection")
				}
				_ = r.Close()
			})
			// The next operation reconnects.
			fi, err := f.Stat(t.Context(), "big.bin")
			if err != nil || fi.Size != int64(len(data)) {
				t.Fatalf("Stat after the cut = %+v, %v", fi, err)
			}
			if p.Accepted() != 2 {
				t.Errorf("%d connections, want 2 (a reconnect)", p.Accepted())
			}
			f.Close()
			checkNoClientGoroutines(t)
		})
	}
}

func TestCutMidUpload(t *testing.T) {
	for _, server := range servers {
		t.Run(server.name, func(t *testing.T) {
			srv := server.start(t, t.TempDir())
			p := sftptest.NewProxy(t, srv.Addr)
			f := newTestSFTP(t, proxied(srv, p, 5*time.Second), testTuning())

			src := newPausingReader(8 << 20)
			errc := make(chan error, 1)
			go func() { errc <- f.Write(t.Context(), "out/big.bin", src, 0o600) }()
			select {
			case <-src.paused:
			case err := <-errc:
				t.Fatalf("Write returned before the cut: %v", err)
			}
			if !exists(t, srv.Root, "out/.big.bin.tmp") {
				t.Error("no temporary file while uploading")
			}
			p.Cut()
			close(src.resume)
			var err error
			within(t, 10*time.Second, "Write after the cut", func() { err = <-errc })
			if err == nil {
				t.Fatal("Write succeeded although the connection was cut")
			}
			if exists(t, srv.Root, "out/big.bin") {
				t.Fatal("a file is visible under the final name")
			}
			f.omu.Lock()
			orphans := len(f.orphans)
			f.omu.Unlock()
			if orphans != 1 {
				t.Errorf("%d temporary files remembered for removal, want 1", orphans)
			}
			// The next operation reconnects and removes the temporary file
			// the dead connection left.
			if _, err := f.List(t.Context(), "out"); err != nil {
				t.Fatalf("List after the cut: %v", err)
			}
			if exists(t, srv.Root, "out/.big.bin.tmp") {
				t.Error("temporary file not removed after reconnecting")
			}
			// And a retry succeeds.
			if err := f.Write(t.Context(), "out/big.bin", newPausingReaderNoPause(1<<20), 0o600); err != nil {
				t.Fatalf("Write after reconnecting: %v", err)
			}
			f.Close()
			checkNoClientGoroutines(t)
		})
	}
}

func newPausingReaderNoPause(size int) io.Reader {
	r := newPausingReader(size)
	close(r.resume)
	return r
}

func TestServerDiesMidUpload(t *testing.T) {
	srv := sftptest.StartServer(t, t.TempDir())
	f := newTestSFTP(t, srv.Config(), testTuning())
	src := newPausingReader(8 << 20)
	errc := make(chan error, 1)
	go func() { errc <- f.Write(t.Context(), "big.bin", src, 0o600) }()
	<-src.paused
	srv.Close()
	close(src.resume)
	var err error
	within(t, 10*time.Second, "Write after the server died", func() { err = <-errc })
	if err == nil || exists(t, srv.Root, "big.bin") {
		t.Fatalf("Write error = %v, final file exists = %v; want an error and no file", err, exists(t, srv.Root, "big.bin"))
	}
	// The server is gone: the next operation fails quickly, it does not hang.
	within(t, 5*time.Second, "Stat with the server gone", func() {
		if _, err := f.Stat(t.Context(), "big.bin"); err == nil {
			t.Error("Stat succeeded with the server gone")
		}
	})
	f.Close()
	checkNoClientGoroutines(t)
}

func TestStalledOperationTimesOut(t *testing.T) {
	for _, server := range servers {
		t.Run(server.name, func(t *testing.T) {
			srv := server.start(t, t.TempDir())
			writeFile(t, srv.Root, "x.csv", []byte("x"))
			p := sftptest.NewProxy(t, srv.Addr)
			tune := testTuning()
			tune.idle = time.Hour // no liveness check: the operation itself must time out
			f := newTestSFTP(t, proxied(srv, p, time.Second), tune)

			p.Stall()
			start := time.Now()
			_, err := f.Stat(t.Context(), "x.csv")
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Stat on a stalled connection error = %v, want a deadline error", err)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("Stat took %s with a 1s timeout", d)
			}
			if _, err := f.Stat(t.Context(), "x.csv"); err != nil {
				t.Fatalf("Stat after reconnecting: %v", err)
			}
			f.Close()
			checkNoClientGoroutines(t)
		})
	}
}

func TestStalledDownload(t *testing.T) {
	srv := sftptest.StartServer(t, t.TempDir())
	writeFile(t, srv.Root, "big.bin", randomBytes(t, 1<<20))
	p := sftptest.NewProxy(t, srv.Addr)
	f := newTestSFTP(t, proxied(srv, p, 400*time.Millisecond), testTuning())

	t.Run("deadline per read", func(t *testing.T) {
		r, err := f.Open(t.Context(), "big.bin")
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if _, err := io.ReadFull(r, make([]byte, 1000)); err != nil {
			t.Fatal(err)
		}
		p.Stall()
		within(t, 3*time.Second, "a stalled read", func() {
			if _, err := io.Copy(io.Discard, r); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("stalled read error = %v, want a deadline error", err)
			}
		})
	})
	t.Run("cancelled while blocked", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		r, err := f.Open(ctx, "big.bin")
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		p.Stall()
		time.AfterFunc(50*time.Millisecond, cancel)
		within(t, 300*time.Millisecond, "a cancelled read", func() {
			if _, err := r.Read(make([]byte, 1000)); !errors.Is(err, context.Canceled) {
				t.Errorf("cancelled read error = %v, want context.Canceled", err)
			}
		})
	})
	f.Close()
	checkNoClientGoroutines(t)
}

func TestLivenessCheckBeforeReuse(t *testing.T) {
	srv := sftptest.StartServer(t, t.TempDir())
	writeFile(t, srv.Root, "x.csv", []byte("x"))
	p := sftptest.NewProxy(t, srv.Addr)
	tune := testTuning()
	tune.idle = time.Nanosecond // every reuse is checked
	tune.liveness = 200 * time.Millisecond
	f := newTestSFTP(t, proxied(srv, p, 10*time.Second), tune)

	p.Stall()
	start := time.Now()
	if _, err := f.Stat(t.Context(), "x.csv"); err != nil {
		t.Fatalf("Stat with a dead idle connection: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Stat took %s: the liveness check did not replace the dead connection quickly", d)
	}
	if p.Accepted() != 2 {
		t.Errorf("%d connections, want 2", p.Accepted())
	}
}

func TestKeepaliveDetectsDeadConnection(t *testing.T) {
	srv := sftptest.StartServer(t, t.TempDir())
	p := sftptest.NewProxy(t, srv.Addr)
	tune := testTuning()
	tune.keepalive = 50 * time.Millisecond
	f := newTestSFTP(t, proxied(srv, p, 300*time.Millisecond), tune)
	c := f.cur
	time.Sleep(150 * time.Millisecond) // a few answered keepalives
	if c.broken() {
		t.Fatal("keepalive killed a healthy connection")
	}
	p.Stall()
	deadline := time.Now().Add(3 * time.Second)
	for !c.broken() {
		if time.Now().After(deadline) {
			t.Fatal("keepalive did not notice the dead connection")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestReconnectGivesUp(t *testing.T) {
	srv := sftptest.StartServer(t, t.TempDir())
	p := sftptest.NewProxy(t, srv.Addr)
	f := newTestSFTP(t, proxied(srv, p, 5*time.Second), testTuning())
	p.Close() // nothing listens any more
	within(t, 3*time.Second, "List with the server unreachable", func() {
		if _, err := f.List(t.Context(), ""); err == nil {
			t.Error("List succeeded with the server unreachable")
		}
	})
}
