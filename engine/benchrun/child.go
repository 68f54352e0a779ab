package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// Peak resident memory is read from getrusage's ru_maxrss of the child.
// Linux starts a child's ru_maxrss at the high-water mark of the process
// that execs it (Go execs from a vfork-style clone sharing the parent's
// memory), so the harness does not exec the measured program itself: it
// execs this program's small `exec` mode, which runs the measured program
// and reports its rusage. The baseline is then the launcher's few MiB,
// not the harness's.

// childRun is what every measured child process costs.
type childRun struct {
	wall   time.Duration
	cpu    time.Duration // user + system
	maxRSS int64         // bytes
}

// child is a process to measure.
type child struct {
	dir            string
	stdout, stderr io.Writer
	args           []string // the program and its arguments
}

// launchReport is what the exec mode writes for the harness.
type launchReport struct {
	Start  time.Time     `json:"start"`
	Wall   time.Duration `json:"wall"`
	CPU    time.Duration `json:"cpu"`
	MaxRSS int64         `json:"max_rss"`
	Exit   int           `json:"exit"`
}

// runChild runs c to its end through the launcher and returns its costs
// and the time it started.
func runChild(ctx context.Context, self string, c child) (childRun, time.Time, error) {
	rep, err := os.CreateTemp("", "benchrun-rusage-*.json")
	if err != nil {
		return childRun{}, time.Time{}, err
	}
	rep.Close()
	defer os.Remove(rep.Name())
	args := append([]string{"exec", "-report", rep.Name(), "--"}, c.args...)
	cmd := exec.CommandContext(ctx, self, args...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = c.dir, c.stdout, c.stderr
	runErr := cmd.Run()
	data, err := os.ReadFile(rep.Name())
	var lr launchReport
	if err == nil && len(data) > 0 {
		err = json.Unmarshal(data, &lr)
	}
	if runErr != nil || err != nil || len(data) == 0 {
		return childRun{}, time.Time{}, fmt.Errorf("running %s: %w", filepath.Base(c.args[0]), errors.Join(runErr, err))
	}
	return childRun{wall: lr.Wall, cpu: lr.CPU, maxRSS: lr.MaxRSS}, lr.Start, nil
}

// execMain is the launcher: it runs the program after "--" with this
// process's standard streams and folder, writes its launchReport to
// -report, and exits with its exit code.
func execMain(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("exec", flag.ContinueOnError)
	report := fs.String("report", "", "where to write the rusage report (JSON)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	prog := fs.Args()
	if *report == "" || len(prog) == 0 {
		return errors.New("exec: -report and a program after -- are required")
	}
	cmd := exec.CommandContext(ctx, prog[0], prog[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	err := cmd.Run()
	lr := launchReport{Start: start, Wall: time.Since(start)}
	if cmd.ProcessState == nil {
		return fmt.Errorf("exec: starting %s: %w", prog[0], err)
	}
	lr.MaxRSS, lr.CPU, lr.Exit = maxRSS(cmd.ProcessState), cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime(), cmd.ProcessState.ExitCode()
	data, jerr := json.Marshal(lr)
	if jerr != nil {
		return jerr
	}
	if werr := os.WriteFile(*report, data, 0o600); werr != nil {
		return werr
	}
	if err != nil {
		return fmt.Errorf("exec: %s: %w", prog[0], err)
	}
	return nil
}
