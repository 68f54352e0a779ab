package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestPushConfig(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "secret"), []byte("s3cret\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "empty"), nil, 0o600)
	os.WriteFile(filepath.Join(dir, "notca.pem"), []byte("hello"), 0o600)
	const text = `
partners:
  - id: acme
    name: ACME
    inbound: {dir: in}
    outbound: {dir: out}
    carrier: bluecross
    push: %s
carriers:
  - id: bluecross
    name: Blue Cross
    inbox: {dir: inbox}
    acks: {dir: acks}
    x12: {sender_id: ONBOARD, receiver_id: BLUECROSS}
`
	for _, tc := range []struct{ push, errContains string }{
		{"{url: 'https://ldex.acme.example/bundles', secret_file: secret}", ""},
		{"{url: 'http://ldex.acme.example/bundles', secret_file: secret}", "must be https"},
		{"{url: 'https://u:p@ldex.acme.example/', secret_file: secret}", "must not carry a user or password"},
		{"{url: 'https://ldex.acme.example/', secret_file: empty}", "the secret file is empty"},
		{"{url: 'https://ldex.acme.example/'}", "secret_file is required"},
		{"{url: 'https://ldex.acme.example/', secret_file: secret, ca_file: notca.pem}", "holds no PEM certificate"},
	} {
		t.Run(tc.push, func(t *testing.T) {
			path := filepath.Join(dir, "onboard.yaml")
			os.WriteFile(path, []byte(fmt.Sprintf(text, tc.push)), 0o600)
			cfg, err := load(path, envOf(nil))
			if tc.errContains == "" {
				if err != nil {
					t.Fatal(err)
				}
				if p := cfg.Partners[0].Push; p.Timeout.D() != DefaultPushTimeout || !filepath.IsAbs(p.SecretFile) {
					t.Fatalf("push: %+v", p)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.errContains) {
				t.Fatalf("err = %v, want %q", err, tc.errContains)
			}
		})
	}
}

func TestRetentionAndExpectConfig(t *testing.T) {
	dir := t.TempDir()
	const text = `
retention: {archive: %s}
partners:
  - id: acme
    name: ACME
    inbound: {dir: in}
    outbound: {dir: out}
    carrier: bluecross
    expect: {every: %s}
carriers:
  - id: bluecross
    name: Blue Cross
    inbox: {dir: inbox}
    acks: {dir: acks}
    x12: {sender_id: ONBOARD, receiver_id: BLUECROSS}
`
	path := filepath.Join(dir, "onboard.yaml")
	os.WriteFile(path, []byte(fmt.Sprintf(text, "90d", "8d")), 0o600)
	cfg, err := load(path, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Retention.Archive.D() != 90*24*time.Hour || cfg.Partners[0].Expect.Every.D() != 8*24*time.Hour {
		t.Fatalf("retention %s, expect %s", cfg.Retention.Archive, cfg.Partners[0].Expect.Every)
	}
	for _, tc := range []struct{ archive, every, errContains string }{
		{"1h", "8d", "less than a day"},
		{"90d", "0s", "partners[0].expect.every: must be a positive duration"},
		{"ninety", "8d", `"ninety" must be a duration`},
	} {
		os.WriteFile(path, []byte(fmt.Sprintf(text, tc.archive, tc.every)), 0o600)
		if _, err := load(path, envOf(nil)); err == nil || !strings.Contains(err.Error(), tc.errContains) {
			t.Errorf("retention %s, expect %s: %v, want %q", tc.archive, tc.every, err, tc.errContains)
		}
	}
}
