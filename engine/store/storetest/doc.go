// Package storetest is the contract every store.Store implementation
// passes (DESIGN.md §12): one suite, run against SQLite and PostgreSQL,
// that says what a store must do without reading its SQL. An
// implementation's test opens a fresh, empty store per case:
//
//	func TestContract(t *testing.T) {
//		storetest.Run(t, func(t *testing.T, o storetest.Options) store.Store {
//			st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "onboard.db"), sqlite.WithClock(o.Now))
//			...
//			return st
//		})
//	}
package storetest
