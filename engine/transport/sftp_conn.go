package transport

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

// conn is one SSH connection with its SFTP session.
type conn struct {
	ssh   *ssh.Client
	sc    *sftp.Client
	posix bool // the server offers posix-rename@openssh.com

	used   atomic.Int64 // UnixNano of the last successful use
	killed atomic.Bool
	dead   chan struct{} // closed once the connection is fully torn down
}

// kill closes the network connection, which makes every call blocked on it
// return.
func (c *conn) kill() {
	if c.killed.CompareAndSwap(false, true) {
		_ = c.ssh.Close()
	}
}

// broken reports whether the connection was closed or lost.
func (c *conn) broken() bool {
	if c.killed.Load() {
		return true
	}
	select {
	case <-c.dead:
		return true
	default:
		return false
	}
}

func (c *conn) touch()              { c.used.Store(time.Now().UnixNano()) }
func (c *conn) lastUsed() time.Time { return time.Unix(0, c.used.Load()) }

// dial connects, verifies the host key, authenticates and starts the SFTP
// subsystem, all bounded by ctx.
func (s *SFTP) dial(ctx context.Context) (*conn, error) {
	d := net.Dialer{KeepAlive: 15 * time.Second}
	nc, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return nil, err
	}
	// Neither the SSH handshake nor the SFTP start take a context: closing
	// the socket is what stops them.
	stop := context.AfterFunc(ctx, func() { nc.Close() })
	sshConn, chans, reqs, err := ssh.NewClientConn(nc, s.addr, s.ssh)
	if err != nil {
		stop()
		nc.Close()
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		return nil, negotiationError(err)
	}
	client := ssh.NewClient(sshConn, chans, reqs)
	sc, err := sftp.NewClient(client)
	if err != nil {
		stop()
		client.Close()
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		return nil, fmt.Errorf("starting the sftp subsystem: %w", err)
	}
	if !stop() {
		client.Close()
		sc.Close()
		return nil, context.Cause(ctx)
	}
	c := &conn{ssh: client, sc: sc, dead: make(chan struct{})}
	_, c.posix = sc.HasExtension("posix-rename@openssh.com")
	c.posix = c.posix && !s.tune.noPosixRename
	c.touch()
	return c, nil
}

// watchConn tears the connection down once its SFTP session ends, whether
// the server went away, the network failed or kill was called.
func (s *SFTP) watchConn(c *conn) {
	defer s.wg.Done()
	_ = c.sc.Wait()
	c.kill()
	_ = c.sc.Close()
	close(c.dead)
}

// keepalive sends keepalive@openssh.com every tune.keepalive; a request
// unanswered within the timeout kills the connection. Any reply, even a
// refusal, proves the server alive.
func (s *SFTP) keepalive(c *conn) {
	defer s.wg.Done()
	t := time.NewTicker(s.tune.keepalive)
	defer t.Stop()
	for {
		select {
		case <-c.dead:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
		err := c.guard(ctx, func() error {
			_, _, err := c.ssh.SendRequest("keepalive@openssh.com", true, nil)
			return err
		})
		cancel()
		if err != nil {
			c.kill()
			return
		}
	}
}

// guard runs fn, killing the connection if ctx is done first so that fn
// returns; the error is then ctx's cause.
func (c *conn) guard(ctx context.Context, fn func() error) error {
	w := c.watch(ctx, 0)
	err := fn()
	if werr := w.stop(); werr != nil && err != nil {
		return werr
	}
	return err
}

// watchdog kills a connection when ctx is done or, for transfers, when no
// progress was made for idle.
type watchdog struct {
	c       *conn
	idle    time.Duration
	timer   *time.Timer
	stopCtx func() bool

	mu   sync.Mutex
	err  error
	done bool
}

func (c *conn) watch(ctx context.Context, idle time.Duration) *watchdog {
	w := &watchdog{c: c, idle: idle}
	if idle > 0 {
		w.timer = time.AfterFunc(idle, func() {
			w.fire(fmt.Errorf("no progress for %s: %w", idle, context.DeadlineExceeded))
		})
	}
	w.stopCtx = context.AfterFunc(ctx, func() { w.fire(context.Cause(ctx)) })
	return w
}

func (w *watchdog) fire(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done || w.err != nil {
		return
	}
	w.err = err
	w.c.kill()
}

// pause stops the idle timer while the other side (the caller's reader or
// writer, not the server) is working.
func (w *watchdog) pause() {
	if w.timer != nil {
		w.timer.Stop()
	}
}

// kick restarts the idle timer after progress.
func (w *watchdog) kick() {
	if w.timer != nil {
		w.timer.Reset(w.idle)
	}
}

// failed returns why the watchdog fired, or nil.
func (w *watchdog) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// stop disarms the watchdog and returns why it fired, or nil.
func (w *watchdog) stop() error {
	w.pause()
	w.stopCtx()
	w.mu.Lock()
	defer w.mu.Unlock()
	w.done = true
	return w.err
}

// discard removes a temporary file after a failed upload, with its own
// short deadline; if the connection is gone it is remembered and removed
// once a new connection is up.
func (s *SFTP) discard(c *conn, f *sftp.File, tmp string) {
	if c != nil && !c.broken() {
		ctx, cancel := context.WithTimeout(context.Background(), s.tune.cleanup)
		err := c.guard(ctx, func() error {
			if f != nil {
				_ = f.Close()
			}
			return removeFile(c.sc, tmp)
		})
		cancel()
		if err == nil || !isConnErr(err) && !c.broken() {
			return
		}
	}
	s.omu.Lock()
	s.orphans = append(s.orphans, tmp)
	s.omu.Unlock()
}

// removeOrphans removes the temporary files lost connections left behind.
func (s *SFTP) removeOrphans(ctx context.Context, c *conn) {
	s.omu.Lock()
	list := s.orphans
	s.orphans = nil
	s.omu.Unlock()
	if len(list) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, s.tune.cleanup)
	defer cancel()
	var left []string
	_ = c.guard(ctx, func() error {
		for i, p := range list {
			err := removeFile(c.sc, p)
			if err != nil && (isConnErr(err) || c.broken()) {
				left = list[i:]
				return err
			}
		}
		return nil
	})
	if len(left) > 0 {
		s.omu.Lock()
		s.orphans = append(s.orphans, left...)
		s.omu.Unlock()
	}
}

// removeFile removes a file; a missing file is not an error.
func removeFile(sc *sftp.Client, p string) error {
	if err := sc.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
