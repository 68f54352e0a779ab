package store

import (
	"context"
	"time"
)

// The push outbox (DESIGN.md §6): LDEx bundles waiting to be POSTed to a
// partner's push.url. A bundle is queued in the transaction that records
// it, so a bundle recorded is a bundle pushed; the pusher marks each
// attempt, and an entry is final once the receiver answered 2xx (never
// sent again) or once onboard gave up on it. A store that offers push
// implements Outbox, and its Tx implements OutboxTx.

// Push states.
const (
	PushPending   = "pending"
	PushDelivered = "delivered"
	PushAbandoned = "abandoned"
)

// PushEventSource is the source of the event FinishPush records on the
// group. Such an event changes no status; a bundle's status messages leave
// it out, or every push would change the next bundle.
const PushEventSource = "ldex push"

// PushRecord is one bundle in the outbox.
type PushRecord struct {
	// ID is the bundle id: the receiver's idempotency key.
	ID        string
	PartnerID string
	GroupID   string
	Body      []byte
	State     string
	// Attempts made so far; NextAttempt is when the next one is due.
	Attempts    int
	NextAttempt time.Time
	// LastError says why the last attempt failed ("" for none yet).
	LastError string
	CreatedAt time.Time
	// DoneAt is when the entry became delivered or abandoned.
	DoneAt time.Time
}

// Outbox reads the push outbox; part of Reader, so every store has one.
type Outbox interface {
	// DuePushes returns the partner's pending pushes due at now (next
	// attempt at or before it), oldest first, at most limit.
	DuePushes(ctx context.Context, partnerID string, now time.Time, limit int) ([]PushRecord, error)
	// Pushes returns the partner's pushes in any state, oldest first
	// (partnerID "" for all).
	Pushes(ctx context.Context, partnerID string) ([]PushRecord, error)
}

// OutboxTx writes the push outbox; part of Tx.
type OutboxTx interface {
	// EnqueuePush queues a bundle (State pending, due at NextAttempt); a
	// bundle already queued is left as it is.
	EnqueuePush(ctx context.Context, p PushRecord) error
	// SetPushAttempt records a failed attempt: the count, the error and
	// when to try again.
	SetPushAttempt(ctx context.Context, id string, attempts int, next time.Time, lastErr string) error
	// FinishPush makes an entry delivered or abandoned at at, with the
	// attempt count and the last error (abandoned), and records an event
	// on the group with reason, so the group's history shows it.
	FinishPush(ctx context.Context, id, state string, attempts int, at time.Time, lastErr, reason string) error
}
