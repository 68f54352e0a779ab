package intake

import "context"

// overlap runs produce beside consume: produce emits items, one at a time
// into a buffer of one, and consume handles each in order on the calling
// goroutine. The two stages of a large file (reading and mapping; checking
// and hashing; storing) need not wait on each other, and at most a few
// items are in flight, so memory stays flat.
//
// When consume fails, produce's context is canceled and the items still
// coming are dropped; consume's error is returned before produce's. A panic
// in produce is raised again on the calling goroutine, so the caller's
// recovery sees it as it would without the overlap.
func overlap[T any](ctx context.Context, produce func(ctx context.Context, emit func(T) error) error, consume func(T) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	items := make(chan T, 1)
	var (
		produceErr error
		panicked   any
	)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(items)
		defer func() { panicked = recover() }()
		produceErr = produce(ctx, func(it T) error {
			select {
			case items <- it:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	var consumeErr error
	for it := range items {
		if consumeErr != nil {
			continue // draining after a failed item
		}
		if consumeErr = consume(it); consumeErr != nil {
			cancel()
		}
	}
	<-done
	if panicked != nil {
		panic(panicked)
	}
	if consumeErr != nil {
		return consumeErr
	}
	return produceErr
}
