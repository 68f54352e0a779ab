package transport

import (
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/transport/sftptest"
)

// An old OpenSSH server offering only an old key exchange and a CBC
// cipher: refused by default with a message naming what it offers, and
// reached by the one endpoint that names them.
func TestOldServerAlgorithms(t *testing.T) {
	root := t.TempDir()
	srv := sftptest.StartOpenSSHWith(t, root,
		"KexAlgorithms diffie-hellman-group-exchange-sha1",
		"Ciphers aes128-cbc")

	_, err := newSFTP(t.Context(), srv.Config(), testTuning())
	if err == nil {
		t.Fatal("the default algorithms reached a server offering only diffie-hellman-group-exchange-sha1")
	}
	for _, want := range []string{"the server offers only diffie-hellman-group-exchange-sha1 for key exchange",
		"algorithms: {kex: [diffie-hellman-group-exchange-sha1]}"} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("error %q does not say %q", err, want)
		}
	}

	// Widened for the key exchange only: the cipher is refused next.
	cfg := srv.Config()
	cfg.Algorithms = &config.SSHAlgorithms{KEX: []string{"diffie-hellman-group-exchange-sha1"}}
	_, err = newSFTP(t.Context(), cfg, testTuning())
	if err == nil || !strings.Contains(err.Error(), "aes128-cbc") || !strings.Contains(err.Error(), "ciphers: [aes128-cbc]") {
		t.Fatalf("kex widened, cipher not: %v", err)
	}

	cfg.Algorithms.Ciphers = []string{"aes128-cbc"}
	f := newTestSFTP(t, cfg, testTuning())
	writeFile(t, root, "hello.csv", []byte("a,b\n"))
	if got := readAll(t, f, "hello.csv"); string(got) != "a,b\n" {
		t.Fatalf("read %q through the widened endpoint", got)
	}
}

func TestWidenKeepsDefaultsElsewhere(t *testing.T) {
	srv := sftptest.StartServer(t, t.TempDir())
	s, err := prepareSFTP(srv.Config(), testTuning())
	if err != nil {
		t.Fatal(err)
	}
	if s.ssh.KeyExchanges != nil || s.ssh.Ciphers != nil || s.ssh.MACs != nil {
		t.Fatalf("an endpoint without algorithms changed the defaults: %v %v %v", s.ssh.KeyExchanges, s.ssh.Ciphers, s.ssh.MACs)
	}
	cfg := srv.Config()
	cfg.Algorithms = &config.SSHAlgorithms{MACs: []string{"hmac-sha1-96"}}
	s, err = prepareSFTP(cfg, testTuning())
	if err != nil {
		t.Fatal(err)
	}
	if s.ssh.MACs[len(s.ssh.MACs)-1] != "hmac-sha1-96" || s.ssh.MACs[0] != "hmac-sha2-256-etm@openssh.com" || s.ssh.Ciphers != nil {
		t.Fatalf("widened MACs %v, ciphers %v", s.ssh.MACs, s.ssh.Ciphers)
	}
}
