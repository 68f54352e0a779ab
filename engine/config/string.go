package config

import (
	"fmt"

	"github.com/goccy/go-yaml"
)

// String renders the effective configuration (defaults applied, paths
// resolved) as YAML, with every password and passphrase masked.
func (c *Config) String() string {
	b, err := yaml.Marshal(c)
	if err != nil {
		return fmt.Sprintf("config %s (cannot render: %v)", c.Path, err)
	}
	return string(b)
}
