package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"

	"github.com/onboard/onboard/engine/config"
)

// Caller is who a request's key belongs to.
type Caller struct {
	// ID is the partner's or the analyst's id.
	ID string
	// Partner is the partner whose key it is; nil for an analyst.
	Partner *config.Partner
	// keyHash identifies the key (rate limits are per key).
	keyHash [32]byte
}

// Analyst reports whether the caller holds an analyst key (read only,
// every partner).
func (c *Caller) Analyst() bool { return c.Partner == nil }

// sees reports whether the caller may see a partner's group.
func (c *Caller) sees(partnerID string) bool { return c.Analyst() || c.Partner.ID == partnerID }

// keyring holds the SHA-256 of every accepted key, never the keys.
type keyring struct {
	hashes  [][32]byte
	callers []Caller
}

// loadKeys reads every partner's and analyst's key files.
func loadKeys(cfg *config.Config) (*keyring, error) {
	k := &keyring{}
	add := func(c Caller, files []string) error {
		for _, f := range files {
			key, err := config.ReadKey(f)
			if err != nil {
				return fmt.Errorf("loading the API key of %s: %w", c.ID, err)
			}
			if key == "" {
				return fmt.Errorf("loading the API key of %s: %s is empty", c.ID, f)
			}
			c.keyHash = sha256.Sum256([]byte(key))
			for i, h := range k.hashes {
				if h == c.keyHash && k.callers[i].ID != c.ID {
					return fmt.Errorf("loading the API key of %s: %s holds the same key as %s's; give each caller a key of its own", c.ID, f, k.callers[i].ID)
				}
			}
			k.hashes = append(k.hashes, c.keyHash)
			k.callers = append(k.callers, c)
		}
		return nil
	}
	for i := range cfg.Partners {
		p := &cfg.Partners[i]
		if err := add(Caller{ID: p.ID, Partner: p}, p.API.Files()); err != nil {
			return nil, err
		}
	}
	for _, a := range cfg.Analysts {
		if err := add(Caller{ID: a.ID}, a.Files()); err != nil {
			return nil, err
		}
	}
	return k, nil
}

// find returns the caller whose key the request bears, or nil. The
// presented key is hashed and compared with every known hash in constant
// time, so neither a key's content nor its position shows in the timing.
func (k *keyring) find(r *http.Request) *Caller {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return nil
	}
	token = strings.TrimSpace(token)
	if token == "" {
		return nil
	}
	sum := sha256.Sum256([]byte(token))
	found := -1
	for i := range k.hashes {
		if subtle.ConstantTimeCompare(sum[:], k.hashes[i][:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return nil
	}
	c := k.callers[found]
	return &c
}
