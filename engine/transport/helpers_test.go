package transport

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/transport/sftptest"
)

// testTuning keeps the production behaviour but with waits short enough
// for tests.
func testTuning() tuning {
	t := defaultTuning()
	t.liveness = time.Second
	t.cleanup = 2 * time.Second
	t.backoff = 10 * time.Millisecond
	t.maxBackoff = 50 * time.Millisecond
	return t
}

func newTestSFTP(t *testing.T, cfg config.SFTP, tune tuning) *SFTP {
	t.Helper()
	f, err := newSFTP(t.Context(), cfg, tune)
	if err != nil {
		t.Fatalf("NewSFTP: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// proxied returns a config that reaches srv through p, with the host key
// pinned (known_hosts would name the server's address, not the proxy's).
func proxied(srv *sftptest.Server, p *sftptest.Proxy, timeout time.Duration) config.SFTP {
	cfg := srv.Config()
	cfg.Address = p.Addr()
	cfg.KnownHostsFile = ""
	cfg.HostKey = srv.HostKey.AuthorizedLine()
	cfg.Timeout = config.Duration(timeout)
	return cfg
}

// servers are the SFTP servers the SFTP tests run against.
var servers = []struct {
	name  string
	start func(testing.TB, string) *sftptest.Server
}{
	{"inprocess", sftptest.StartServer},
	{"openssh", sftptest.StartOpenSSH},
}

func writeFile(t *testing.T, root, rel string, data []byte) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, root, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func exists(t *testing.T, root, rel string) bool {
	t.Helper()
	_, err := os.Lstat(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return err == nil
}

// tempFiles lists the names in dir that look like temporary files.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var tmp []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			tmp = append(tmp, e.Name())
		}
	}
	return tmp
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func readAll(t *testing.T, f Folder, name string) []byte {
	t.Helper()
	r, err := f.Open(t.Context(), name)
	if err != nil {
		t.Fatalf("Open(%q): %v", name, err)
	}
	defer r.Close()
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, r); err != nil {
		t.Fatalf("reading %q: %v", name, err)
	}
	return buf.Bytes()
}

// failingReader returns data, then err.
type failingReader struct {
	data []byte
	err  error
}

func (r *failingReader) Read(b []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(b, r.data)
	r.data = r.data[n:]
	return n, nil
}

// pausingReader yields size bytes, stopping once at half to signal paused
// and wait for resume.
type pausingReader struct {
	size, off int
	paused    chan struct{}
	resume    chan struct{}
	once      bool
}

func newPausingReader(size int) *pausingReader {
	return &pausingReader{size: size, paused: make(chan struct{}), resume: make(chan struct{})}
}

func (r *pausingReader) Read(b []byte) (int, error) {
	if r.off >= r.size {
		return 0, io.EOF
	}
	if !r.once && r.off >= r.size/2 {
		r.once = true
		close(r.paused)
		<-r.resume
	}
	n := min(len(b), r.size-r.off)
	if !r.once {
		n = min(n, r.size/2-r.off)
	}
	for i := range n {
		b[i] = byte(r.off + i)
	}
	r.off += n
	return n, nil
}

// checkNoClientGoroutines fails if goroutines of an SFTP client (ours,
// pkg/sftp's or x/crypto/ssh's) are still running shortly after every
// folder was closed.
func checkNoClientGoroutines(t *testing.T) {
	t.Helper()
	marks := []string{"transport.(*SFTP)", "transport.(*conn)", "sftp.(*clientConn)", "sftp.(*File)", "ssh.(*Client)"}
	deadline := time.Now().Add(3 * time.Second)
	for {
		var left []string
		for _, g := range strings.Split(allStacks(), "\n\n") {
			for _, m := range marks {
				if strings.Contains(g, m) {
					left = append(left, g)
					break
				}
			}
		}
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d client goroutines still running:\n%s", len(left), strings.Join(left, "\n\n"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func allStacks() string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return string(buf[:n])
		}
		buf = make([]byte, 2*len(buf))
	}
}

// within runs fn and fails the test if it takes longer than d (a hang).
func within(t *testing.T, d time.Duration, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s did not return within %s", what, d)
	}
}
