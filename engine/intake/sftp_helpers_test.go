package intake

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/store/sqlite"
	"github.com/onboard/onboard/engine/transport"
	"github.com/onboard/onboard/engine/transport/sftptest"
)

// sftpServers are the servers the SFTP intake tests run against: OpenSSH's
// sshd (what partners run) and the in-process pkg/sftp server.
var sftpServers = []struct {
	name  string
	start func(testing.TB, string) *sftptest.Server
}{
	{"openssh", sftptest.StartOpenSSH},
	{"inprocess", sftptest.StartServer},
}

// sftpOptions shape an SFTP test partner.
type sftpOptions struct {
	settle time.Duration
	// proxy puts a cuttable loopback proxy between onboard and the server
	// for both folders.
	proxy bool
	// knownHosts, when set, returns the known_hosts file's content for
	// the address onboard dials and the server's real host key.
	knownHosts func(addr string) string
	// timeout is the SFTP operation timeout (default 5s).
	timeout time.Duration
}

// sftpEnv is the env of intake_test.go with the partner's inbound and
// outbound on an SFTP server: e.inbound and e.outbound are those folders
// in the server's root on disk, so drop and result work through the
// server's own files while onboard goes over SFTP.
type sftpEnv struct {
	*env
	srv   *sftptest.Server
	proxy *sftptest.Proxy
	pool  *folderPool
	taps  *taps
}

// newSFTPEnv starts a server, writes a config whose partner folders are
// on it, loads it with config.Load and opens a real SQLite store.
func newSFTPEnv(t *testing.T, start func(testing.TB, string) *sftptest.Server, o sftpOptions) *sftpEnv {
	t.Helper()
	srv := start(t, t.TempDir())
	dir := t.TempDir()
	e := &sftpEnv{srv: srv}
	addr := srv.Addr
	if o.proxy {
		e.proxy = sftptest.NewProxy(t, srv.Addr)
		addr = e.proxy.Addr()
	}
	known := knownhosts.Line([]string{addr}, srv.HostKey.Public) + "\n"
	if o.knownHosts != nil {
		known = o.knownHosts(addr)
	}
	knownFile := filepath.Join(dir, "known_hosts")
	writeFile(t, knownFile, []byte(known))
	if o.timeout == 0 {
		o.timeout = 5 * time.Second
	}
	folder := func(sub string) string {
		return fmt.Sprintf("sftp: {address: %q, user: %q, private_key_file: %q, known_hosts_file: %q, dir: %q, timeout: %s}",
			addr, srv.User, srv.ClientKey.Path, knownFile, srv.Root+"/"+sub, o.timeout)
	}
	yaml := fmt.Sprintf(testConfig, "full", int64(1<<31))
	for from, to := range map[string]string{
		"inbound: {dir: var/in, settle: 0s}": fmt.Sprintf("inbound: {%s, settle: %s}", folder("in"), o.settle),
		"outbound: {dir: var/out}":           fmt.Sprintf("outbound: {%s}", folder("out")),
	} {
		if !strings.Contains(yaml, from) {
			t.Fatalf("testConfig no longer holds %q", from)
		}
		yaml = strings.Replace(yaml, from, to, 1)
	}
	path := filepath.Join(dir, "onboard.yaml")
	writeFile(t, path, []byte(yaml))
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatalf("loading config: %v\n%s", err, yaml)
	}
	if p := cfg.Partner("acme"); p.Inbound.SFTP == nil || p.Outbound.SFTP == nil {
		t.Fatalf("partner folders are not SFTP: %+v %+v", p.Inbound, p.Outbound)
	}
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	st, err := sqlite.Open(context.Background(), cfg.State.SQLite, sqlite.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e.taps = &taps{}
	e.pool = newFolderPool(t)
	e.pool.wrap = func(f transport.Folder) transport.Folder { return &tapFolder{Folder: f, taps: e.taps} }
	in := New(st, cfg, e.pool.open, nil)
	in.Now = func() time.Time { return now }
	e.env = &env{t: t, dir: dir, cfg: cfg, st: st, in: in,
		inbound: filepath.Join(srv.Root, "in"), outbound: filepath.Join(srv.Root, "out"), now: now}
	for _, d := range []string{e.inbound, e.outbound} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// folderPool opens each folder once and keeps it, as the daemon's pool
// does, so an SFTP folder keeps (and replaces) its one connection across
// passes. Folders are closed when the test ends.
type folderPool struct {
	mu      sync.Mutex
	folders map[string]transport.Folder
	// wrap, when set, is applied to each folder as it is opened.
	wrap func(transport.Folder) transport.Folder
}

func newFolderPool(t *testing.T) *folderPool {
	p := &folderPool{folders: map[string]transport.Folder{}}
	t.Cleanup(func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, f := range p.folders {
			f.Close()
		}
	})
	return p
}

func (p *folderPool) open(ctx context.Context, f config.Folder) (transport.Folder, error) {
	key := f.Dir
	if f.SFTP != nil {
		key = f.SFTP.Address + f.SFTP.Dir
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if fo, ok := p.folders[key]; ok {
		return fo, nil
	}
	fo, err := transport.Open(ctx, f)
	if err != nil {
		return nil, err
	}
	if p.wrap != nil {
		fo = p.wrap(fo)
	}
	p.folders[key] = fo
	return fo, nil
}

// passErr runs one pass and returns its summary and the error it hit,
// the pass's own or the last file's.
func (e *sftpEnv) passErr() (Summary, error) {
	e.t.Helper()
	sum, err := e.in.Pass(context.Background(), e.cfg.Partner("acme"))
	if err == nil {
		err = sum.LastErr
	}
	return sum, err
}

// files returns the store's file records of the partner.
func (e *sftpEnv) files() []store.FileRecord {
	e.t.Helper()
	files, err := e.st.Files(context.Background(), store.FileFilter{PartnerID: "acme"})
	if err != nil {
		e.t.Fatal(err)
	}
	return files
}

// groups returns the stored groups of the partner.
func (e *sftpEnv) groups() []store.GroupRecord {
	e.t.Helper()
	groups, err := e.st.Groups(context.Background(), store.GroupFilter{PartnerID: "acme"})
	if err != nil {
		e.t.Fatal(err)
	}
	return groups
}

// names lists the entries of a folder on the server's disk ("" if it
// does not exist), hidden temporary files included.
func names(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

func exists(t *testing.T, p string) bool {
	t.Helper()
	_, err := os.Stat(p)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return err == nil
}

func writeFile(t *testing.T, p string, data []byte) {
	t.Helper()
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// bigCensus repeats census-small.csv's rows copies times with group and
// member ids made unique per copy, so each copy adds two groups.
func bigCensus(t *testing.T, copies int) []byte {
	t.Helper()
	lines := strings.Split(strings.TrimRight(string(readTestdata(t, "census-small.csv")), "\n"), "\n")
	var b bytes.Buffer
	b.WriteString(lines[0] + "\n")
	for i := range copies {
		for _, l := range lines[1:] {
			f := strings.SplitN(l, ",", 2)
			// group_id is the first column; member and subscriber ids
			// (E1001, P-77, ...) are made unique by a suffix.
			row := f[0] + fmt.Sprintf("-%d,", i) + f[1]
			for _, id := range []string{"E1001", "E1002", "E1003", "P-77", "P-78"} {
				row = strings.ReplaceAll(row, ","+id, fmt.Sprintf(",%s-%d", id, i))
			}
			b.WriteString(row + "\n")
		}
	}
	return b.Bytes()
}

// sftpClient logs in to the server as onboard would and returns a plain
// pkg/sftp client, for a partner writing files its own way.
func sftpClient(t *testing.T, srv *sftptest.Server) *sftp.Client {
	t.Helper()
	conn, err := ssh.Dial("tcp", srv.Addr, &ssh.ClientConfig{
		User:            srv.User,
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(srv.ClientKey.Signer)},
		HostKeyCallback: ssh.FixedHostKey(srv.HostKey.Public),
		Timeout:         5 * time.Second,
	})
	if err != nil {
		t.Fatalf("partner connecting: %v", err)
	}
	c, err := sftp.NewClient(conn)
	if err != nil {
		conn.Close()
		t.Fatalf("partner starting sftp: %v", err)
	}
	t.Cleanup(func() {
		c.Close()
		conn.Close()
	})
	return c
}

// taps are called as bytes of a transfer go through a tapFolder, so a
// test can cut or stall the connection at a known point of a real
// download or upload. A tap is the test's trigger, not a stand-in: the
// transfer and its failure are the SFTP folder's own.
type taps struct {
	mu sync.Mutex
	// read is told the bytes read so far from a file Open returned;
	// write the bytes of a Write's content handed to the folder so far.
	read, write func(name string, done int64)
}

func (t *taps) set(read, write func(name string, done int64)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.read, t.write = read, write
}

func (t *taps) get() (read, write func(string, int64)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.read, t.write
}

// tapFolder is a real folder whose Open and Write report progress to taps.
type tapFolder struct {
	transport.Folder
	taps *taps
}

func (f *tapFolder) Open(ctx context.Context, name string) (io.ReadCloser, error) {
	r, err := f.Folder.Open(ctx, name)
	if err != nil {
		return nil, err
	}
	read, _ := f.taps.get()
	return struct {
		io.Reader
		io.Closer
	}{&tapReader{r: r, name: name, tap: read}, r}, nil
}

func (f *tapFolder) Write(ctx context.Context, name string, r io.Reader, perm uint32) error {
	_, write := f.taps.get()
	return f.Folder.Write(ctx, name, &tapReader{r: r, name: name, tap: write}, perm)
}

type tapReader struct {
	r    io.Reader
	name string
	done int64
	tap  func(string, int64)
}

func (t *tapReader) Read(b []byte) (int, error) {
	n, err := t.r.Read(b)
	t.done += int64(n)
	if n > 0 && t.tap != nil {
		t.tap(t.name, t.done)
	}
	return n, err
}
