//go:build unix

package reliability

import (
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// gate is a loopback TCP forwarder with a fixed address in front of a
// server, so that a test can take the server away (connections refused,
// open ones cut) and bring it back at the same address, and cut a
// connection after some bytes of a download.
type gate struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	down  bool
	conns map[net.Conn]struct{}
	// cutAfter, when positive, cuts the connections once that many bytes
	// went from the server to the client (counted from when it is set).
	cutAfter atomic.Int64
	// cutAfterUp is cutAfter for the bytes from the client to the server.
	cutAfterUp atomic.Int64
	cuts       atomic.Int64
	wg         sync.WaitGroup
}

// newGate listens on a free loopback port and forwards to target. It is
// closed when the test ends.
func newGate(t testing.TB, target string) *gate {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := &gate{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	g.wg.Add(1)
	go g.serve()
	t.Cleanup(g.close)
	return g
}

func (g *gate) addr() string { return g.ln.Addr().String() }

// setDown takes the server away (refusing and cutting) or brings it back.
func (g *gate) setDown(down bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.down = down
	if down {
		g.cutLocked()
	}
}

func (g *gate) cutLocked() {
	for c := range g.conns {
		c.Close()
	}
}

func (g *gate) close() {
	g.ln.Close()
	g.mu.Lock()
	g.cutLocked()
	g.mu.Unlock()
	g.wg.Wait()
}

func (g *gate) serve() {
	defer g.wg.Done()
	for {
		c, err := g.ln.Accept()
		if err != nil {
			return
		}
		g.mu.Lock()
		down := g.down
		g.mu.Unlock()
		if down {
			c.Close()
			continue
		}
		s, err := net.Dial("tcp", g.target)
		if err != nil {
			c.Close()
			continue
		}
		g.mu.Lock()
		g.conns[c], g.conns[s] = struct{}{}, struct{}{}
		g.mu.Unlock()
		g.wg.Add(2)
		go g.pipe(c, s, true) // server to client
		go g.pipe(s, c, false)
	}
}

// pipe copies src to dst; down says the bytes go from server to client.
func (g *gate) pipe(dst, src net.Conn, down bool) {
	defer g.wg.Done()
	defer func() {
		dst.Close()
		src.Close()
		g.mu.Lock()
		delete(g.conns, dst)
		delete(g.conns, src)
		g.mu.Unlock()
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			budget := &g.cutAfterUp
			if down {
				budget = &g.cutAfter
			}
			if left := budget.Load(); left > 0 && budget.Add(-int64(n)) <= 0 {
				g.cuts.Add(1)
				g.mu.Lock()
				g.cutLocked()
				g.mu.Unlock()
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
