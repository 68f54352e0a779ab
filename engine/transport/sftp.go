package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"path"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"

	"github.com/onboard/onboard/engine/config"
)

// SFTP is a Folder in a directory on an SFTP server. It keeps one
// connection, shared by concurrent operations, and replaces it when it is
// lost. See the package documentation for its deadlines, keepalives and
// reconnection.
type SFTP struct {
	user    string
	addr    string // host:port
	root    string // absolute remote directory, no trailing slash
	timeout time.Duration
	tune    tuning
	ssh     *ssh.ClientConfig
	// deadline is the cause of an operation's deadline expiring.
	deadline error

	// sem (capacity 1) guards cur and dialing; a channel so that waiting
	// for it honours the caller's context.
	sem chan struct{}
	cur *conn

	omu     sync.Mutex
	orphans []string // temporary files a lost connection left behind

	life  context.Context // cancelled by Close
	close context.CancelFunc
	once  sync.Once
	wg    sync.WaitGroup // per-connection goroutines
}

var _ Folder = (*SFTP)(nil)

// tuning holds the robustness settings; tests shorten them.
type tuning struct {
	keepalive   time.Duration // keepalive@openssh.com interval
	idle        time.Duration // a connection idle longer is checked before reuse
	liveness    time.Duration // deadline of that check
	cleanup     time.Duration // deadline of removing a temporary file after a failure
	attempts    int           // connection attempts per operation
	backoff     time.Duration // first wait between attempts, doubled each time
	maxBackoff  time.Duration
	concurrency int // concurrent write requests per upload
	// noPosixRename ignores the server's posix-rename@openssh.com, to
	// exercise the fallback.
	noPosixRename bool
}

func defaultTuning() tuning {
	return tuning{
		keepalive:   15 * time.Second,
		idle:        30 * time.Second,
		liveness:    5 * time.Second,
		cleanup:     5 * time.Second,
		attempts:    3,
		backoff:     250 * time.Millisecond,
		maxBackoff:  5 * time.Second,
		concurrency: 16,
	}
}

// defaultTimeout bounds an SFTP operation when the config sets none.
const defaultTimeout = 30 * time.Second

// errClosed is returned by operations on a closed folder.
var errClosed = errors.New("folder is closed")

// NewSFTP connects to the SFTP endpoint cfg describes and checks that its
// directory exists, so a wrong address, an untrusted host key (a
// *HostKeyError), failed authentication or a missing directory are
// reported now. The host key must be verifiable: cfg names a
// known_hosts_file, host_key or host_keys.
func NewSFTP(ctx context.Context, cfg config.SFTP) (*SFTP, error) {
	return newSFTP(ctx, cfg, defaultTuning())
}

func newSFTP(ctx context.Context, cfg config.SFTP, tune tuning) (*SFTP, error) {
	s, err := prepareSFTP(cfg, tune)
	if err != nil {
		return nil, fmt.Errorf("configuring sftp folder %s: %w", endpoint(cfg.User, cfg.Address)+path.Join("/", cfg.Dir), err)
	}
	err = s.do(ctx, true, func(c *conn, _ int) error {
		if s.root == "" {
			// A relative dir is relative to the login directory.
			abs, err := c.sc.RealPath(cmpOr(cfg.Dir, "."))
			if err != nil {
				return fmt.Errorf("resolving dir %q: %w", cfg.Dir, err)
			}
			s.root = strings.TrimSuffix(abs, "/")
		}
		info, err := c.sc.Stat(cmpOr(s.root, "/"))
		if err != nil {
			return err
		}
		if !info.IsDir() {
			return errors.New("not a directory")
		}
		return nil
	})
	if err != nil {
		s.Close()
		return nil, s.fail("opening", "", err)
	}
	return s, nil
}

func prepareSFTP(cfg config.SFTP, tune tuning) (*SFTP, error) {
	if cfg.Address == "" {
		return nil, errors.New("address is required")
	}
	if cfg.User == "" {
		return nil, errors.New("user is required")
	}
	addr := cfg.Address
	if _, _, err := net.SplitHostPort(addr); err != nil {
		addr = net.JoinHostPort(strings.Trim(addr, "[]"), "22")
	}
	verify, algos, err := hostKeyVerifier(cfg, addr)
	if err != nil {
		return nil, err
	}
	auth, err := authMethods(cfg)
	if err != nil {
		return nil, err
	}
	timeout := cfg.Timeout.D()
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	s := &SFTP{
		user:    cfg.User,
		addr:    addr,
		timeout: timeout,
		tune:    tune,
		ssh: &ssh.ClientConfig{
			User:              cfg.User,
			Auth:              auth,
			HostKeyCallback:   verify,
			HostKeyAlgorithms: algos,
		},
		deadline: fmt.Errorf("no answer from the server within %s: %w", timeout, context.DeadlineExceeded),
		sem:      make(chan struct{}, 1),
	}
	widen(s.ssh, cfg.Algorithms)
	if path.IsAbs(cfg.Dir) {
		s.root = strings.TrimSuffix(path.Clean(cfg.Dir), "/")
	}
	s.life, s.close = context.WithCancel(context.Background())
	return s, nil
}

// authMethods returns public-key authentication when a private key is
// configured and password authentication when a password is, in that
// order. Secrets come from the config (already ${ENV}-expanded) or files.
func authMethods(cfg config.SFTP) ([]ssh.AuthMethod, error) {
	var methods []ssh.AuthMethod
	if cfg.PrivateKeyFile != "" {
		pem, err := os.ReadFile(cfg.PrivateKeyFile)
		if err != nil {
			return nil, fmt.Errorf("reading private_key_file: %w", err)
		}
		pass, err := secret(string(cfg.Passphrase), cfg.PassphraseFile, "passphrase_file")
		if err != nil {
			return nil, err
		}
		var signer ssh.Signer
		if pass != "" {
			signer, err = ssh.ParsePrivateKeyWithPassphrase(pem, []byte(pass))
		} else {
			signer, err = ssh.ParsePrivateKey(pem)
			var missing *ssh.PassphraseMissingError
			if errors.As(err, &missing) {
				err = errors.New("the key is encrypted: set passphrase or passphrase_file")
			}
		}
		if err != nil {
			return nil, fmt.Errorf("parsing private_key_file %s: %w", cfg.PrivateKeyFile, err)
		}
		methods = append(methods, ssh.PublicKeys(signer))
	}
	password, err := secret(string(cfg.Password), cfg.PasswordFile, "password_file")
	if err != nil {
		return nil, err
	}
	if password != "" {
		answer := func(_, _ string, questions []string, echos []bool) ([]string, error) {
			answers := make([]string, len(questions))
			for i := range questions {
				if !echos[i] {
					answers[i] = password
				}
			}
			return answers, nil
		}
		methods = append(methods, ssh.Password(password), ssh.KeyboardInteractive(answer))
	}
	if len(methods) == 0 {
		return nil, errors.New("no authentication configured: set private_key_file or password")
	}
	return methods, nil
}

// secret returns value, or the content of file without its final line
// break.
func secret(value, file, field string) (string, error) {
	if file == "" {
		return value, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", field, err)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

func endpoint(user, addr string) string { return "sftp://" + user + "@" + addr }

// String names the folder for logs: "sftp://user@host:22/dir".
func (s *SFTP) String() string { return endpoint(s.user, s.addr) + s.root }

func (s *SFTP) abs(rel string) string { return path.Join(cmpOr(s.root, "/"), rel) }

func (s *SFTP) where(rel string) string {
	if rel == "" {
		return s.String()
	}
	return s.String() + "/" + rel
}

// fail wraps err for the operation verb on rel, turning a missing file
// into ErrNotExist.
func (s *SFTP) fail(verb, rel string, err error) error {
	return fmt.Errorf("%s %s: %w", verb, s.where(rel), notExist(err))
}

// notExist turns an error saying a file does not exist into ErrNotExist.
func notExist(err error) error {
	if errors.Is(err, os.ErrNotExist) {
		return ErrNotExist
	}
	return err
}

// Close closes the connection; operations in flight fail and later ones
// return an error.
func (s *SFTP) Close() error {
	s.once.Do(func() {
		s.close()
		// A dial in progress gives up once s.life is cancelled.
		s.sem <- struct{}{}
		if s.cur != nil {
			s.cur.kill()
			s.cur = nil
		}
		<-s.sem
		s.wg.Wait()
	})
	return nil
}

// do runs fn on a live connection under the operation deadline
// (s.timeout, within ctx). When the connection is lost and retry is set,
// it reconnects, with backoff, and runs fn again, at most
// tune.attempts times in all. fn gets the attempt number (1 first).
func (s *SFTP) do(ctx context.Context, retry bool, fn func(c *conn, attempt int) error) error {
	ctx, cancel := context.WithTimeoutCause(ctx, s.timeout, s.deadline)
	defer cancel()
	for attempt := 1; ; attempt++ {
		c, err := s.acquire(ctx)
		if err == nil {
			err = c.guard(ctx, func() error { return fn(c, attempt) })
			c.touch()
			if err == nil {
				return nil
			}
			if !isConnErr(err) && !c.broken() {
				return err // the server answered: a real error
			}
			c.kill()
			if !retry {
				return err
			}
		} else if !isConnErr(err) {
			return err
		}
		if ctx.Err() != nil || attempt >= s.tune.attempts {
			return err
		}
		t := time.NewTimer(s.backoff(attempt))
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

// backoff is the wait after the attempt-th failed attempt: doubling from
// tune.backoff, capped, with some jitter so that many folders do not
// reconnect in step.
func (s *SFTP) backoff(attempt int) time.Duration {
	d := s.tune.backoff << (attempt - 1)
	if d > s.tune.maxBackoff || d <= 0 {
		d = s.tune.maxBackoff
	}
	return d - rand.N(d/4+1)
}

// isConnErr reports whether err means the connection failed (so another
// connection may succeed), rather than the server refusing the request.
func isConnErr(err error) bool {
	var hk *HostKeyError
	if errors.As(err, &hk) {
		return false
	}
	var ne net.Error
	return errors.Is(err, sftp.ErrSSHFxConnectionLost) || errors.Is(err, sftp.ErrSSHFxNoConnection) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE) || errors.As(err, &ne)
}

// acquire returns the current connection if it is usable, checking one
// that has been idle, or dials a new one.
func (s *SFTP) acquire(ctx context.Context) (*conn, error) {
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
	defer func() { <-s.sem }()
	if s.life.Err() != nil {
		return nil, errClosed
	}
	if c := s.cur; c != nil {
		if !c.broken() && (time.Since(c.lastUsed()) < s.tune.idle || s.alive(ctx, c) == nil) {
			return c, nil
		}
		c.kill()
		s.cur = nil
	}
	dctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := context.AfterFunc(s.life, func() { cancel(errClosed) })
	defer stop()
	c, err := s.dial(dctx)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", endpoint(s.user, s.addr), err)
	}
	s.cur = c
	s.wg.Add(2)
	go s.watchConn(c)
	go s.keepalive(c)
	s.removeOrphans(ctx, c)
	return c, nil
}

// alive checks an idle connection with a cheap request and a short
// deadline.
func (s *SFTP) alive(ctx context.Context, c *conn) error {
	ctx, cancel := context.WithTimeout(ctx, s.tune.liveness)
	defer cancel()
	err := c.guard(ctx, func() error {
		_, err := c.sc.Getwd()
		return err
	})
	if err == nil {
		c.touch()
	}
	return err
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
