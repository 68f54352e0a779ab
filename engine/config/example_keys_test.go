package config

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// exampleKeys makes the API key files config.example.yaml names, under
// the repository's var/keys, as `make keys` does on the first `make run`
// (they are never committed); existing keys are kept.
func exampleKeys(t testing.TB, root string) {
	t.Helper()
	dir := filepath.Join(root, "var", "keys")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"acme.api-key", "portfolio.api-key"} {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			continue
		}
		key := make([]byte, 32)
		rand.Read(key)
		if err := os.WriteFile(p, []byte(base64.RawURLEncoding.EncodeToString(key)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}
