package postgres

import (
	"context"
	"testing"

	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/store/storetest"
)

// TestContract runs the store contract against a real PostgreSQL, each
// case in a schema of its own.
func TestContract(t *testing.T) {
	testURL(t)
	storetest.Run(t, func(t *testing.T, o storetest.Options) store.Store {
		st, err := Open(context.Background(), freshSchema(t), WithClock(o.Now))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	})
}
