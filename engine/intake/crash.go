package intake

// Crash points (engine/crash) of a file's intake, in the order a pass
// passes them. A crash test sets ONBOARD_CRASH_AT to each in turn and
// checks that the next pass takes the file exactly once.
const (
	// CrashStaged: the file is copied to staging, not yet claimed.
	CrashStaged = "intake-staged"
	// CrashProcessing: the file is claimed and its attempt recorded, its
	// groups not yet mapped. CrashProcessing+":"+NAME crashes only while
	// the file NAME is processed (a file that always takes the process
	// down, for the quarantine test).
	CrashProcessing = "intake-processing"
	// CrashCommitted: the file's groups and outcome are committed, its
	// staged result documents not yet tidied or delivered.
	CrashCommitted = "intake-committed"
	// CrashResultWritten: the result documents are in the partner's
	// outbound folder, the source not yet moved.
	CrashResultWritten = "intake-result-written"
	// CrashMoved: the source is in archive/ or failed/, the file not yet
	// marked done.
	CrashMoved = "intake-moved"
)

// CrashPoints lists the crash points in order.
var CrashPoints = []string{CrashStaged, CrashProcessing, CrashCommitted, CrashResultWritten, CrashMoved}
