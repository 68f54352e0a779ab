package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/store"
)

// testRollbackOnError: a transaction whose function fails leaves nothing
// behind, and Update returns the function's error.
func testRollbackOnError(t *testing.T, h *harness) {
	g := group("acme", "G1", "E1")
	err := h.st.Update(h.ctx, func(tx store.Tx) error {
		if _, err := tx.SaveGroup(h.ctx, g, store.Save{FileID: "f1", ContentHash: "h", SubscriberHashes: hashes(g, "v1"), Reason: "accepted"}); err != nil {
			return err
		}
		if _, err := tx.NextControl(h.ctx, "bluecross", "isa13", 1); err != nil {
			return err
		}
		if err := tx.RecordAck(h.ctx, store.AckRecord{ID: "a1", CarrierID: "bluecross", FileName: "x", SHA256: "s", Kind: "999"}); err != nil {
			return err
		}
		if err := tx.SetLastRun(h.ctx, "intake:acme", time.Now()); err != nil {
			return err
		}
		// Inside, the transaction sees its own writes.
		if _, err := tx.Group(h.ctx, g.ID); err != nil {
			return fmt.Errorf("reading its own write: %w", err)
		}
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("Update returned %v, want the function's error", err)
	}
	if _, err := h.st.Group(h.ctx, g.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a rolled-back group is there: %v", err)
	}
	if evs, err := h.st.Events(h.ctx, g.ID); err != nil || len(evs) != 0 {
		t.Fatalf("rolled-back events: %v %v", evs, err)
	}
	if _, err := h.st.AckBySHA(h.ctx, "bluecross", "s"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a rolled-back ack is there: %v", err)
	}
	if at, _ := h.st.LastRun(h.ctx, "intake:acme"); !at.IsZero() {
		t.Fatal("a rolled-back last run is there")
	}
	// The store is usable afterwards, and the failed write's numbers are
	// free again (nothing carried them).
	h.update(t, func(tx store.Tx) error {
		v, err := tx.NextControl(h.ctx, "bluecross", "isa13", 1)
		if err == nil && v != 1 {
			t.Errorf("after a rollback the next number is %d", v)
		}
		return err
	})
}

// testControlNumbersConcurrent: writers reserving at once never share a
// number, and together leave no gap.
func testControlNumbersConcurrent(t *testing.T, h *harness) {
	const workers, each = 8, 15
	type block struct{ first, n int64 }
	var mu sync.Mutex
	var blocks []block
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				n := 1 + (w+i)%3
				err := h.st.Update(h.ctx, func(tx store.Tx) error {
					first, err := tx.NextControl(h.ctx, "bluecross", "isa13", n)
					if err != nil {
						return err
					}
					mu.Lock()
					blocks = append(blocks, block{first, int64(n)})
					mu.Unlock()
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	slices.SortFunc(blocks, func(a, b block) int { return int(a.first - b.first) })
	next := int64(1)
	for _, b := range blocks {
		if b.first != next {
			t.Fatalf("a block starts at %d, want %d (blocks %v)", b.first, next, blocks)
		}
		next += b.n
	}
}

// testClaimConcurrent: daemons claiming one file at once get one new
// claim; the others continue the same record.
func testClaimConcurrent(t *testing.T, h *harness) {
	const workers = 8
	var wg sync.WaitGroup
	type result struct {
		id    string
		claim store.Claim
		err   error
	}
	results := make(chan result, workers)
	start := make(chan struct{})
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			rec, c, err := h.st.ClaimFile(h.ctx, "acme", "a.csv", "sha1", 1)
			r := result{claim: c, err: err}
			if rec != nil {
				r.id = rec.ID
			}
			results <- r
		}()
	}
	close(start)
	wg.Wait()
	close(results)
	news, ids := 0, map[string]bool{}
	for r := range results {
		if r.err != nil {
			t.Fatal(r.err)
		}
		if r.claim == store.ClaimNew {
			news++
		} else if r.claim != store.ClaimRetry {
			t.Fatalf("claim %d", r.claim)
		}
		ids[r.id] = true
	}
	if news != 1 || len(ids) != 1 {
		t.Fatalf("%d new claims over %d records, want 1 and 1", news, len(ids))
	}
}

// testReadersDuringWrite: while a write transaction is open, readers are
// answered, and see the state before it until it commits.
func testReadersDuringWrite(t *testing.T, h *harness) {
	g := group("acme", "G1", "E1")
	h.save(t, g, "v1")
	written, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- h.st.Update(h.ctx, func(tx store.Tx) error {
			g2 := group("acme", "G1", "E1", "E2")
			if _, err := tx.SaveGroup(h.ctx, g2, store.Save{FileID: "f2", ContentHash: "h2", SubscriberHashes: hashes(g2, "v2"), Reason: "changed"}); err != nil {
				close(written)
				return err
			}
			close(written)
			<-release
			return nil
		})
	}()
	<-written
	// A reader that blocked on the writer would hang here; the deadline
	// turns that into a failure instead.
	ctx, cancel := context.WithTimeout(h.ctx, 20*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	readErrs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec, err := h.st.Group(ctx, g.ID)
			if err == nil && rec.Version != 1 {
				err = fmt.Errorf("a reader saw uncommitted version %d", rec.Version)
			}
			if err == nil {
				var subs []store.SubscriberRecord
				if subs, err = h.st.Subscribers(ctx, g.ID); err == nil && len(subs) != 1 {
					err = fmt.Errorf("a reader saw %d uncommitted subscribers", len(subs))
				}
			}
			readErrs <- err
		}()
	}
	wg.Wait()
	close(release)
	close(readErrs)
	for err := range readErrs {
		if err != nil {
			t.Error(err)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if rec, err := h.st.Group(h.ctx, g.ID); err != nil || rec.Version != 2 {
		t.Fatalf("after commit: %+v %v", rec, err)
	}
}

// testPing: a live store answers.
func testPing(t *testing.T, h *harness) {
	if err := h.st.Ping(h.ctx); err != nil {
		t.Fatal(err)
	}
}
