package engine

import "context"

// leaseFunc takes the lease of a unit of work among the daemons sharing a
// store (see postgres.Store.Lease); ok is false when another holds it.
type leaseFunc func(ctx context.Context, name string) (release func(), ok bool, err error)

// underLease runs fn as the unit of work name: on a shared store, only
// while holding its lease, and not at all when another daemon holds it
// (that daemon is doing the work; this one tries again at its next
// trigger). On the embedded store one daemon holds the state (its lock
// file), so fn simply runs.
func (e *Engine) underLease(ctx context.Context, name string, fn func(context.Context) error) error {
	if e.lease == nil {
		return fn(ctx)
	}
	release, ok, err := e.lease(ctx, name)
	if err != nil {
		return err
	}
	if !ok {
		e.Log.Info("another daemon is running this job; leaving the pass to it", "job", name)
		return nil
	}
	defer release()
	return fn(ctx)
}
