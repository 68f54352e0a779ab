package store

import (
	"context"
	"time"
)

// Deletion is a partner source file the retention sweep deleted from its
// inbound archive/ or failed/ (DESIGN.md §9 retention): kept forever, as
// the history of what was removed and why.
type Deletion struct {
	PartnerID string
	// Name is the file's path in the inbound folder ("archive/x.csv").
	Name string
	// ModTime and Size are the file's as it was deleted.
	ModTime time.Time
	Size    int64
	At      time.Time
	Reason  string
}

// Deletions reads retention deletions; part of Reader, so every store
// records them (its Tx implements DeletionTx).
type Deletions interface {
	// Deletions lists a partner's deletions, oldest first ("" for all).
	Deletions(ctx context.Context, partnerID string) ([]Deletion, error)
}

// DeletionTx records a deletion.
type DeletionTx interface {
	RecordDeletion(ctx context.Context, d Deletion) error
}
