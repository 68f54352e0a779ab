// Package crash holds fault-injection points for crash tests. A point is
// free unless the environment variable ONBOARD_CRASH_AT names it, in which
// case the process kills itself with SIGKILL right there: no deferred
// function runs, no buffer is flushed, no transaction is rolled back
// cleanly, exactly as when the power goes.
//
//	err = st.Update(ctx, record)
//	crash.Point("transmit-recorded") // a test sets ONBOARD_CRASH_AT=transmit-recorded
//
// Crash tests run the onboard binary with the variable set, then again
// without it, and check that the second run finishes the work exactly once.
package crash
