package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/onboard/onboard/engine/crash"
	"github.com/onboard/onboard/engine/store"
)

// maxIdempotencyKey is the longest Idempotency-Key accepted.
const maxIdempotencyKey = 255

// keyLocks serialises requests that carry the same caller and
// Idempotency-Key, so a retry sent while the first is still deciding
// waits for its answer instead of deciding again.
type keyLocks struct {
	mu    sync.Mutex
	locks map[string]*keyLock
}

type keyLock struct {
	sync.Mutex
	users int
}

func (k *keyLocks) lock(id string) func() {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]*keyLock{}
	}
	l := k.locks[id]
	if l == nil {
		l = &keyLock{}
		k.locks[id] = l
	}
	l.users++
	k.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		k.mu.Lock()
		if l.users--; l.users == 0 {
			delete(k.locks, id)
		}
		k.mu.Unlock()
	}
}

// idempotent runs a write under its Idempotency-Key (DESIGN.md §13): the
// same key and request within store.IdempotencyWindow get the first
// answer again; the same key with another request is 409. The answer is
// stored in the transaction that commits the write (or, for a write that
// commits nothing, in one of its own), so it survives a crash.
func (s *Server) idempotent(ctx context.Context, c *Caller, r *http.Request, body []byte, h writeFunc) (answer, error) {
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		a, err := h(ctx, c, r, body, func(context.Context, store.Tx, answer) error { return nil })
		if err == nil {
			crash.Point(CrashCommitted)
		}
		return a, err
	}
	if len(key) > maxIdempotencyKey {
		return errorAnswer(http.StatusUnprocessableEntity, apiErr{ErrorType: "invalid_request.parameter_invalid", Parameter: "Idempotency-Key",
			Message: fmt.Sprintf("The Idempotency-Key is longer than %d characters.", maxIdempotencyKey)}), nil
	}
	sum := sha256.New()
	fmt.Fprintf(sum, "%s %s\n", r.Method, r.URL.Path)
	sum.Write(body)
	hash := hex.EncodeToString(sum.Sum(nil))
	defer s.idem.lock(c.ID + "\x00" + key)()

	prev, err := s.store.IdempotentAnswer(ctx, c.ID, key)
	switch {
	case err == nil && s.now().Sub(prev.CreatedAt) < store.IdempotencyWindow:
		if prev.RequestHash != hash {
			return errorAnswer(http.StatusConflict, apiErr{ErrorType: "idempotency_conflict", Parameter: "Idempotency-Key",
				Message: "This Idempotency-Key was used with another request in the last 24 hours; use a new key for a new request."}), nil
		}
		s.log.Info("api request answered again from its Idempotency-Key", "caller", c.ID, "request_id", requestID(ctx))
		return answer{status: prev.Status, body: prev.Body}, nil
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return answer{}, fmt.Errorf("looking up an Idempotency-Key: %w", err)
	}
	saved := false
	save := func(ctx context.Context, tx store.Tx, a answer) error {
		saved = false // a transaction tried again saves again
		if err := tx.SaveIdempotentAnswer(ctx, store.IdempotentAnswer{Caller: c.ID, Key: key, RequestHash: hash,
			Status: a.status, Body: a.body, CreatedAt: s.now().UTC()}); err != nil {
			return err
		}
		saved = true
		return nil
	}
	a, err := h(ctx, c, r, body, save)
	if err != nil {
		return a, err
	}
	if !saved {
		if err := s.store.Update(ctx, func(tx store.Tx) error { return save(ctx, tx, a) }); err != nil {
			return answer{}, err
		}
	}
	crash.Point(CrashCommitted)
	return a, nil
}
