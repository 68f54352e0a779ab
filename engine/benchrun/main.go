package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "benchrun: %v\n", err)
		os.Exit(1)
	}
}

// run dispatches: the hidden child modes (floor, profile) or the harness.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "floor":
			return floorMain(ctx, args[1:], stdout)
		case "profile":
			return profileMain(ctx, args[1:], stderr)
		case "exec":
			return execMain(ctx, args[1:])
		}
	}
	opts, err := parseOptions(args, stderr)
	if err != nil {
		return err
	}
	return harness(ctx, opts, stdout, stderr)
}

// options are the harness's flags.
type options struct {
	onboard   string
	sizes     []int
	groupSize int
	seed      int64
	dir       string
	keep      bool
	pprof     string
	runs      int
	// postgres is the PostgreSQL the first drop is also measured on ("":
	// not measured).
	postgres string
	single   int // members of the one-group census (0: not measured)
}

func parseOptions(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("benchrun", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.onboard, "onboard", "bin/onboard", "the onboard binary to measure (make build)")
	sizes := fs.String("sizes", "100000,1000000", "census sizes in members, comma-separated")
	fs.IntVar(&o.groupSize, "group-size", 500, "members per group (employees and dependents)")
	fs.Int64Var(&o.seed, "seed", 1, "generator seed")
	fs.StringVar(&o.dir, "dir", filepath.Join(os.TempDir(), "onboard-bench"), "work folder: generated files and run state")
	fs.BoolVar(&o.keep, "keep", false, "keep each run's state, folders and logs")
	fs.StringVar(&o.pprof, "pprof", "", "also profile each onboard pass in-process and write CPU and heap profiles to this folder")
	fs.IntVar(&o.single, "single-group", 250_000, "also measure one census of a single group of this many members (0: skip)")
	fs.IntVar(&o.runs, "runs", 3, "rounds of floor, first drop and re-drop per size: each is reported as its median round, peak RSS as the largest")
	fs.StringVar(&o.postgres, "postgres", cmp.Or(os.Getenv("ONBOARD_BENCH_POSTGRES"), os.Getenv("ONBOARD_TEST_POSTGRES")),
		"also measure the first drop on this PostgreSQL (a schema of its own per round); default $ONBOARD_BENCH_POSTGRES, else $ONBOARD_TEST_POSTGRES")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.ReplaceAll(strings.TrimSpace(s), "_", ""))
		if err != nil || n < 1 {
			return o, fmt.Errorf("-sizes: %q is not a member count", s)
		}
		o.sizes = append(o.sizes, n)
	}
	if o.runs < 1 {
		return o, errors.New("-runs must be at least 1")
	}
	if o.groupSize < 1 {
		return o, errors.New("-group-size must be at least 1")
	}
	// Children run in their own folders: every path they get is absolute.
	for _, p := range []*string{&o.onboard, &o.dir, &o.pprof} {
		if *p == "" {
			continue
		}
		abs, err := filepath.Abs(*p)
		if err != nil {
			return o, err
		}
		*p = abs
	}
	if _, err := os.Stat(o.onboard); err != nil {
		return o, fmt.Errorf("the onboard binary %s is missing; run make build first: %w", o.onboard, err)
	}
	return o, nil
}

// harness measures every size and prints the table and the targets.
func harness(ctx context.Context, o options, stdout, stderr io.Writer) error {
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("locating this program: %w", err)
	}
	if err := os.MkdirAll(o.dir, 0o700); err != nil {
		return fmt.Errorf("creating work folder: %w", err)
	}
	var results []sizeResult
	for _, n := range o.sizes {
		groups := max(1, n/o.groupSize)
		members := groups * o.groupSize
		if members != n {
			fmt.Fprintf(stderr, "benchrun: %d members is not a multiple of %d; using %d\n", n, o.groupSize, members)
		}
		r, err := measure(ctx, o, self, groups, stderr)
		if err != nil {
			return fmt.Errorf("measuring %d members: %w", members, err)
		}
		results = append(results, r)
		printTable(stdout, results[len(results)-1:])
	}
	if len(results) > 1 {
		fmt.Fprintln(stdout)
		printTable(stdout, results)
	}
	printTargets(stdout, results)
	if o.single > 0 {
		r, err := measureSingle(ctx, o, self, o.single, stderr)
		if err != nil {
			return fmt.Errorf("measuring one group of %d members: %w", o.single, err)
		}
		printSingle(stdout, r)
	}
	return nil
}
