package sftptest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// SSHD is where StartOpenSSH looks for OpenSSH's server (Debian's
// openssh-server package).
const SSHD = "/usr/sbin/sshd"

// StartOpenSSH starts OpenSSH's sshd as the current user on a free port of
// 127.0.0.1, with a generated host key, a generated client key for the
// current user and the internal-sftp subsystem, serving root (the SFTP
// client names root as its dir; there is no chroot). If sshd is not
// installed the test is skipped, or fails when $CI is set, so that a CI
// run cannot pass without it.
func StartOpenSSH(t testing.TB, root string) *Server {
	t.Helper()
	return StartOpenSSHWith(t, root)
}

// StartOpenSSHWith is StartOpenSSH with extra sshd_config lines, such as
// "KexAlgorithms diffie-hellman-group-exchange-sha1" for an old server.
func StartOpenSSHWith(t testing.TB, root string, extra ...string) *Server {
	t.Helper()
	if _, err := os.Stat(SSHD); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("sftptest: %s is required in CI (apt-get install openssh-server): %v", SSHD, err)
		}
		t.Skipf("sftptest: %s not installed (apt-get install openssh-server)", SSHD)
	}
	u, err := user.Current()
	if err != nil {
		t.Fatalf("sftptest: finding the current user: %v", err)
	}
	if os.Geteuid() == 0 {
		// sshd refuses to start as root without its privilege-separation
		// directory, which the package creates only at boot.
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			t.Fatalf("sftptest: creating /run/sshd: %v", err)
		}
	}
	s := &Server{
		User:      u.Username,
		Root:      root,
		HostKey:   NewKey(t, ""),
		ClientKey: NewKey(t, ""),
		t:         t,
	}
	dir := t.TempDir()
	s.authorizedFile = filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(s.authorizedFile, nil, 0o600); err != nil {
		t.Fatalf("sftptest: writing authorized_keys: %v", err)
	}
	s.Authorize(s.ClientKey.Public)

	var lastErr error
	for try := 0; try < 3; try++ { // a free port may be taken before sshd binds it
		port, err := freePort()
		if err != nil {
			t.Fatalf("sftptest: finding a free port: %v", err)
		}
		conf := filepath.Join(dir, "sshd_config")
		if err := os.WriteFile(conf, []byte(sshdConfig(port, s.HostKey.Path, s.authorizedFile, dir, extra)), 0o600); err != nil {
			t.Fatalf("sftptest: writing sshd_config: %v", err)
		}
		stop, err := runSSHD(conf, port)
		if err != nil {
			lastErr = err
			continue
		}
		s.stop = stop
		s.Addr = net.JoinHostPort("127.0.0.1", fmt.Sprint(port))
		s.writeKnownHosts(t)
		t.Cleanup(s.Close)
		return s
	}
	t.Fatalf("sftptest: starting sshd: %v", lastErr)
	return nil
}

func sshdConfig(port int, hostKey, authorized, dir string, extra []string) string {
	lines := []string{
		fmt.Sprintf("Port %d", port),
		"ListenAddress 127.0.0.1",
		"HostKey " + hostKey,
		"AuthorizedKeysFile " + authorized,
		"PidFile " + filepath.Join(dir, "sshd.pid"),
		"StrictModes no",
		"UsePAM no",
		"PubkeyAuthentication yes",
		"PasswordAuthentication no",
		"KbdInteractiveAuthentication no",
		"PermitRootLogin prohibit-password",
		"UseDNS no",
		"MaxStartups 100",
		"MaxSessions 100",
		"LogLevel ERROR",
		"Subsystem sftp internal-sftp",
	}
	lines = append(lines, extra...)
	return strings.Join(lines, "\n") + "\n"
}

// runSSHD starts sshd in its own process group and waits until it accepts
// connections; stop ends the group (sshd and its session processes).
func runSSHD(conf string, port int) (stop func(), err error) {
	cmd := exec.Command(SSHD, "-D", "-e", "-f", conf)
	var logs syncBuffer
	cmd.Stdout = &logs
	cmd.Stderr = &logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	stop = func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	}
	addr := net.JoinHostPort("127.0.0.1", fmt.Sprint(port))
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return nil, fmt.Errorf("sshd exited: %s", strings.TrimSpace(logs.String()))
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return stop, nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	return nil, fmt.Errorf("sshd did not listen on %s within 10s: %s", addr, strings.TrimSpace(logs.String()))
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// syncBuffer collects sshd's log lines from its output copier goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
