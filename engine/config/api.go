package config

import (
	"fmt"
	"os"
	"strings"
)

// APIKeys names the files holding one caller's API keys: KeyFile, or
// KeyFiles while a key is rotated (every listed key is accepted).
type APIKeys struct {
	KeyFile  string   `yaml:"key_file"`
	KeyFiles []string `yaml:"key_files"`
}

// Files lists every key file, KeyFile first.
func (k *APIKeys) Files() []string {
	if k == nil {
		return nil
	}
	var out []string
	if k.KeyFile != "" {
		out = append(out, k.KeyFile)
	}
	return append(out, k.KeyFiles...)
}

// Analyst is a read-only API caller that sees every partner's groups.
type Analyst struct {
	ID      string `yaml:"id"`
	APIKeys `yaml:",inline"`
}

// DefaultRateLimit is the API requests per second a key may make.
const DefaultRateLimit = 50

// minKeyLen is the shortest API key accepted: a guessable key is no key.
const minKeyLen = 16

// ReadKey reads an API key file: its content without surrounding space.
func ReadKey(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("reading API key file: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// api checks the HTTP API's settings: TLS files, analysts and partner keys.
func (c *checker) api() {
	h := &c.cfg.HTTP
	if (h.TLSCertFile == "") != (h.TLSKeyFile == "") {
		c.problemAt("http.tls_cert_file", "tls_cert_file and tls_key_file go together: set both to serve TLS, or neither")
	}
	c.readable("http.tls_cert_file", &h.TLSCertFile)
	c.readable("http.tls_key_file", &h.TLSKeyFile)
	if h.RateLimit < 0 {
		c.problemAt("http.rate_limit", "must be a positive number of requests per second (default %d)", DefaultRateLimit)
	}
	if h.RateLimit == 0 {
		h.RateLimit = DefaultRateLimit
	}
	seen := map[string]string{}
	for i := range c.cfg.Analysts {
		a := &c.cfg.Analysts[i]
		path := fmt.Sprintf("analysts[%d]", i)
		c.id(path, a.ID, "analyst", seen)
		if len(a.Files()) == 0 {
			c.problemAt(path+".key_file", "key_file is required: a file holding the analyst's API key")
		}
		c.keyFiles(path, &a.APIKeys)
	}
	for i := range c.cfg.Partners {
		if k := c.cfg.Partners[i].API; k != nil {
			path := fmt.Sprintf("partners[%d].api", i)
			if len(k.Files()) == 0 {
				c.problemAt(path+".key_file", "key_file is required: a file holding the partner's API key (or key_files during a rotation); remove api: for no API access")
			}
			c.keyFiles(path, k)
		}
	}
}

// keyFiles resolves and checks each key file: readable and holding a key
// long enough not to be guessed. The key itself is never shown.
func (c *checker) keyFiles(path string, k *APIKeys) {
	check := func(p string, file *string) {
		if *file == "" {
			return
		}
		before := len(c.probs)
		c.readable(p, file)
		if len(c.probs) > before {
			return
		}
		if key, err := ReadKey(*file); err == nil && len(key) < minKeyLen {
			c.problemAt(p, "the key in this file is shorter than %d characters; generate one with: head -c 32 /dev/urandom | base64", minKeyLen)
		}
	}
	check(path+".key_file", &k.KeyFile)
	for i := range k.KeyFiles {
		check(fmt.Sprintf("%s.key_files[%d]", path, i), &k.KeyFiles[i])
	}
}
