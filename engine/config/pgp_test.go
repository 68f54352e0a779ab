package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/pgp/pgptest"
)

const pgpConfig = `
partners:
  - id: acme
    name: ACME
    inbound: {dir: in}
    outbound: {dir: out}
    carrier: bluecross
    pgp: %s
carriers:
  - id: bluecross
    name: Blue Cross
    inbox: {dir: inbox}
    acks: {dir: acks}
    x12: {sender_id: ONBOARD, receiver_id: BLUECROSS}
    pgp: %s
`

func TestPGPConfig(t *testing.T) {
	dir := t.TempDir()
	pgptest.NewKey(t, dir, "onboard", "pw")
	pgptest.NewKey(t, dir, "partner", "")
	pgptest.NewKey(t, dir, "carrier", "")
	os.WriteFile(filepath.Join(dir, "wrong.pass"), []byte("nope\n"), 0o600)
	good := "{private_key_file: onboard.key.asc, passphrase_file: onboard.pass, verify_key_file: partner.pub.asc, require: true, public_key_file: partner.pub.asc}"
	goodCarrier := "{public_key_file: carrier.pub.asc, sign_key_file: onboard.key.asc, passphrase_file: onboard.pass, private_key_file: onboard.key.asc}"
	for _, tc := range []struct {
		name, partner, carrier, errContains string
	}{
		{"valid", good, goodCarrier, ""},
		{"wrong passphrase", "{private_key_file: onboard.key.asc, passphrase_file: wrong.pass}", goodCarrier, "8:29: partners[0].pgp.private_key_file: unlocking the private key"},
		{"no passphrase", "{private_key_file: onboard.key.asc}", goodCarrier, "protected by a passphrase"},
		{"public key to decrypt", "{private_key_file: partner.pub.asc}", goodCarrier, "holds no private key"},
		{"missing file", "{private_key_file: absent.asc}", goodCarrier, `cannot read "absent.asc"`},
		{"nothing", "{require: true}", goodCarrier, "private_key_file is required to decrypt files"},
		{"signing without a recipient", good, "{sign_key_file: onboard.key.asc, passphrase_file: onboard.pass}", "public_key_file is required to encrypt"},
		{"unknown key", "{private_key: x}", goodCarrier, "private_key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "onboard.yaml")
			os.WriteFile(path, []byte(fmt.Sprintf(pgpConfig, tc.partner, tc.carrier)), 0o600)
			cfg, err := load(path, envOf(nil))
			if tc.errContains == "" {
				if err != nil {
					t.Fatal(err)
				}
				p, c := cfg.Partner("acme").PGP, cfg.Carrier("bluecross").PGP
				if p.Decryptor == nil || !p.Decryptor.Verifies() || p.Encryptor == nil || c.Encryptor == nil || !c.Encryptor.Signs() || c.Decryptor == nil {
					t.Fatalf("keys not loaded: %+v %+v", p, c)
				}
				if strings.Contains(cfg.String(), "pw") {
					t.Errorf("the config's rendering shows a passphrase")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.errContains) {
				t.Fatalf("err = %v, want %q", err, tc.errContains)
			}
		})
	}
}
