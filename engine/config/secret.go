package config

// GoString masks the secret under %#v too.
func (s Secret) GoString() string { return s.String() }

// MarshalText masks the secret when the configuration is encoded (JSON,
// YAML), so a dump of the configuration never holds it.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Reveal returns the secret itself, for the code that authenticates.
func (s Secret) Reveal() string { return string(s) }
