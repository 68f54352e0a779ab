//go:build unix

package reliability

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/onboard/onboard/cmd/onboard/onboardtest"
	"github.com/onboard/onboard/engine/crash"
)

// onboardBinary is the real onboard binary, built once for the package.
func onboardBinary(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the onboard binary")
	}
	return onboardtest.Binary(t)
}

func TestMain(m *testing.M) { os.Exit(onboardtest.Main(m)) }

// soak reports whether the long runs were asked for (make soak).
func soak() bool { return os.Getenv("ONBOARD_SOAK") != "" }

// iterations returns n, or soakN under ONBOARD_SOAK.
func iterations(n, soakN int) int {
	if soak() {
		return soakN
	}
	return n
}

// seed returns the random seed of a test: $ONBOARD_SEED when set (to
// replay a failure), else the time. The test logs it.
func seed(t testing.TB) uint64 {
	t.Helper()
	s := uint64(time.Now().UnixNano())
	if v := os.Getenv("ONBOARD_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("ONBOARD_SEED=%q: %v", v, err)
		}
		s = n
	}
	t.Logf("seed %d (replay with ONBOARD_SEED=%d)", s, s)
	return s
}

// outcome is how one child process ended.
type outcome struct {
	killed   bool // by SIGKILL (ours or a crash point's)
	exitCode int
	elapsed  time.Duration
	out      []byte
	// maxRSS is the child's peak resident set, in KiB.
	maxRSS int64
}

// runSpec is one child run of the onboard binary.
type runSpec struct {
	args []string
	// crashAt sets ONBOARD_CRASH_AT.
	crashAt string
	// killAfter sends SIGKILL after this long (0: never).
	killAfter time.Duration
	// timeout kills a child that runs this long and fails the test
	// (default 60s): a hang is a finding.
	timeout time.Duration
	env     []string
	// uid, when not 0, runs the child as that user (and group).
	uid uint32
}

// run starts the onboard binary with the spec and waits for it.
func (w *world) run(bin string, spec runSpec) outcome {
	w.t.Helper()
	timeout := spec.timeout
	if timeout == 0 {
		timeout = 60 * time.Second
	}
	cmd := exec.Command(bin, spec.args...)
	cmd.Dir = w.dir
	cmd.Env = append(os.Environ(), crash.Env+"="+spec.crashAt)
	cmd.Env = append(cmd.Env, spec.env...)
	if spec.uid != 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: spec.uid, Gid: spec.uid}}
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		w.t.Fatalf("starting onboard: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var kill <-chan time.Time
	if spec.killAfter > 0 {
		kill = time.After(spec.killAfter)
	}
	hang := time.After(timeout)
	var err error
	select {
	case err = <-done:
	case <-kill:
		cmd.Process.Signal(syscall.SIGKILL)
		err = <-done
	case <-hang:
		cmd.Process.Signal(syscall.SIGKILL)
		<-done
		w.t.Fatalf("onboard %v ran longer than %s (a hang):\n%s", spec.args, timeout, tail(out.Bytes()))
	}
	o := outcome{elapsed: time.Since(start), out: out.Bytes()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		o.maxRSS = ru.Maxrss
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		ws := ee.Sys().(syscall.WaitStatus)
		o.killed = ws.Signaled() && ws.Signal() == syscall.SIGKILL
		o.exitCode = ee.ExitCode()
	default:
		w.t.Fatalf("running onboard: %v", err)
	}
	fmt.Fprintf(w.log, "=== onboard %v crash_at=%q kill_after=%s: killed=%v exit=%d in %s\n%s", spec.args, spec.crashAt,
		spec.killAfter, o.killed, o.exitCode, o.elapsed.Round(time.Millisecond), tail(o.out))
	return o
}

// once runs `onboard once` to the end and fails the test unless it exits 0.
func (w *world) once(bin string) outcome {
	w.t.Helper()
	o := w.run(bin, runSpec{args: []string{"once", "-config", w.cfg}})
	if o.killed || o.exitCode != 0 {
		w.t.Fatalf("onboard once failed (exit %d, killed %v):\n%s", o.exitCode, o.killed, tail(o.out))
	}
	w.longestPass = max(w.longestPass, o.elapsed)
	return o
}

// tail returns the end of a child's output, enough to see why it failed.
func tail(b []byte) []byte {
	const max = 6000
	if len(b) > max {
		return append([]byte("...\n"), b[len(b)-max:]...)
	}
	return b
}

// dumpOnFailure prints the children's outputs when the test failed.
func (w *world) dumpOnFailure() {
	w.t.Cleanup(func() {
		if w.t.Failed() {
			w.t.Logf("children's output:\n%s", tail(w.log.Bytes()))
		}
	})
}

// carrierSim answers every 834 of each carrier's inbox with
// `onboard carrier-sim` when the binary has it; it reports whether it
// did.
func (w *world) carrierSim(bin string, reject int) bool {
	w.t.Helper()
	if !hasCarrierSim(bin) {
		return false
	}
	for _, c := range carriers {
		args := []string{"carrier-sim", "-inbox", w.inbox(c), "-acks", w.acks(c)}
		if reject > 0 {
			args = append(args, "-reject", strconv.Itoa(reject))
		}
		o := w.run(bin, runSpec{args: args})
		if o.killed || o.exitCode != 0 {
			w.t.Fatalf("onboard carrier-sim failed (exit %d):\n%s", o.exitCode, tail(o.out))
		}
		// One line per answered file: "NAME: summary".
		for _, line := range strings.Split(string(o.out), "\n") {
			if name, _, ok := strings.Cut(line, ": "); ok && strings.HasSuffix(name, ".834") {
				w.answered[name]++
			}
		}
	}
	return true
}

var (
	simOnce sync.Once
	simOK   bool
)

// hasCarrierSim reports whether the binary's carrier-sim is built (it
// answers -h with its usage).
func hasCarrierSim(bin string) bool {
	simOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		out, _ := exec.CommandContext(ctx, bin, "carrier-sim", "-h").CombinedOutput()
		simOK = bytes.Contains(out, []byte("-inbox"))
	})
	return simOK
}

// daemon is `onboard run` running as a child.
type daemon struct {
	w   *world
	cmd *exec.Cmd
	out *syncBuffer
	// done is closed when the child has exited, with its error in err.
	done chan struct{}
	err  error
}

// startDaemon starts `onboard run` on the world.
func (w *world) startDaemon(bin string) *daemon {
	w.t.Helper()
	cmd := exec.Command(bin, "run", "-config", w.cfg)
	cmd.Dir = w.dir
	cmd.Env = os.Environ()
	d := &daemon{w: w, cmd: cmd, out: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = d.out, d.out
	if err := cmd.Start(); err != nil {
		w.t.Fatalf("starting onboard run: %v", err)
	}
	go func() { d.err = cmd.Wait(); close(d.done) }()
	w.t.Cleanup(func() {
		select {
		case <-d.done:
		default:
			cmd.Process.Signal(syscall.SIGKILL)
			<-d.done
		}
	})
	return d
}

// stop sends SIGTERM and waits for a clean stop.
func (d *daemon) stop() {
	d.w.t.Helper()
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.done:
		fmt.Fprintf(d.w.log, "=== onboard run: %v\n%s", d.err, tail(d.out.Bytes()))
		if d.err != nil {
			d.w.t.Errorf("onboard run did not stop cleanly: %v", d.err)
		}
	case <-time.After(30 * time.Second):
		d.cmd.Process.Signal(syscall.SIGKILL)
		d.w.t.Fatalf("onboard run did not stop within 30s of SIGTERM:\n%s", tail(d.out.Bytes()))
	}
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// syncBuffer is a bytes.Buffer safe for a child's two output streams and
// a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// Bytes returns a copy of what was written.
func (b *syncBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.b.Bytes())
}
