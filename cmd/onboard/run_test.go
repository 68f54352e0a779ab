package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/onboard/onboard/cmd/onboard/onboardtest"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/store/sqlite"
)

// e2eConfig has local folders and an hourly partner poll, so only the
// folder event can bring a dropped file in; the carrier and report
// schedules are short so the test sees the whole flow.
const e2eConfig = `state:
  sqlite: var/onboard.db
http:
  listen: 127.0.0.1:0
reports:
  dir: var/reports
  schedule: "@every 1s"
shutdown:
  timeout: 10s
partners:
  - id: acme
    name: ACME Benefits
    inbound: {dir: partners/acme/inbound, schedule: "@every 1h", settle: 200ms}
    outbound: {dir: partners/acme/outbound}
    carrier: bluecross
    ldex: {schedule: "@every 1h"}
carriers:
  - id: bluecross
    name: Blue Cross Example
    schedule: "@every 1s"
    inbox: {dir: carriers/bluecross/inbox}
    acks: {dir: carriers/bluecross/acks, schedule: "@every 1s"}
    x12: {sender_id: ONBOARD, receiver_id: BLUECROSS, product_lines: {basic_life: AC, accidental_death_dismemberment: ADD}}
    plans:
      - {id: BC-PPO-500, product_line: medical, name: PPO 500,
         rates: {employee_only: 512.00, employee_spouse: 1024.00, employee_children: 921.60, family: 1433.60}}
      - {id: BC-HMO-250, product_line: medical, name: HMO 250,
         rates: {employee_only: 431.00, employee_spouse: 862.00, employee_children: 775.80, family: 1206.80}}
      - {id: BC-DEN-STD, product_line: dental, name: Dental Standard,
         rates: {employee_only: 38.00, employee_spouse: 76.00, employee_children: 84.00, family: 121.00}}
      - {id: BC-VIS-BASIC, product_line: vision, name: Vision Basic,
         rates: {employee_only: 9.50, employee_spouse: 18.00, employee_children: 19.00, family: 27.50}}
      - {id: BC-LIFE-50K, product_line: basic_life, name: Basic Life 50K, rates: {employee_only: 6.25}}
      - {id: BC-ADD-50K, product_line: accidental_death_dismemberment, name: AD&D 50K, rates: {employee_only: 2.10}}
`

// buildOnboard is the real onboard binary, built once for the package.
func buildOnboard(t *testing.T) string {
	t.Helper()
	return onboardtest.Binary(t)
}

func TestMain(m *testing.M) { os.Exit(onboardtest.Main(m)) }

// logWatcher reads the daemon's JSON log lines and finds messages in them.
type logWatcher struct {
	mu    sync.Mutex
	lines []map[string]any
	raw   bytes.Buffer
	more  chan struct{}
}

func watchLogs(r io.Reader) *logWatcher {
	w := &logWatcher{more: make(chan struct{}, 1)}
	go func() {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var m map[string]any
			_ = json.Unmarshal(sc.Bytes(), &m) // a non-JSON line is kept raw only
			w.mu.Lock()
			w.raw.Write(sc.Bytes())
			w.raw.WriteByte('\n')
			if m != nil {
				w.lines = append(w.lines, m)
			}
			w.mu.Unlock()
			select {
			case w.more <- struct{}{}:
			default:
			}
		}
	}()
	return w
}

// wait returns the first log line with the message, failing after timeout.
func (w *logWatcher) wait(t *testing.T, msg string, timeout time.Duration) map[string]any {
	t.Helper()
	deadline := time.After(timeout)
	for {
		w.mu.Lock()
		for _, l := range w.lines {
			if l["msg"] == msg {
				w.mu.Unlock()
				return l
			}
		}
		w.mu.Unlock()
		select {
		case <-w.more:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatalf("no log line %q within %v; logs:\n%s", msg, timeout, w.String())
		}
	}
}

func (w *logWatcher) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.raw.String()
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// readiness is the part of /readyz the end-to-end test reads.
type readiness struct {
	code   int
	body   string
	Ready  bool              `json:"ready"`
	Store  struct{ OK bool } `json:"store"`
	Stages []struct {
		Stage   string `json:"stage"`
		Status  string `json:"status"`
		LastRun string `json:"last_run"`
	} `json:"stages"`
}

func readyz(t *testing.T, base string) readiness {
	t.Helper()
	var rd readiness
	rd.code, rd.body = httpGet(t, base+"/readyz")
	if err := json.Unmarshal([]byte(rd.body), &rd); err != nil {
		t.Fatalf("readyz %d %q: %v", rd.code, rd.body, err)
	}
	return rd
}

// TestRunEndToEnd starts `onboard run` as a real process, drops a census
// and sees its result without waiting for a poll, then stops it with
// SIGTERM and checks that it left a sound store and no temporary files.
func TestRunEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildOnboard(t)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "onboard.yaml")
	if err := os.WriteFile(cfgPath, []byte(e2eConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	census, err := os.ReadFile(filepath.Join("..", "..", "testdata", "census-small.csv"))
	if err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(bin, "run", "-config", cfgPath)
	cmd.Dir = dir
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := watchLogs(stderr)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-exited
		}
	})

	addr, _ := logs.wait(t, "serving the operations endpoint: /healthz /readyz /metrics", 10*time.Second)["addr"].(string)
	base := "http://" + addr
	logs.wait(t, "daemon started", 10*time.Second)
	for _, where := range []string{"partner folders", "carrier folders", "reports"} {
		logs.wait(t, where, time.Second) // where each output goes, said at start
	}
	if code, body := httpGet(t, base+"/healthz"); code != http.StatusOK {
		t.Fatalf("healthz: %d %s", code, body)
	}

	// Once the start pass has listed the empty folder, only the folder
	// event can bring the file in (the poll is an hour away).
	for deadline := time.Now().Add(5 * time.Second); ; {
		if rd := readyz(t, base); len(rd.Stages) > 0 && rd.Stages[0].Status == "ok" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the start pass did not finish; logs:\n%s", logs)
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Drop the file the way a partner's copy does (create, then write).
	dropped := time.Now()
	if err := os.WriteFile(filepath.Join(dir, "partners", "acme", "inbound", "census-small.csv"), census, 0o600); err != nil {
		t.Fatal(err)
	}
	result := filepath.Join(dir, "partners", "acme", "outbound", "results", "census-small.csv.result.json")
	for {
		if _, err := os.Stat(result); err == nil {
			break
		}
		if time.Since(dropped) > 5*time.Second {
			t.Fatalf("no result file 5s after the drop; logs:\n%s", logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("result file %v after the drop", time.Since(dropped).Round(time.Millisecond))
	var res struct {
		Outcome string `json:"outcome"`
	}
	b, err := os.ReadFile(result)
	if err != nil || json.Unmarshal(b, &res) != nil || res.Outcome != store.OutcomeAccepted {
		t.Fatalf("result file (%v): %s", err, b)
	}
	// The source moves to archive/ right after its result is written.
	for archived := filepath.Join(dir, "partners", "acme", "inbound", "archive", "census-small.csv"); ; {
		_, err := os.Stat(archived)
		if err == nil {
			break
		}
		if time.Since(dropped) > 5*time.Second {
			t.Fatalf("the source was not archived: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}

	// The file shows in the metrics, the pass in /readyz.
	var metrics string
	for deadline := time.Now().Add(2 * time.Second); ; {
		_, metrics = httpGet(t, base+"/metrics")
		if strings.Contains(metrics, `onboard_files_accepted_total{partner="acme"} 1`) || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, want := range []string{
		`onboard_files_received_total{partner="acme"} 1`,
		`onboard_files_accepted_total{partner="acme"} 1`,
		`onboard_groups{partner="acme",status=`,
		`onboard_stage_duration_seconds_count{stage="intake"}`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if rd := readyz(t, base); (rd.code == http.StatusOK) != rd.Ready || !rd.Store.OK || len(rd.Stages) == 0 ||
		rd.Stages[0].Stage != "intake" || rd.Stages[0].Status != "ok" || rd.Stages[0].LastRun == "" {
		t.Fatalf("readyz %d: %s", rd.code, rd.body)
	}

	// The carrier answers: the groups go synced, a bundle per group is
	// delivered and the report shows them.
	sim := exec.Command(bin, "carrier-sim", "-inbox", filepath.Join(dir, "carriers", "bluecross", "inbox"),
		"-acks", filepath.Join(dir, "carriers", "bluecross", "acks"), "-watch")
	if err := sim.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { sim.Process.Signal(syscall.SIGTERM); sim.Wait() }()
	var bundles []string
	for deadline := time.Now().Add(20 * time.Second); ; {
		bundles, _ = filepath.Glob(filepath.Join(dir, "partners", "acme", "outbound", "ldex", "*", "*.json"))
		if len(bundles) >= 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(bundles) != 2 {
		t.Fatalf("bundles %v, want one per group; logs:\n%s", bundles, logs)
	}
	out, err := exec.Command(bin, "status", "-config", cfgPath, "-json").Output()
	if err != nil {
		t.Fatalf("status: %v", err)
	}
	var status struct {
		Groups []struct {
			ExternalIdentifier string `json:"external_identifier"`
			Status             string `json:"status"`
			PolicyNumber       string `json:"policy_number"`
		} `json:"groups"`
	}
	if err := json.Unmarshal(out, &status); err != nil || len(status.Groups) != 2 {
		t.Fatalf("status -json (%v): %s", err, out)
	}
	for _, g := range status.Groups {
		if g.Status != "synced" || g.PolicyNumber == "" {
			t.Errorf("group %s: %s, policy %q", g.ExternalIdentifier, g.Status, g.PolicyNumber)
		}
	}
	for deadline := time.Now().Add(10 * time.Second); ; {
		html, _ := os.ReadFile(filepath.Join(dir, "var", "reports", "status.html"))
		if strings.Contains(string(html), "Peachtree Dental Partners PC") && strings.Count(string(html), `class="badge">synced<`) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the report does not show the synced groups:\n%s", html)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if _, metrics = httpGet(t, base+"/metrics"); !strings.Contains(metrics, `onboard_groups{partner="acme",status="synced"} 2`) {
		t.Errorf("/metrics does not count the synced groups")
	}

	// SIGTERM: a clean stop, status 0.
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v; logs:\n%s", err, logs)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("still running 15s after SIGTERM; logs:\n%s", logs)
	}
	logs.wait(t, "stopped cleanly", time.Second)

	staging := filepath.Join(dir, "var", "staging")
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasSuffix(d.Name(), ".tmp") {
			t.Errorf("temporary file left behind: %s", p)
		}
		if strings.HasPrefix(p, staging+string(filepath.Separator)) && d.Type().IsRegular() {
			t.Errorf("staged file left behind: %s", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "var", "onboard.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.IntegrityCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
	files, err := st.Files(context.Background(), store.FileFilter{PartnerID: "acme"})
	if err != nil || len(files) != 1 || files[0].State != store.FileDone {
		t.Fatalf("stored files %+v (%v), want the census done", files, err)
	}
	if last, err := st.LastRun(context.Background(), "intake:acme"); err != nil || last.IsZero() {
		t.Fatalf("intake's last run was not recorded: %v %v", last, err)
	}
}

func TestSecondSignalExitsAtOnce(t *testing.T) {
	codes := make(chan int, 2)
	exitNow = func(code int) { codes <- code }
	defer func() { exitNow = os.Exit }()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	log := (&Main{Stderr: io.Discard}).logger()
	stopWatch := watchSecondSignal(ctx, log)
	defer stopWatch()

	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-ctx.Done() // the first signal: a graceful stop begins
	select {
	case c := <-codes:
		t.Fatalf("exited (%d) at the first signal", c)
	case <-time.After(100 * time.Millisecond):
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-codes:
		if c != 130 {
			t.Fatalf("exit code %d, want 130", c)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no exit at the second signal")
	}
}

func TestRunUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"unknown flag", []string{"run", "-nope"}, 2, "Usage: onboard run"},
		{"stray argument", []string{"run", "-config", "x.yaml", "extra"}, 2, "Usage: onboard run"},
		{"missing config", []string{"run", "-config", filepath.Join(t.TempDir(), "missing.yaml")}, 1, "missing.yaml"},
		{"help", []string{"run", "-h"}, 0, "-config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := (&Main{Stdout: io.Discard, Stderr: &stderr}).Run(context.Background(), tt.args)
			if code != tt.code || !strings.Contains(stderr.String(), tt.out) {
				t.Fatalf("exit %d (want %d), stderr %q (want %q in it)", code, tt.code, stderr.String(), tt.out)
			}
		})
	}
}
