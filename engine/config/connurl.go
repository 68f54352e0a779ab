package config

import "net/url"

// ConnURL is a database connection URL whose password never prints: a
// dump of the configuration, a log line and %v show it masked.
type ConnURL string

// String returns the URL with its password masked.
func (c ConnURL) String() string {
	if u, err := url.Parse(string(c)); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			return u.Redacted()
		}
	}
	return string(c)
}

// GoString masks the password under %#v too.
func (c ConnURL) GoString() string { return c.String() }

// MarshalText masks the password when the configuration is encoded.
func (c ConnURL) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// Reveal returns the URL itself, for the code that connects.
func (c ConnURL) Reveal() string { return string(c) }
