//go:build unix

package main

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/ldex/pushtest"
)

// TestPushSurvivesSIGKILL kills `onboard once` while the partner's
// receiver holds the first bundle's POST. The receiver applies a bundle
// only when it answers it 2xx (the killed request is never answered); the
// next pass sends it again under the same Idempotency-Key, and from then
// on each bundle is applied exactly once and never sent again.
func TestPushSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildOnboard(t)
	dir := t.TempDir()

	var mu sync.Mutex
	applied := map[string]int{}
	holding := make(chan struct{}, 1)
	rcv := pushtest.New(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			holding <- struct{}{}
			<-r.Context().Done() // the client went away: nothing applied
			return
		}
		mu.Lock()
		applied[r.Header.Get("Idempotency-Key")]++
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	})
	secret := filepath.Join(dir, "push-secret")
	if err := os.WriteFile(secret, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	conf := strings.Replace(e2eConfig, "    ldex: {schedule: \"@every 1h\"}\n",
		"    ldex: {schedule: \"@every 1h\"}\n    push: {url: \""+rcv.URL+"/bundles\", secret_file: "+secret+", ca_file: "+rcv.CAFile+", timeout: 2m}\n", 1)
	cfg := filepath.Join(dir, "onboard.yaml")
	if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	census, err := os.ReadFile(filepath.Join("..", "..", "testdata", "census-small.csv"))
	if err != nil {
		t.Fatal(err)
	}
	inbound := filepath.Join(dir, "partners", "acme", "inbound")
	inbox, acks := filepath.Join(dir, "carriers", "bluecross", "inbox"), filepath.Join(dir, "carriers", "bluecross", "acks")
	for _, d := range []string{inbound, inbox, acks} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("onboard %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	os.WriteFile(filepath.Join(inbound, "census-small.csv"), census, 0o600)
	run("once", "-config", cfg)
	run("carrier-sim", "-inbox", inbox, "-acks", acks)

	// The pass that syncs the groups builds their bundles and pushes the
	// first: killed while the receiver holds it.
	cmd := exec.Command(bin, "once", "-config", cfg)
	cmd.Dir = dir
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-holding:
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatal("the receiver never got a bundle")
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	run("once", "-config", cfg)
	run("once", "-config", cfg) // nothing left to send
	reqs := rcv.Requests()
	mu.Lock()
	defer mu.Unlock()
	for i, r := range reqs {
		t.Logf("request %d: Idempotency-Key %s", i+1, r.Header.Get("Idempotency-Key"))
	}
	if len(applied) != 2 {
		t.Fatalf("bundles applied: %v, want both groups' once", applied)
	}
	for id, n := range applied {
		if n != 1 {
			t.Errorf("bundle %s applied %d times", id, n)
		}
	}
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3 (the killed one, its resend, the other bundle)", len(reqs))
	}
	first := reqs[0]
	var resent bool
	for _, r := range reqs[1:] {
		if r.Header.Get("Idempotency-Key") == first.Header.Get("Idempotency-Key") {
			resent = string(r.Body) == string(first.Body)
		}
	}
	if !resent {
		t.Fatal("the bundle in flight at the kill was not sent again with the same key and body")
	}
	hist := run("history", "-config", cfg, "acme:GCM-001") + run("history", "-config", cfg, "acme:PDP-014")
	if strings.Count(hist, "pushed to "+rcv.URL+"/bundles (HTTP 200") != 2 {
		t.Fatalf("history does not show both pushes:\n%s", hist)
	}
}
