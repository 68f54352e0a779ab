package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/store/storetest"
)

// TestContract runs the store contract against a real SQLite file.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T, o storetest.Options) store.Store {
		st, err := Open(context.Background(), filepath.Join(t.TempDir(), "onboard.db"), WithClock(o.Now))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	})
}
