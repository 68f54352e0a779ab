package config

import (
	"crypto/x509"
	"net/url"
	"os"
	"strings"
	"time"
)

// DefaultPushTimeout bounds one push request when push.timeout is unset.
const DefaultPushTimeout = 30 * time.Second

// Push sends a partner's LDEx bundles by HTTPS POST (DESIGN.md §6), signed
// with the secret in SecretFile.
type Push struct {
	URL        string `yaml:"url"`
	SecretFile string `yaml:"secret_file"`
	// CAFile trusts this CA for the receiver (else the system roots).
	CAFile string `yaml:"ca_file"`
	// Timeout bounds one request, from connecting to the last byte of the
	// answer (default 30s).
	Timeout Duration `yaml:"timeout"`
}

// push checks a partner's push settings: an https URL, a readable
// non-empty secret, a CA file holding certificates.
func (c *checker) push(path string, p *Push) {
	if p == nil {
		return
	}
	if c.required(path+".url", p.URL, "the HTTPS address bundles are POSTed to") {
		u, err := url.Parse(p.URL)
		switch {
		case err != nil || u.Host == "":
			c.problemAt(path+".url", "url %q is not an absolute URL such as https://ldex.acme.example/bundles", p.URL)
		case u.Scheme != "https":
			c.problemAt(path+".url", "url %q must be https: bundles carry a group's data and are never sent in the clear", p.URL)
		case u.User != nil:
			c.problemAt(path+".url", "url must not carry a user or password; the push is authenticated by its signature (secret_file)")
		}
	}
	if c.required(path+".secret_file", p.SecretFile, "the file holding the secret bundles are signed with") {
		c.readable(path+".secret_file", &p.SecretFile)
		if b, err := os.ReadFile(p.SecretFile); err == nil && strings.TrimSpace(string(b)) == "" {
			c.problemAt(path+".secret_file", "the secret file is empty")
		}
	}
	if p.CAFile != "" {
		c.readable(path+".ca_file", &p.CAFile)
		if b, err := os.ReadFile(p.CAFile); err == nil && !x509.NewCertPool().AppendCertsFromPEM(b) {
			c.problemAt(path+".ca_file", "the CA file holds no PEM certificate")
		}
	}
	if p.Timeout == 0 {
		p.Timeout = Duration(DefaultPushTimeout)
	}
	c.positive(path+".timeout", p.Timeout)
}

// Expect says how often a partner is expected to send a file: a partner
// silent for longer than Every gets a pending action and shows in
// onboard_partner_last_file_timestamp_seconds.
type Expect struct {
	Every Duration `yaml:"every"`
}

func (c *checker) expect(path string, e *Expect) {
	if e != nil {
		c.positive(path+".every", e.Every)
	}
}
