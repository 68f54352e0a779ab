package transport

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/onboard/onboard/engine/config"
)

// HostKeyError is returned when an SFTP server presents a host key that is
// not trusted: unknown to known_hosts_file and to the pinned keys, not
// matching them, or revoked. The connection is dropped before
// authentication, so nothing is sent or received.
type HostKeyError struct {
	// Host is the address the key was presented for ("host:port").
	Host string
	// KeyType is the presented key's type ("ssh-ed25519").
	KeyType string
	// Fingerprint is the presented key's SHA-256 fingerprint ("SHA256:...").
	Fingerprint string
	// Mismatch is true when keys are known for the host but the presented
	// key is none of them (a changed key, or a man in the middle); false
	// when the host is unknown.
	Mismatch bool
	// Revoked is true when known_hosts_file marks the key @revoked.
	Revoked bool
}

// Error names the host and the key so an operator can compare it with the
// fingerprint the server's owner publishes.
func (e *HostKeyError) Error() string {
	switch {
	case e.Revoked:
		return fmt.Sprintf("refusing host %s: its host key %s %s is revoked", e.Host, e.KeyType, e.Fingerprint)
	case e.Mismatch:
		return fmt.Sprintf("refusing host %s: its host key %s %s does not match the trusted keys (a changed key or a man in the middle; confirm with the server's owner before trusting it)",
			e.Host, e.KeyType, e.Fingerprint)
	default:
		return fmt.Sprintf("refusing host %s: its host key %s %s is unknown (confirm it with the server's owner, then add it to known_hosts_file or host_keys)",
			e.Host, e.KeyType, e.Fingerprint)
	}
}

// errNoHostKey is returned when an SFTP config names no trusted host key.
var errNoHostKey = errors.New("host-key verification is required: set known_hosts_file, host_key or host_keys")

// hostKeyVerifier builds the callback that accepts the server's key only
// if it is pinned (host_key, host_keys) or listed for the host in
// known_hosts_file, and the host-key algorithms to ask the server for, so
// a server with several keys presents one we can check.
func hostKeyVerifier(cfg config.SFTP, addr string) (ssh.HostKeyCallback, []string, error) {
	var pinned []ssh.PublicKey
	for i, line := range append([]string{cfg.HostKey}, cfg.HostKeys...) {
		if strings.TrimSpace(line) == "" {
			continue
		}
		key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(line))
		if err != nil {
			field := "host_key"
			if i > 0 {
				field = fmt.Sprintf("host_keys[%d]", i-1)
			}
			return nil, nil, fmt.Errorf("parsing %s: %w", field, err)
		}
		pinned = append(pinned, key)
	}
	var known ssh.HostKeyCallback
	if cfg.KnownHostsFile != "" {
		cb, err := knownhosts.New(cfg.KnownHostsFile)
		if err != nil {
			return nil, nil, fmt.Errorf("reading known_hosts_file: %w", err)
		}
		known = cb
	}
	if known == nil && len(pinned) == 0 {
		return nil, nil, errNoHostKey
	}
	trusted := append([]ssh.PublicKey(nil), pinned...)
	if known != nil {
		trusted = append(trusted, knownKeys(known, addr)...)
	}
	verify := func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		blob := key.Marshal()
		for _, p := range pinned {
			if bytes.Equal(p.Marshal(), blob) {
				return nil
			}
		}
		herr := &HostKeyError{
			Host:        hostname,
			KeyType:     key.Type(),
			Fingerprint: ssh.FingerprintSHA256(key),
			Mismatch:    len(pinned) > 0,
		}
		if known != nil {
			err := known(hostname, remote, key)
			if err == nil {
				return nil
			}
			var keyErr *knownhosts.KeyError
			var revoked *knownhosts.RevokedError
			switch {
			case errors.As(err, &revoked):
				herr.Revoked = true
			case errors.As(err, &keyErr):
				herr.Mismatch = herr.Mismatch || len(keyErr.Want) > 0
			default:
				return fmt.Errorf("checking the host key of %s: %w", hostname, err)
			}
		}
		return herr
	}
	return verify, keyAlgorithms(trusted), nil
}

// knownKeys returns the keys known_hosts lists for addr, found by asking
// the callback about a throwaway key and reading the keys it wanted.
func knownKeys(known ssh.HostKeyCallback, addr string) []ssh.PublicKey {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil
	}
	probe, err := ssh.NewPublicKey(pub)
	if err != nil {
		return nil
	}
	var keyErr *knownhosts.KeyError
	if !errors.As(known(addr, &net.TCPAddr{IP: net.IPv4zero, Port: 22}, probe), &keyErr) {
		return nil
	}
	keys := make([]ssh.PublicKey, 0, len(keyErr.Want))
	for _, k := range keyErr.Want {
		keys = append(keys, k.Key)
	}
	return keys
}

// keyAlgorithms lists the host-key algorithms that can present the keys;
// nil (the library's default) when there are none.
func keyAlgorithms(keys []ssh.PublicKey) []string {
	var algos []string
	add := func(names ...string) {
		for _, n := range names {
			if !slices.Contains(algos, n) {
				algos = append(algos, n)
			}
		}
	}
	for _, k := range keys {
		if k.Type() == ssh.KeyAlgoRSA {
			add(ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA)
			continue
		}
		add(k.Type())
	}
	return algos
}
