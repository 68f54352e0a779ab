package config

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"
)

// SSHAlgorithms widens the SSH algorithms onboard offers one SFTP endpoint
// (an old server that offers only older ones), naming each: nothing is
// enabled for any other endpoint, and nothing unnamed.
type SSHAlgorithms struct {
	KEX      []string `yaml:"kex"`
	Ciphers  []string `yaml:"ciphers"`
	MACs     []string `yaml:"macs"`
	HostKeys []string `yaml:"host_keys"`
}

// algorithms checks that every named algorithm is one x/crypto/ssh
// implements, secure or not.
func (c *checker) algorithms(path string, a *SSHAlgorithms) {
	if a == nil {
		return
	}
	secure, insecure := ssh.SupportedAlgorithms(), ssh.InsecureAlgorithms()
	for _, kind := range []struct {
		key        string
		names      []string
		known, old []string
	}{
		{"kex", a.KEX, secure.KeyExchanges, insecure.KeyExchanges},
		{"ciphers", a.Ciphers, secure.Ciphers, insecure.Ciphers},
		{"macs", a.MACs, secure.MACs, insecure.MACs},
		{"host_keys", a.HostKeys, secure.HostKeys, insecure.HostKeys},
	} {
		all := slices.Concat(kind.known, kind.old)
		for i, name := range kind.names {
			if !slices.Contains(all, name) {
				c.problemAt(fmt.Sprintf("%s.%s[%d]", path, kind.key, i), "%q is not an SSH algorithm onboard implements; %s may name: %s",
					name, kind.key, strings.Join(all, ", "))
			}
		}
	}
	if len(a.KEX)+len(a.Ciphers)+len(a.MACs)+len(a.HostKeys) == 0 {
		c.problemAt(path, "algorithms names none: list the kex, ciphers, macs or host_keys the old server needs, or remove algorithms")
	}
}
