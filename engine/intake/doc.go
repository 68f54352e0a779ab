// Package intake takes partner files from their drop folders and turns them
// into stored groups and result files (DESIGN.md §2, §6).
//
// A pass over a partner lists its inbound folder, takes each complete file
// (settled, not a temporary name, its done marker present when required),
// copies it to local staging while hashing it, claims it in the store by
// sha256 (so each content is applied once), maps and validates it group by
// group, commits every accepted group and the file's outcome in one
// transaction, then writes results/NAME.result.json (and NAME.errors.csv)
// to the partner's outbound folder and only then moves the source to
// archive/ or failed/. A crash at any point leaves a state the next pass
// completes: an uncommitted file is processed again, a committed one has its
// result files and move finished (even when its source was already moved:
// the store says which files are left), never applied twice; staged copies
// a killed process left are removed by the next one. A file whose name the
// folders refuse (a control character or a backslash) can be neither read
// nor moved: the partner gets a rejected result under the name with those
// characters replaced by "_", once, and the file is left alone.
//
//	in := intake.New(st, cfg, folders, logger)
//	sum, err := in.Pass(ctx, cfg.Partner("acme"))
package intake
