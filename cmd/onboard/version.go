package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
)

// version and commit are set at build time (make build: -ldflags
// "-X main.version=... -X main.commit=..."); without them the build info's
// module version and vcs.revision are used.
var version, commit = "", ""

// versionCmd is `onboard version`.
type versionCmd struct{}

func (c *versionCmd) Run(ctx context.Context, m *Main, args []string) int {
	fs := m.flagSet("version", "version")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	v, rev := buildVersion()
	fmt.Fprintf(m.Stdout, "onboard %s (commit %s, %s)\n", v, rev, runtime.Version())
	return 0
}

// buildVersion returns the version and the commit this binary was built
// from ("unknown" when the build recorded none, as `go test` binaries).
func buildVersion() (v, rev string) {
	v, rev = version, commit
	if rev == "" {
		rev = "unknown"
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		if v == "" {
			v = "(devel)"
		}
		return v, rev
	}
	if v == "" {
		v = info.Main.Version
	}
	if v == "" {
		v = "(devel)"
	}
	var vcsRev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			vcsRev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if vcsRev != "" && rev == "unknown" {
		rev = vcsRev
		if modified == "true" {
			rev += " (modified)"
		}
	}
	return v, rev
}
