// Package store is onboard's state store contract: the Store interface the
// stages depend on, the records it returns and the persisted encodings
// every implementation shares (a group version's binary form). It holds no
// SQL.
//
// The state is the files received, every accepted version of every group,
// the projection of the current version that is queried (locations;
// subscribers with their dependents' ids), statuses and their history,
// carrier transmissions and control numbers, acknowledgements, bundles and
// schedule bookkeeping.
//
// Implementations live beside it (engine/store/sqlite, the embedded one);
// the engine opens the configured one and stages see only Store. Multi-step
// changes are one transaction:
//
//	err = st.Update(ctx, func(tx store.Tx) error {
//		rec, err := tx.GroupByExternal(ctx, "acme", "GCM-001")
//		...
//		return tx.SaveGroup(ctx, g, store.Save{FileID: id, Reason: "accepted"})
//	})
package store
