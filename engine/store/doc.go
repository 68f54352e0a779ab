// Package store keeps onboard's state: the files received, every accepted
// version of every group, the projection of the current version that is
// queried (locations; subscribers with their dependents' ids), statuses and
// their history,
// carrier transmissions and control numbers, acknowledgements, bundles and
// schedule bookkeeping.
//
// Stages depend on the Store interface; SQLite (modernc.org/sqlite, pure Go)
// is the embedded implementation. All writes go through one writer
// connection; multi-step changes are one transaction:
//
//	st, err := store.OpenSQLite(ctx, "var/onboard.db")
//	err = st.Update(ctx, func(tx store.Tx) error {
//		rec, err := tx.GroupByExternal(ctx, "acme", "GCM-001")
//		...
//		return tx.SaveGroup(ctx, g, store.Save{FileID: id, Reason: "accepted"})
//	})
package store
