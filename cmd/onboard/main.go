// Command onboard is the batch file-exchange engine that onboards employer
// groups from benefits partners to insurance carriers. See README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// gcPercent is the garbage collector's target when GOGC is not set. A large
// file's intake allocates quickly and keeps little (a few groups in flight),
// so at Go's default (100) the collector ran every few megabytes and took a
// sixth of an intake; at 200 the heap may grow to three times what is live,
// some tens of MiB more at peak, for that time back. GOGC and GOMEMLIMIT,
// when set, are the operator's and are left alone.
const gcPercent = 200

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := (&Main{Stdout: os.Stdout, Stderr: os.Stderr}).Run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// Main runs one onboard command.
type Main struct {
	Stdout, Stderr io.Writer
}

// command is one subcommand.
type command interface {
	// Run executes the command and returns its exit code.
	Run(ctx context.Context, m *Main, args []string) int
}

var commands = map[string]func() command{
	"run":         func() command { return &runCmd{} },
	"once":        func() command { return &onceCmd{} },
	"check":       func() command { return &checkCmd{} },
	"status":      func() command { return &statusCmd{} },
	"history":     func() command { return &historyCmd{} },
	"replay":      func() command { return &replayCmd{} },
	"approve":     func() command { return &approveCmd{} },
	"config":      func() command { return &configCmd{} },
	"carrier-sim": func() command { return &carrierSimCmd{} },
	"version":     func() command { return &versionCmd{} },
}

const usage = `onboard onboards employer groups from benefits partners to insurance carriers.

Usage:
  onboard run -config F              the daemon, until SIGTERM/SIGINT
  onboard once -config F             one pass of every stage, then exit
  onboard check -config F -partner P FILE...   map and validate without storing
  onboard status -config F [-partner P] [-status S] [-json]
  onboard history -config F GROUP    a group's status timeline (id or partner:external_id)
  onboard replay -config F FILE_ID   reprocess a file from failed/ after a fix
  onboard carrier-sim -inbox D -acks D [-reject N] [-ta1] [-policy-prefix P] [-watch]
  onboard config check -config F     load and validate config and mappings
  onboard version                    the build's version, commit and Go version

-config defaults to $ONBOARD_CONFIG, then onboard.yaml.
`

// Run dispatches to a subcommand and returns the exit code.
func (m *Main) Run(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(m.Stderr, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	mk, ok := commands[args[0]]
	if !ok {
		names := make([]string, 0, len(commands))
		for n := range commands {
			names = append(names, n)
		}
		fmt.Fprintf(m.Stderr, "onboard: unknown command %q%s\n\n%s", args[0], suggest(args[0], names), usage)
		return 2
	}
	return mk().Run(ctx, m, args[1:])
}

// flagSet returns a FlagSet that reports errors on m.Stderr.
func (m *Main) flagSet(name, use string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(m.Stderr, "Usage: onboard %s\n", use)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags; it returns false with the exit code when the command
// must stop (help asked, or bad flags).
func parse(fs *flag.FlagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, false
		}
		return 2, false
	}
	return 0, true
}

// parseOneArg is parse for a command that takes exactly one argument after
// its flags; without one it prints the usage and exits 2.
func parseOneArg(fs *flag.FlagSet, args []string) (int, bool) {
	if code, ok := parse(fs, args); !ok {
		return code, false
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2, false
	}
	return 0, true
}

// defaultConfig is -config's default.
func defaultConfig() string {
	if v := os.Getenv("ONBOARD_CONFIG"); v != "" {
		return v
	}
	return "onboard.yaml"
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// logger logs text on a terminal and JSON otherwise.
func (m *Main) logger() *slog.Logger {
	if isTerminal(m.Stderr) {
		return slog.New(slog.NewTextHandler(m.Stderr, nil))
	}
	return slog.New(slog.NewJSONHandler(m.Stderr, nil))
}
