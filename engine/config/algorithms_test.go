package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSSHAlgorithms(t *testing.T) {
	keys, _ := filepath.Abs("testdata/keys")
	const text = `
partners:
  - id: acme
    name: ACME
    inbound:
      sftp: {address: "old.example:22", user: u, private_key_file: %s/acme_ed25519, known_hosts_file: %s/known_hosts, dir: /out,
             algorithms: %s}
    outbound: {dir: out}
    carrier: bluecross
carriers:
  - id: bluecross
    name: Blue Cross
    inbox: {dir: inbox}
    acks: {dir: acks}
    x12: {sender_id: ONBOARD, receiver_id: BLUECROSS}
`
	for _, tc := range []struct{ algos, errContains string }{
		{"{kex: [diffie-hellman-group-exchange-sha1], ciphers: [aes128-cbc], macs: [hmac-sha1-96], host_keys: [ssh-rsa]}", ""},
		{"{kex: [diffie-hellman-group1-sha1, curve448]}", `7:61: partners[0].inbound.sftp.algorithms.kex[1]: "curve448" is not an SSH algorithm onboard implements; kex may name: mlkem768x25519-sha256`},
		{"{ciphers: [blowfish-cbc]}", `"blowfish-cbc" is not an SSH algorithm onboard implements; ciphers may name:`},
		{"{}", "algorithms names none"},
	} {
		t.Run(tc.algos, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "onboard.yaml")
			os.WriteFile(path, []byte(fmt.Sprintf(text, keys, keys, tc.algos)), 0o600)
			cfg, err := load(path, envOf(nil))
			if tc.errContains == "" {
				if err != nil {
					t.Fatal(err)
				}
				if a := cfg.Partners[0].Inbound.SFTP.Algorithms; len(a.KEX) != 1 || a.HostKeys[0] != "ssh-rsa" {
					t.Fatalf("algorithms: %+v", a)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.errContains) {
				t.Fatalf("err = %v, want %q", err, tc.errContains)
			}
		})
	}
}
