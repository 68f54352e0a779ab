// Package sqlite is the embedded implementation of store.Store on SQLite
// (modernc.org/sqlite, pure Go). All writes go through one writer
// connection; readers use a small pool (WAL lets them read while the
// writer writes):
//
//	st, err := sqlite.Open(ctx, "var/onboard.db")
//	defer st.Close()
package sqlite
