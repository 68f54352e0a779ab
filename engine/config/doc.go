// Package config loads onboard's one YAML configuration file (DESIGN.md §9)
// strictly and all at once: every unknown key, wrong type, missing or
// invalid value, unreadable referenced file, unset environment variable,
// bad schedule, mapping, layout or carrier rule is reported together, each
// with its file, line and column, sorted.
//
//	cfg, err := config.Load("onboard.yaml")
//	var probs config.Problems
//	if errors.As(err, &probs) {
//		for _, p := range probs {
//			fmt.Fprintln(os.Stderr, p) // onboard.yaml:12:15: partners[0].carrier: carrier "bluecros" is not configured; ...
//		}
//		os.Exit(1)
//	}
//
// Secrets never live in the file: a password or passphrase is either a
// ${VAR} reference, expanded from the environment, or read from the file
// its *_file key names. ${VAR} expands in any value ($$ is a literal $); it
// is applied to each value after the YAML is parsed, so a variable cannot
// change the file's structure and references in comments are ignored.
//
// Load applies the documented defaults (see the Default constants), resolves
// relative local paths against the config file's folder, compiles each
// partner's mapping (mappings.Load), each layout carrier's layout
// (fixedwidth.LoadLayout) and each carrier's plan catalog and rules
// (validate.NewCarrier, stored in Carrier.Validator).
//
// Choices the design leaves open: a carrier's format defaults to x12-834 and
// its X12 qualifiers to ZZ; a partner's ldex.schedule may be left empty
// (bundles then follow status changes only); a duration or size given as 0
// is validated, not replaced by its default (settle: 0s means no settling);
// top-level keys starting with "x-" are ignored, so they can hold YAML
// anchors shared by the rest of the file:
//
//	x-acme-sftp: &acme-sftp {address: "sftp.acme.example:22", user: onboard, known_hosts_file: keys/known_hosts}
//	partners:
//	  - inbound: {sftp: {<<: *acme-sftp, dir: /outbox}}
package config
