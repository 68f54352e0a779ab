// Package reliability proves that onboard never loses, duplicates or
// corrupts a file or a change: crash, fault, hostile-input and load tests
// that build the onboard binary and run it as a child process on "worlds"
// (a config, three partners with drop folders, two X12 carriers, all under
// a temporary directory). It has no code of its own.
//
//	go test ./engine/reliability/                      # bounded: what make test runs
//	ONBOARD_SOAK=1 go test -v ./engine/reliability/    # ten times the kills (make soak)
//	ONBOARD_SEED=N go test -run TestCrashRandomKills ./engine/reliability/  # replay a run's kills
//	ONBOARD_KEEP=/tmp/worlds go test ...               # keep the worlds for a look
//	go test -fuzz FuzzIntakeCheck ./engine/reliability/
//
// # Invariants
//
// After the last clean pass of every test (world.check): each dropped file
// was moved out of its drop folder exactly once, has exactly one file
// record, done, and a whole result document; each delivered transmission
// is in its carrier's inbox exactly once, as a whole 834 whose ISA13 is the
// recorded one and whose member count is the recorded one, and no file is
// there without a transmission; ISA13, GS06 and ST02 are never used twice
// for a carrier; no group version is in two transmissions; each group's
// current version was sent; each subscriber's status is what the carrier's
// latest answer for it says, and each group's status what its subscribers
// make it; every acknowledgement was taken and archived; no temporary
// (.tmp, .part) or staged file is left anywhere, and every JSON, CSV and
// HTML file under a final name parses whole; the database passes PRAGMA
// integrity_check. Crash tests also compare the result with a world that
// was given the same files without crashes: the same outcome for every
// file, the same statuses, and every member change sent exactly once.
//
// # Suites
//
//   - TestCrashRandomKills: SIGKILL at a random moment (seeded, logged) of
//     `onboard once` or `onboard run`, over and over, with files dropped
//     between kills and the carrier simulator answering between passes.
//   - TestCrashPoints: SIGKILL at every engine/crash point of every stage
//     (intake, transmit, acks, ldex, report), then clean passes.
//   - TestCrashCarrierTookFileBeforeCommit: the one window transmit cannot
//     close (the carrier takes a file before its delivery is committed).
//   - TestFault*: an SFTP server gone at start and mid-run, a connection cut
//     mid-download, a partner outbound folder refusing writes, a full
//     staging file system (a 1 MiB tmpfs), a locked and a read-only
//     database: each fails with a clear log line, loses nothing, and
//     recovers once the fault clears.
//   - TestHostileInput: the corpus of ../../testdata/hostile plus generated
//     large files (a 10 MB line, a million columns, nesting 200,000 deep, a
//     file over max_file_size), hostile file names and symlinks, dropped
//     while the daemon runs.
//   - TestLoadThousandFiles: a thousand files at once over three partners.
//   - FuzzIntakeCheck: any bytes through the whole read path of a file.
package reliability
