package sftptest

import (
	"bytes"
	"crypto/subtle"
	"errors"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/onboard/onboard/engine/config"
)

// Server is a running SFTP server on 127.0.0.1.
type Server struct {
	// Addr is the server's address, "127.0.0.1:PORT".
	Addr string
	// User is the login name the server accepts.
	User string
	// Root is the directory the server serves (config's dir).
	Root string
	// HostKey is the server's host key; HostKey.AuthorizedLine() is the
	// value for config's host_key.
	HostKey Key
	// KnownHostsLine is the known_hosts line for Addr and HostKey, and
	// KnownHostsFile a file holding just that line.
	KnownHostsLine string
	KnownHostsFile string
	// ClientKey is a key the server accepts; ClientKey.Path is the value
	// for config's private_key_file.
	ClientKey Key

	t         testing.TB
	inProcess bool

	mu         sync.Mutex
	authorized []ssh.PublicKey
	password   string
	conns      map[net.Conn]struct{}
	sessions   atomic.Int64

	ln        net.Listener
	wg        sync.WaitGroup
	closeOnce sync.Once
	stop      func() // OpenSSH: stops sshd

	authorizedFile string // OpenSSH: its AuthorizedKeysFile
}

// Config returns an SFTP config for the server: key authentication with
// ClientKey, host-key verification with KnownHostsFile, dir Root and a
// 10s timeout.
func (s *Server) Config() config.SFTP {
	return config.SFTP{
		Address:        s.Addr,
		User:           s.User,
		PrivateKeyFile: s.ClientKey.Path,
		KnownHostsFile: s.KnownHostsFile,
		Dir:            s.Root,
		Timeout:        config.Duration(10 * time.Second),
	}
}

// Authorize makes the server accept another client key.
func (s *Server) Authorize(key ssh.PublicKey) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.authorized = append(s.authorized, key)
	if s.authorizedFile != "" {
		f, err := os.OpenFile(s.authorizedFile, os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			s.t.Fatalf("sftptest: authorizing key: %v", err)
		}
		defer f.Close()
		if _, err := f.Write(ssh.MarshalAuthorizedKey(key)); err != nil {
			s.t.Fatalf("sftptest: authorizing key: %v", err)
		}
	}
}

// SetPassword makes the in-process server accept password (and
// keyboard-interactive) authentication with password.
func (s *Server) SetPassword(password string) {
	s.t.Helper()
	if !s.inProcess {
		s.t.Fatalf("sftptest: SetPassword works with the in-process server only")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.password = password
}

// Sessions returns how many SFTP sessions the in-process server has
// started (after authentication); -1 for OpenSSH.
func (s *Server) Sessions() int {
	if !s.inProcess {
		return -1
	}
	return int(s.sessions.Load())
}

// Close stops the server, closes every connection and waits until all is
// torn down. It is called when the test ends; calling it earlier simulates
// a server that went away.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		if s.stop != nil {
			s.stop()
			return
		}
		s.ln.Close()
		s.mu.Lock()
		for c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
}

// StartServer starts an in-process SFTP server (github.com/pkg/sftp over a
// golang.org/x/crypto/ssh server) on 127.0.0.1 serving root, with a
// generated ed25519 host key, accepting a generated client key for user
// "onboard".
func StartServer(t testing.TB, root string) *Server {
	t.Helper()
	s := &Server{
		User:      "onboard",
		Root:      root,
		HostKey:   NewKey(t, ""),
		ClientKey: NewKey(t, ""),
		t:         t,
		inProcess: true,
		conns:     map[net.Conn]struct{}{},
	}
	s.authorized = []ssh.PublicKey{s.ClientKey.Public}
	cfg := &ssh.ServerConfig{
		PublicKeyCallback: func(meta ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			s.mu.Lock()
			defer s.mu.Unlock()
			for _, k := range s.authorized {
				if meta.User() == s.User && bytes.Equal(k.Marshal(), key.Marshal()) {
					return nil, nil
				}
			}
			return nil, errors.New("key not authorized")
		},
		PasswordCallback: func(meta ssh.ConnMetadata, password []byte) (*ssh.Permissions, error) {
			s.mu.Lock()
			defer s.mu.Unlock()
			if meta.User() == s.User && s.password != "" && subtle.ConstantTimeCompare(password, []byte(s.password)) == 1 {
				return nil, nil
			}
			return nil, errors.New("wrong password")
		},
	}
	cfg.AddHostKey(s.HostKey.Signer)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("sftptest: listening: %v", err)
	}
	s.ln = ln
	s.Addr = ln.Addr().String()
	s.writeKnownHosts(t)
	s.wg.Add(1)
	go s.serve(cfg)
	t.Cleanup(s.Close)
	return s
}

func (s *Server) writeKnownHosts(t testing.TB) {
	t.Helper()
	s.KnownHostsLine = knownhosts.Line([]string{s.Addr}, s.HostKey.Public)
	s.KnownHostsFile = filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(s.KnownHostsFile, []byte(s.KnownHostsLine+"\n"), 0o600); err != nil {
		t.Fatalf("sftptest: writing known_hosts: %v", err)
	}
}

func (s *Server) serve(cfg *ssh.ServerConfig) {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns[nc] = struct{}{}
		s.mu.Unlock()
		s.wg.Add(1)
		go s.handle(nc, cfg)
	}
}

func (s *Server) handle(nc net.Conn, cfg *ssh.ServerConfig) {
	defer s.wg.Done()
	defer func() {
		nc.Close()
		s.mu.Lock()
		delete(s.conns, nc)
		s.mu.Unlock()
	}()
	sconn, chans, reqs, err := ssh.NewServerConn(nc, cfg)
	if err != nil {
		return
	}
	defer sconn.Close()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		ssh.DiscardRequests(reqs) // answers keepalive@openssh.com with a refusal
	}()
	for nch := range chans {
		if nch.ChannelType() != "session" {
			_ = nch.Reject(ssh.UnknownChannelType, "only sessions are supported")
			continue
		}
		ch, creqs, err := nch.Accept()
		if err != nil {
			continue
		}
		s.wg.Add(1)
		go s.session(ch, creqs)
	}
}

// session serves one SSH session: only the "sftp" subsystem is accepted.
func (s *Server) session(ch ssh.Channel, reqs <-chan *ssh.Request) {
	defer s.wg.Done()
	defer ch.Close()
	started := false
	for req := range reqs {
		ok := !started && req.Type == "subsystem" && len(req.Payload) > 4 && string(req.Payload[4:]) == "sftp"
		_ = req.Reply(ok, nil)
		if !ok {
			continue
		}
		started = true
		s.sessions.Add(1)
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			srv, err := sftp.NewServer(ch, sftp.WithServerWorkingDirectory(s.Root))
			if err != nil {
				ch.Close()
				return
			}
			_ = srv.Serve()
			srv.Close()
			ch.Close()
		}()
	}
}
