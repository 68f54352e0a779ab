package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
)

// errDuration is the predicate of a bad duration.
var errDuration = errors.New(`must be a duration such as "30s", "5m", "48h" or "90d"`)

// UnmarshalText parses a duration written as Go does: "30s", "5m", "48h",
// "1h30m", or a whole number of days: "90d".
func (d *Duration) UnmarshalText(b []byte) error {
	if n, ok := strings.CutSuffix(string(b), "d"); ok {
		if days, err := strconv.Atoi(n); err == nil && days >= 0 && days < 1<<20 {
			*d = Duration(time.Duration(days) * 24 * time.Hour)
			return nil
		}
	}
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("parsing duration %q: %w", b, errDuration)
	}
	*d = Duration(v)
	return nil
}

// UnmarshalYAML decodes a YAML scalar holding a duration, for callers that
// decode config fragments with github.com/goccy/go-yaml directly.
func (d *Duration) UnmarshalYAML(b []byte) error {
	var s string
	if err := yaml.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("decoding duration: %w", err)
	}
	return d.UnmarshalText([]byte(s))
}

// MarshalText writes the duration as "30s", "48h0m0s".
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// String formats the duration as time.Duration does.
func (d Duration) String() string { return time.Duration(d).String() }
