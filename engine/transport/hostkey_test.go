package transport

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/transport/sftptest"
)

func TestHostKeyRefused(t *testing.T) {
	srv := sftptest.StartServer(t, t.TempDir())
	other := sftptest.NewKey(t, "")
	writeFile(t, srv.Root, "secret.csv", []byte("must not leave the server"))
	knownHosts := func(line string) string {
		p := filepath.Join(t.TempDir(), "known_hosts")
		if err := os.WriteFile(p, []byte(line+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name     string
		edit     func(cfg *config.SFTP, proxyAddr string)
		mismatch bool
	}{
		{"pinned key differs", func(cfg *config.SFTP, _ string) {
			cfg.KnownHostsFile, cfg.HostKey = "", other.AuthorizedLine()
		}, true},
		{"host unknown to known_hosts", func(cfg *config.SFTP, _ string) {
			cfg.KnownHostsFile = knownHosts(knownhosts.Line([]string{"elsewhere.example:22"}, srv.HostKey.Public))
		}, false},
		{"known_hosts has another key", func(cfg *config.SFTP, addr string) {
			cfg.KnownHostsFile = knownHosts(knownhosts.Line([]string{addr}, other.Public))
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := sftptest.NewProxy(t, srv.Addr)
			cfg := srv.Config()
			cfg.Address = p.Addr()
			tt.edit(&cfg, p.Addr())
			f, err := newSFTP(t.Context(), cfg, testTuning())
			if err == nil {
				f.Close()
				t.Fatal("NewSFTP accepted an untrusted host key")
			}
			var hk *HostKeyError
			if !errors.As(err, &hk) {
				t.Fatalf("error = %v, want a *HostKeyError", err)
			}
			if hk.Host != p.Addr() || hk.Fingerprint != srv.HostKey.Fingerprint() || hk.KeyType != "ssh-ed25519" || hk.Mismatch != tt.mismatch {
				t.Errorf("HostKeyError = %+v, want host %s, fingerprint %s, mismatch %v", hk, p.Addr(), srv.HostKey.Fingerprint(), tt.mismatch)
			}
			msg := err.Error()
			if !strings.Contains(msg, p.Addr()) || !strings.Contains(msg, srv.HostKey.Fingerprint()) {
				t.Errorf("message %q does not name the host and the fingerprint", msg)
			}
			if p.Accepted() != 1 {
				t.Errorf("%d connections, want 1: a refused host key must not be retried", p.Accepted())
			}
			if n := srv.Sessions(); n != 0 {
				t.Errorf("server started %d SFTP sessions, want none", n)
			}
		})
	}
}

func TestHostKeyRequired(t *testing.T) {
	srv := sftptest.StartServer(t, t.TempDir())
	cfg := srv.Config()
	cfg.KnownHostsFile = ""
	_, err := NewSFTP(t.Context(), cfg)
	if !errors.Is(err, errNoHostKey) {
		t.Fatalf("error = %v, want errNoHostKey", err)
	}
	cfg.HostKey = "ssh-ed25519 not-base64"
	if _, err := NewSFTP(t.Context(), cfg); err == nil || !strings.Contains(err.Error(), "host_key") {
		t.Errorf("bad host_key error = %v, want one naming host_key", err)
	}
}

func TestHostKeyRotation(t *testing.T) {
	srv := sftptest.StartServer(t, t.TempDir())
	old := sftptest.NewKey(t, "").AuthorizedLine()
	cur := srv.HostKey.AuthorizedLine()
	tests := []struct {
		name    string
		hostKey string
		keys    []string
	}{
		{"new key listed second", "", []string{old, cur}},
		{"new key listed first", "", []string{cur, old}},
		{"host_key and host_keys together", old, []string{cur}},
		{"known_hosts style line", "", []string{knownhosts.Line([]string{srv.Addr}, srv.HostKey.Public)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := srv.Config()
			cfg.KnownHostsFile, cfg.HostKey, cfg.HostKeys = "", tt.hostKey, tt.keys
			f := newTestSFTP(t, cfg, testTuning())
			if _, err := f.List(t.Context(), ""); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestKnownHostsFile(t *testing.T) {
	srv := sftptest.StartServer(t, t.TempDir())
	writeFile(t, srv.Root, "x.csv", []byte("x"))
	f := newTestSFTP(t, srv.Config(), testTuning())
	if got := readAll(t, f, "x.csv"); string(got) != "x" {
		t.Errorf("content = %q", got)
	}
	if !strings.HasPrefix(f.String(), "sftp://onboard@"+srv.Addr+"/") {
		t.Errorf("String = %q", f.String())
	}
}

func TestServerGoneAtStart(t *testing.T) {
	srv := sftptest.StartServer(t, t.TempDir())
	srv.Close()
	start := time.Now()
	_, err := newSFTP(t.Context(), srv.Config(), testTuning())
	if !errors.Is(err, syscall.ECONNREFUSED) || !strings.Contains(err.Error(), srv.Addr) {
		t.Fatalf("error = %v, want connection refused naming %s", err, srv.Addr)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %s to give up", d)
	}
}

func TestAuthentication(t *testing.T) {
	srv := sftptest.StartServer(t, t.TempDir())
	srv.SetPassword("s3cret")
	encrypted := sftptest.NewKey(t, "pass phrase")
	srv.Authorize(encrypted.Public)
	secretFile := func(s string) string {
		p := filepath.Join(t.TempDir(), "secret")
		if err := os.WriteFile(p, []byte(s+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name        string
		edit        func(cfg *config.SFTP)
		errContains string
	}{
		{"key", func(cfg *config.SFTP) {}, ""},
		{"encrypted key, passphrase from env", func(cfg *config.SFTP) {
			cfg.PrivateKeyFile, cfg.Passphrase = encrypted.Path, "pass phrase"
		}, ""},
		{"encrypted key, passphrase file", func(cfg *config.SFTP) {
			cfg.PrivateKeyFile, cfg.PassphraseFile = encrypted.Path, secretFile("pass phrase")
		}, ""},
		{"encrypted key, no passphrase", func(cfg *config.SFTP) {
			cfg.PrivateKeyFile = encrypted.Path
		}, "encrypted"},
		{"password file", func(cfg *config.SFTP) {
			cfg.PrivateKeyFile, cfg.PasswordFile = "", secretFile("s3cret")
		}, ""},
		{"password from env", func(cfg *config.SFTP) {
			cfg.PrivateKeyFile, cfg.Password = "", "s3cret"
		}, ""},
		{"wrong password", func(cfg *config.SFTP) {
			cfg.PrivateKeyFile, cfg.Password = "", "wrong"
		}, "unable to authenticate"},
		{"no credentials", func(cfg *config.SFTP) {
			cfg.PrivateKeyFile = ""
		}, "no authentication"},
		{"missing key file", func(cfg *config.SFTP) {
			cfg.PrivateKeyFile = filepath.Join(t.TempDir(), "none")
		}, "reading private_key_file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := sftptest.NewProxy(t, srv.Addr)
			cfg := proxied(srv, p, 5*time.Second)
			tt.edit(&cfg)
			f, err := newSFTP(t.Context(), cfg, testTuning())
			if tt.errContains == "" {
				if err != nil {
					t.Fatalf("NewSFTP: %v", err)
				}
				defer f.Close()
				if _, err := f.List(t.Context(), ""); err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				f.Close()
				t.Fatalf("NewSFTP succeeded, want an error containing %q", tt.errContains)
			}
			if !strings.Contains(err.Error(), tt.errContains) {
				t.Errorf("error = %v, want it to contain %q", err, tt.errContains)
			}
			if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "pass phrase") {
				t.Errorf("error %q reveals a secret", err)
			}
			if p.Accepted() > 1 {
				t.Errorf("%d connections: an authentication failure must not be retried", p.Accepted())
			}
		})
	}
}
