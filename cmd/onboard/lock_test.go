package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// writeE2EConfig writes e2eConfig into a fresh folder and returns its path.
func writeE2EConfig(t *testing.T) (dir, cfgPath string) {
	t.Helper()
	dir = t.TempDir()
	cfgPath = filepath.Join(dir, "onboard.yaml")
	if err := os.WriteFile(cfgPath, []byte(e2eConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, cfgPath
}

// TestSecondDaemonRefused starts a real daemon, then a second `run` and a
// `once` on the same database: both exit 1 naming the first one's pid.
// Once the first has stopped, `once` runs.
func TestSecondDaemonRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildOnboard(t)
	dir, cfgPath := writeE2EConfig(t)

	first := exec.Command(bin, "run", "-config", cfgPath)
	first.Dir = dir
	stderr, err := first.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := watchLogs(stderr)
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- first.Wait() }()
	t.Cleanup(func() {
		if first.ProcessState == nil {
			first.Process.Kill()
			<-exited
		}
	})
	logs.wait(t, "daemon started", 10*time.Second)

	want := fmt.Sprintf("pid %d", first.Process.Pid)
	for _, sub := range []string{"run", "once"} {
		second := exec.Command(bin, sub, "-config", cfgPath)
		second.Dir = dir
		var out bytes.Buffer
		second.Stderr, second.Stdout = &out, &out
		err := second.Run()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 {
			t.Fatalf("second %s: %v, want exit 1; output:\n%s", sub, err, out.String())
		}
		if !strings.Contains(out.String(), want) || !strings.Contains(out.String(), "onboard.db") {
			t.Fatalf("second %s does not name the holder (%s) and the database:\n%s", sub, want, out.String())
		}
	}
	if first.ProcessState != nil {
		t.Fatal("the first daemon stopped")
	}

	if err := first.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("first daemon: %v\n%s", err, logs)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the first daemon did not stop")
	}
	once := exec.Command(bin, "once", "-config", cfgPath)
	once.Dir = dir
	if out, err := once.CombinedOutput(); err != nil {
		t.Fatalf("once after the daemon stopped: %v\n%s", err, out)
	}
}

// runMain runs one command in process and returns its exit code and output.
func runMain(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = (&Main{Stdout: &o, Stderr: &e}).Run(context.Background(), args)
	return code, o.String(), e.String()
}

func TestReadOnlyCommandsNeverCreateTheDatabase(t *testing.T) {
	dir, cfgPath := writeE2EConfig(t)
	db := filepath.Join(dir, "var", "onboard.db")
	for _, args := range [][]string{
		{"status", "-config", cfgPath},
		{"status", "-config", cfgPath, "-json"},
		{"history", "-config", cfgPath, "acme:GCM-001"},
	} {
		code, _, stderr := runMain(t, args...)
		if code != 1 || !strings.Contains(stderr, db) {
			t.Fatalf("%v: exit %d, stderr %q; want 1 naming %s", args, code, stderr, db)
		}
		if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("%v created the database: %v", args, err)
		}
	}

	// Once the database exists, status reads it without writing: the
	// file's bytes and time stay as they were.
	if code, _, stderr := runMain(t, "once", "-config", cfgPath); code != 0 {
		t.Fatalf("once: %d %s", code, stderr)
	}
	before, err := os.Stat(db)
	if err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := runMain(t, "status", "-config", cfgPath); code != 0 || !strings.Contains(out, "no groups") {
		t.Fatalf("status: %d %q %q", code, out, stderr)
	}
	after, _ := os.Stat(db)
	if !after.ModTime().Equal(before.ModTime()) || after.Size() != before.Size() {
		t.Fatalf("status changed the database: %v -> %v", before, after)
	}
}

func TestUnknownNamesSuggestTheNearest(t *testing.T) {
	_, cfgPath := writeE2EConfig(t)
	if code, _, stderr := runMain(t, "once", "-config", cfgPath); code != 0 {
		t.Fatalf("once: %d %s", code, stderr)
	}
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"stauts"}, 2, `unknown command "stauts" (did you mean "status"?)`},
		{[]string{"xyzzy"}, 2, `unknown command "xyzzy"` + "\n"},
		{[]string{"status", "-config", cfgPath, "-partner", "acmee"}, 2, `no partner "acmee" in ` + cfgPath + ` (did you mean "acme"?)`},
		{[]string{"status", "-config", cfgPath, "-partner", "nobody"}, 2, `no partner "nobody" in ` + cfgPath + "\n"},
		{[]string{"check", "-config", cfgPath, "-partner", "acm", "x.csv"}, 2, `(did you mean "acme"?)`},
	}
	for _, tt := range tests {
		code, _, stderr := runMain(t, tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d with %q", tt.args, code, stderr, tt.code, tt.want)
		}
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runMain(t, "version")
	if code != 0 || !strings.HasPrefix(out, "onboard ") || !strings.Contains(out, runtime.Version()) || !strings.Contains(out, "commit ") {
		t.Fatalf("version: %d %q", code, out)
	}
	if testing.Short() {
		return
	}
	// make build stamps the version and commit.
	bin := filepath.Join(t.TempDir(), "onboard")
	if out, err := exec.Command("go", "build", "-ldflags=-X main.version=v9.8.7 -X main.commit=0123abc", "-o", bin, "github.com/onboard/onboard/cmd/onboard").CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	got, err := exec.Command(bin, "version").Output()
	if want := "onboard v9.8.7 (commit 0123abc, " + runtime.Version() + ")\n"; err != nil || string(got) != want {
		t.Fatalf("version: %v %q, want %q", err, got, want)
	}
}
