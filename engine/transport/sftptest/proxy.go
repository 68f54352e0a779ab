package sftptest

import (
	"net"
	"sync"
	"testing"
)

// Proxy is a loopback TCP proxy in front of a server whose connections a
// test can cut (as when a network drops) or stall (as when a server hangs
// or packets are black-holed).
type Proxy struct {
	target string
	ln     net.Listener

	mu       sync.Mutex
	links    map[*link]struct{}
	accepted int
	closed   bool

	wg sync.WaitGroup
}

// link is one proxied connection.
type link struct {
	client, server net.Conn
	stalled        chan struct{}
	stallOnce      sync.Once
	closed         chan struct{}
	closeOnce      sync.Once
}

func (l *link) close() {
	l.closeOnce.Do(func() {
		l.client.Close()
		l.server.Close()
		close(l.closed)
	})
}

func (l *link) stall() { l.stallOnce.Do(func() { close(l.stalled) }) }

// NewProxy listens on a free port of 127.0.0.1 and forwards each
// connection to target. It is closed when the test ends.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("sftptest: listening: %v", err)
	}
	p := &Proxy{target: target, ln: ln, links: map[*link]struct{}{}}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(p.Close)
	return p
}

// Addr is the address clients connect to instead of the server's.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Accepted returns how many connections the proxy has accepted, so a test
// can tell that a client reconnected.
func (p *Proxy) Accepted() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepted
}

// Cut closes every open connection, both ways. New connections are still
// accepted.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for l := range p.links {
		l.close()
	}
}

// Stall stops forwarding on every open connection without closing it:
// bytes are dropped, as by a hung server or a black-holed route. New
// connections work normally.
func (p *Proxy) Stall() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for l := range p.links {
		l.stall()
	}
}

// Close stops accepting, cuts every connection and waits for the
// forwarding goroutines.
func (p *Proxy) Close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.ln.Close()
	p.Cut()
	p.wg.Wait()
}

func (p *Proxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		l := &link{client: c, server: s, stalled: make(chan struct{}), closed: make(chan struct{})}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			l.close()
			return
		}
		p.links[l] = struct{}{}
		p.accepted++
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pipe(l, l.server, l.client)
		go p.pipe(l, l.client, l.server)
	}
}

// pipe copies src to dst until either side fails, the link is cut, or,
// once stalled, drops what it reads until the link is cut.
func (p *Proxy) pipe(l *link, dst, src net.Conn) {
	defer p.wg.Done()
	defer func() {
		l.close()
		p.mu.Lock()
		delete(p.links, l)
		p.mu.Unlock()
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			select {
			case <-l.stalled:
				continue // drop: the peer never sees these bytes
			default:
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			select {
			case <-l.stalled:
				<-l.closed // a stalled link stays open until cut
			default:
			}
			return
		}
	}
}
