package engine

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/intake"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// opsConfig is one partner and one carrier on local folders under dir.
func opsConfig(dir string) *config.Config {
	return &config.Config{
		Partners: []config.Partner{{ID: "acme",
			Inbound:  config.Inbound{Folder: config.Folder{Dir: filepath.Join(dir, "acme", "inbound")}},
			Outbound: config.Folder{Dir: filepath.Join(dir, "acme", "outbound")}}},
		Carriers: []config.Carrier{{ID: "bc",
			Inbox: config.Folder{Dir: filepath.Join(dir, "bc", "inbox")},
			Acks:  config.Acks{Folder: config.Folder{Dir: filepath.Join(dir, "bc", "acks")}}}},
	}
}

func get(t *testing.T, srv *httptest.Server, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

func readyz(t *testing.T, srv *httptest.Server) (int, Readiness) {
	t.Helper()
	code, body := get(t, srv, "/readyz")
	var rd Readiness
	if err := json.Unmarshal([]byte(body), &rd); err != nil {
		t.Fatalf("readyz body %q: %v", body, err)
	}
	return code, rd
}

func TestHealthz(t *testing.T) {
	d := mustDaemon(t, newTestEngine(t, nil, nil))
	srv := httptest.NewServer(d.Handler())
	defer srv.Close()
	code, body := get(t, srv, "/healthz")
	if code != http.StatusOK || strings.TrimSpace(body) != "{\n  \"status\": \"ok\"\n}" {
		t.Fatalf("healthz: %d %q", code, body)
	}
	if code, _ := get(t, srv, "/nothing"); code != http.StatusNotFound {
		t.Fatalf("unknown path: %d", code)
	}
}

func TestReadyzReportsStoreFoldersAndStages(t *testing.T) {
	cfg := opsConfig(t.TempDir())
	var in counting
	intakeJob := in.job("intake:acme", "intake", "")
	intakeJob.Partner = "acme"
	transmit := Job{Name: "transmit:bc", Stage: "transmit", Carrier: "bc", Schedule: "@every 1h",
		Run: func(context.Context) error { return errors.New("writing to the carrier inbox: disk full") }}
	d := mustDaemon(t, newTestEngine(t, cfg, nil, transmit, intakeJob))
	srv := httptest.NewServer(d.Handler())
	defer srv.Close()

	code, rd := readyz(t, srv)
	if code != http.StatusOK || !rd.Ready || rd.Status != "ready" || !rd.Store.OK {
		t.Fatalf("before any pass: %d %+v", code, rd)
	}
	if len(rd.Folders) != 4 {
		t.Fatalf("folders %+v, want inbound, outbound, inbox, acks", rd.Folders)
	}
	for _, f := range rd.Folders {
		if !f.OK || f.Folder == "" || f.Role == "" {
			t.Errorf("folder %+v not reachable", f)
		}
	}
	if len(rd.Stages) != 2 || rd.Stages[0].Stage != "intake" || rd.Stages[1].Stage != "transmit" {
		t.Fatalf("stages %+v, want intake then transmit (pass order)", rd.Stages)
	}
	for _, s := range rd.Stages {
		if s.Status != StatusNeverRan || s.LastRun != nil {
			t.Errorf("stage %+v ran before the daemon started", s)
		}
	}

	stop := start(t, d)
	waitFor(t, "the start passes", func() bool {
		return in.runs() == 1 && d.runnerOf("transmit:bc").snapshot().runs == 1
	})
	code, rd = readyz(t, srv)
	if code != http.StatusServiceUnavailable || rd.Ready || rd.Status != "not_ready" {
		t.Fatalf("after a failed pass: %d ready=%v status=%s", code, rd.Ready, rd.Status)
	}
	in0, tr := rd.Stages[0], rd.Stages[1]
	if in0.Status != StatusOK || in0.LastRun == nil || in0.LastSuccess == nil || in0.Jobs[0].Partner != "acme" || in0.Jobs[0].Runs != 1 {
		t.Errorf("intake stage %+v", in0)
	}
	if tr.Status != StatusFailed || tr.LastRun == nil || tr.LastSuccess != nil ||
		tr.Jobs[0].Status != StatusFailed || !strings.Contains(tr.Jobs[0].Error, "disk full") || tr.Jobs[0].Schedule != "@every 1h" {
		t.Errorf("transmit stage %+v", tr)
	}

	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if code, rd := readyz(t, srv); code != http.StatusServiceUnavailable || rd.Status != "stopping" {
		t.Fatalf("after the stop: %d %s", code, rd.Status)
	}
}

func TestReadyzUnreachableFolder(t *testing.T) {
	dir := t.TempDir()
	cfg := opsConfig(dir)
	blocker := filepath.Join(dir, "not-a-dir")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg.Carriers[0].Inbox.Dir = filepath.Join(blocker, "inbox") // cannot exist
	d := mustDaemon(t, newTestEngine(t, cfg, nil))
	srv := httptest.NewServer(d.Handler())
	defer srv.Close()
	code, rd := readyz(t, srv)
	if code != http.StatusServiceUnavailable || rd.Ready {
		t.Fatalf("ready with an unreachable inbox: %d %+v", code, rd)
	}
	var bad []FolderCheck
	for _, f := range rd.Folders {
		if !f.OK {
			bad = append(bad, f)
		}
	}
	if len(bad) != 1 || bad[0].Role != "inbox" || bad[0].Carrier != "bc" || bad[0].Error == "" {
		t.Fatalf("unreachable folders %+v, want the carrier inbox with its error", bad)
	}
}

func TestMetricsExposition(t *testing.T) {
	cfg := opsConfig(t.TempDir())
	var tr counting
	e := newTestEngine(t, cfg, nil, tr.job("transmit:bc", "transmit", "@every 1h"))
	ctx := context.Background()
	if err := e.Store.Update(ctx, func(tx store.Tx) error {
		_, err := tx.SaveGroup(ctx, &model.Group{ID: "g1", ExternalIdentifier: "GCM-001", PartnerID: "acme", CarrierID: "bc",
			Employer:    model.Employer{OrganizationName: "Gulf Coast"},
			Subscribers: []model.Subscriber{{ID: "s1", ExternalIdentifier: "E1", FirstName: "Maria", LastName: "Alvarez"}}},
			store.Save{ContentHash: "v1", SubscriberHashes: map[string]string{"E1": "a"}, Reason: "test"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	d := mustDaemon(t, e)
	stop := start(t, d)
	waitFor(t, "the transmit pass", func() bool { return tr.runs() == 1 && d.runnerOf("transmit:bc").snapshot().runs == 1 })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	d.metrics.observeIntake("acme", intake.Summary{Failed: 1, Files: []intake.FileSummary{
		{Outcome: store.OutcomeAccepted}, {Outcome: store.OutcomePartiallyAccepted},
		{Outcome: store.OutcomeRejected}, {Outcome: store.OutcomeDuplicate}}})
	e.Metrics.TransmissionsSent("bc", 2)
	e.Metrics.AcksReceived("bc", "accepted", 1)
	e.Metrics.BundlesDelivered("acme", 1)

	srv := httptest.NewServer(d.Handler())
	defer srv.Close()
	code, body := get(t, srv, "/metrics")
	if code != http.StatusOK {
		t.Fatalf("metrics: %d %s", code, body)
	}
	for _, want := range []string{
		`onboard_files_received_total{partner="acme"} 4`,
		`onboard_files_accepted_total{partner="acme"} 2`,
		`onboard_files_rejected_total{partner="acme"} 2`,
		`onboard_files_failed_total{partner="acme"} 1`,
		`onboard_transmissions_total{carrier="bc"} 2`,
		`onboard_acks_total{carrier="bc",result="accepted"} 1`,
		`onboard_bundles_total{partner="acme"} 1`,
		`onboard_groups{partner="acme",status="pending"} 1`,
		`onboard_groups{partner="acme",status="synced"} 0`,
		`onboard_groups{partner="acme",status="errors"} 0`,
		`onboard_job_runs_total{job="transmit:bc",result="ok",stage="transmit"} 1`,
		`onboard_stage_duration_seconds_count{stage="transmit"} 1`,
		`onboard_stage_last_success_timestamp_seconds{stage="transmit"} `,
		`go_goroutines `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	// Our own registry, never the global one.
	mfs, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if strings.HasPrefix(mf.GetName(), "onboard_") {
			t.Fatalf("%s is on the global registry", mf.GetName())
		}
	}
}

func TestMetricsMethodsAreNilSafe(t *testing.T) {
	var m *Metrics
	m.FileProcessed("acme", store.OutcomeAccepted)
	m.FilesFailed("acme", 1)
	m.TransmissionsSent("bc", 1)
	m.AcksReceived("bc", "rejected", 1)
	m.BundlesDelivered("acme", 1)
	m.observeRun(&Job{Name: "x", Stage: "x"}, time.Time{}, 0, nil)
}

func TestFolderString(t *testing.T) {
	tests := []struct {
		f    config.Folder
		want string
	}{
		{config.Folder{Dir: "/var/in"}, "/var/in"},
		{config.Folder{SFTP: &config.SFTP{User: "u", Address: "host:22", Dir: "/outbox", Password: "secret"}}, "sftp://u@host:22/outbox"},
	}
	for _, tt := range tests {
		if got := FolderString(tt.f); got != tt.want {
			t.Errorf("FolderString = %q, want %q", got, tt.want)
		}
	}
}
