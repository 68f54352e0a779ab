package transport

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/onboard/onboard/engine/config"
)

// An SFTP endpoint's algorithms: widen Go's defaults for an old server
// (DESIGN.md §9). Each name is one the operator wrote for that endpoint;
// an endpoint without algorithms uses x/crypto/ssh's defaults exactly,
// so no other endpoint is weakened.

// widen sets the client's key exchanges, ciphers, MACs and host-key
// algorithms: x/crypto/ssh's secure ones followed by the endpoint's named
// extras, for each kind the endpoint names (the others keep the defaults).
func widen(c *ssh.ClientConfig, a *config.SSHAlgorithms) {
	if a == nil {
		return
	}
	secure := ssh.SupportedAlgorithms()
	if len(a.KEX) > 0 {
		c.KeyExchanges = union(secure.KeyExchanges, a.KEX)
	}
	if len(a.Ciphers) > 0 {
		c.Ciphers = union(secure.Ciphers, a.Ciphers)
	}
	if len(a.MACs) > 0 {
		c.MACs = union(secure.MACs, a.MACs)
	}
	if len(a.HostKeys) > 0 {
		// The host-key algorithms already asked for are those that can
		// present the trusted keys; the named ones come after them.
		c.HostKeyAlgorithms = union(c.HostKeyAlgorithms, a.HostKeys)
	}
}

func union(base, extra []string) []string {
	out := slices.Clone(base)
	for _, x := range extra {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// negotiationError explains a handshake that found no common algorithm:
// what the server offers and how to accept it for this endpoint only.
func negotiationError(err error) error {
	var ne *ssh.AlgorithmNegotiationError
	if !errors.As(err, &ne) {
		return err
	}
	theirs, ours := named(ne.RequestedAlgorithms), named(ne.SupportedAlgorithms)
	if len(theirs) == 0 {
		return err
	}
	key := "kex, ciphers, macs or host_keys"
	switch {
	case ne.What == "key exchange":
		key = "kex"
	case ne.What == "host key":
		key = "host_keys"
	case strings.Contains(ne.What, "cipher"):
		key = "ciphers"
	case strings.Contains(ne.What, "MAC"):
		key = "macs"
	}
	return &algorithmError{err: err, msg: fmt.Sprintf("the server offers only %s for %s, none of which onboard offers by default (%s); "+
		"if the server cannot be upgraded, accept one for this endpoint alone with algorithms: {%s: [%s]}",
		strings.Join(theirs, ", "), ne.What, strings.Join(ours, ", "), key, theirs[0])}
}

// named drops the pseudo-algorithms that signal extensions in the key
// exchange list (ext-info-c, kex-strict-s-v00@openssh.com).
func named(names []string) []string {
	var out []string
	for _, n := range names {
		if !strings.HasPrefix(n, "ext-info-") && !strings.HasPrefix(n, "kex-strict-") {
			out = append(out, n)
		}
	}
	return out
}

// algorithmError is a failed negotiation explained; it unwraps to the
// library's *ssh.AlgorithmNegotiationError.
type algorithmError struct {
	err error
	msg string
}

func (e *algorithmError) Error() string { return e.msg }
func (e *algorithmError) Unwrap() error { return e.err }
