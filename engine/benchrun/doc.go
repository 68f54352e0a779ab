// Command benchrun measures onboard against the floor of the machine it
// runs on (`make bench`).
//
// For each size it generates a census-standard file (formats/census/censusgen,
// realistic groups of -group-size members) and runs, each as its own child
// process so that peak resident memory (getrusage's ru_maxrss of the child)
// belongs to that run alone:
//
//   - the floor: read the CSV with encoding/csv, insert every row into
//     SQLite (modernc, one transaction, one prepared statement), and write
//     and sync a byte stream the size of the 834 onboard delivered;
//   - onboard: the real `onboard once` binary on a temporary configuration
//     (local folders, settle 0s) with the file dropped in the partner's
//     inbound folder: intake (result file written, groups stored) and
//     transmission (the 834 in the carrier's inbox), timed from its logs;
//   - a re-drop: the same census with CRLF line ends (different bytes, same
//     content) dropped on the same state, which must cost a fraction of the
//     first intake.
//
// It prints a table of seconds, members per second, MB/s, peak RSS and the
// ratio onboard / floor, and checks the targets of the performance issue.
//
//	go build -o bin/onboard ./cmd/onboard
//	go run ./engine/benchrun -onboard bin/onboard -sizes 100000,1000000
//
// With -pprof DIR it also runs each onboard pass once more in-process
// (`benchrun profile`, the same engine.Once as `onboard once`) and writes CPU
// and heap profiles there: go tool pprof -top DIR/cpu-100000-drop.pprof.
package main
