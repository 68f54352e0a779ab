package ldex

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/ldex/pushtest"
	"github.com/onboard/onboard/engine/store"
)

// receiver is a partner's HTTPS endpoint on loopback, with a certificate
// from a test CA that onboard trusts by push.ca_file.
type receiver struct {
	srv    *httptest.Server
	caFile string
	mu     sync.Mutex
	got    []*http.Request
	bodies [][]byte
	answer func(n int, w http.ResponseWriter) // n counts from 1
}

func newReceiver(t *testing.T, answer func(n int, w http.ResponseWriter)) *receiver {
	t.Helper()
	r := &receiver{answer: answer}
	var leaf tls.Certificate
	r.caFile, leaf = pushtest.NewCA(t, t.TempDir())
	r.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, req)
		r.bodies = append(r.bodies, body)
		n := len(r.got)
		r.mu.Unlock()
		r.answer(n, w)
	}))
	r.srv.TLS = &tls.Config{Certificates: []tls.Certificate{leaf}}
	r.srv.StartTLS()
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

const pushSecret = "whsec-test-secret"

// pushFixture is a fixture whose partner pushes to rcv, with one group
// onboarded and its bundle built (and queued).
func pushFixture(t *testing.T, rcv *receiver, timeout time.Duration) (*fixture, string) {
	t.Helper()
	f := newFixture(t)
	secret := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(secret, []byte(pushSecret+"\n"), 0o600)
	f.cfg.Partners[0].Push = &config.Push{URL: rcv.srv.URL + "/bundles", SecretFile: secret, CAFile: rcv.caFile, Timeout: config.Duration(timeout)}
	g := sampleGroup("GCM-001")
	f.onboard(g, "BCX-778812")
	res := f.run(Scope{})
	if len(res.Delivered) != 1 {
		t.Fatalf("bundle run: %+v", res)
	}
	return f, g.ID
}

func (f *fixture) push() PushResult {
	f.t.Helper()
	res, err := f.d.Push(f.ctx, "acme")
	if err != nil {
		f.t.Fatalf("push: %v", err)
	}
	return res
}

func (f *fixture) pushes() []store.PushRecord {
	f.t.Helper()
	all, err := f.st.Pushes(f.ctx, "acme")
	if err != nil {
		f.t.Fatal(err)
	}
	return all
}

// checkSignature verifies a request as a receiver would.
func checkSignature(t *testing.T, req *http.Request, body []byte) {
	t.Helper()
	sig := req.Header.Get(SignatureHeader)
	var ts, v1 string
	for _, part := range strings.Split(sig, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			v1 = v
		}
	}
	if _, err := strconv.ParseInt(ts, 10, 64); err != nil {
		t.Fatalf("signature %q has no time", sig)
	}
	m := hmac.New(sha256.New, []byte(pushSecret))
	m.Write([]byte(ts + "."))
	m.Write(body)
	if want := hex.EncodeToString(m.Sum(nil)); !hmac.Equal([]byte(v1), []byte(want)) {
		t.Fatalf("signature %q does not verify (want v1=%s)", sig, want)
	}
}

func TestPushFailsThreeTimesThenDelivers(t *testing.T) {
	rcv := newReceiver(t, func(n int, w http.ResponseWriter) {
		if n <= 3 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	})
	f, groupID := pushFixture(t, rcv, 5*time.Second)
	var waits []time.Duration
	for i := 1; i <= 3; i++ {
		if res := f.push(); res.Failed != 1 {
			t.Fatalf("attempt %d: %+v", i, res)
		}
		p := f.pushes()[0]
		waits = append(waits, p.NextAttempt.Sub(f.clock.Now()))
		if p.Attempts != i || !strings.Contains(p.LastError, "503") {
			t.Fatalf("after attempt %d: %+v", i, p)
		}
		// Not due yet: nothing is sent.
		if res := f.push(); res != (PushResult{}) || rcv.count() != i {
			t.Fatalf("a push before its retry time: %+v, %d requests", res, rcv.count())
		}
		f.clock.Advance(p.NextAttempt.Sub(f.clock.Now()))
	}
	// Exponential: each wait about twice the one before (less jitter).
	if !(waits[0] > 20*time.Second && waits[0] <= 30*time.Second && waits[1] > 45*time.Second && waits[2] > 95*time.Second) {
		t.Fatalf("waits %v are not an exponential backoff from 30s", waits)
	}
	if res := f.push(); res.Delivered != 1 {
		t.Fatalf("fourth attempt: %+v", res)
	}
	p := f.pushes()[0]
	if p.State != store.PushDelivered || p.Attempts != 4 {
		t.Fatalf("after delivery: %+v", p)
	}
	// Final: never sent again.
	f.clock.Advance(48 * time.Hour)
	f.push()
	if rcv.count() != 4 {
		t.Fatalf("%d requests, want 4", rcv.count())
	}
	_, bundle := f.readBundle(f.files("ldex")[0])
	for i, req := range rcv.got {
		checkSignature(t, req, rcv.bodies[i])
		if string(rcv.bodies[i]) != string(bundle) || req.Header.Get("Idempotency-Key") != p.ID || req.URL.Path != "/bundles" ||
			req.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("request %d: %s %v", i, req.URL, req.Header)
		}
	}
	// The push's history event is not news to the partner: the next LDEx
	// pass builds no new bundle for it.
	if res := f.run(Scope{}); len(res.Delivered) != 0 {
		t.Fatalf("a push made a new bundle: %+v", res)
	}
	events, err := f.st.Events(f.ctx, groupID)
	if err != nil {
		t.Fatal(err)
	}
	last := events[len(events)-1]
	if !strings.Contains(last.Reason, "LDEx bundle "+p.ID+" pushed to "+rcv.srv.URL+"/bundles (HTTP 202, attempt 4)") {
		t.Fatalf("history does not show the push: %+v", last)
	}
}

func TestPushReceiverHangs(t *testing.T) {
	release := make(chan struct{})
	rcv := newReceiver(t, func(n int, w http.ResponseWriter) {
		if n == 1 {
			<-release
		}
		w.WriteHeader(http.StatusOK)
	})
	defer close(release)
	f, _ := pushFixture(t, rcv, 300*time.Millisecond)
	start := time.Now()
	if res := f.push(); res.Failed != 1 {
		t.Fatalf("hanging receiver: %+v", res)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("a hanging receiver held the push for %s", took)
	}
	if p := f.pushes()[0]; !strings.Contains(p.LastError, "no answer within 300ms") {
		t.Fatalf("last error %q", p.LastError)
	}
	f.clock.Advance(time.Hour)
	if res := f.push(); res.Delivered != 1 {
		t.Fatalf("after the hang: %+v", res)
	}
}

func TestPushGoneIsFinal(t *testing.T) {
	rcv := newReceiver(t, func(n int, w http.ResponseWriter) { w.WriteHeader(http.StatusGone) })
	f, groupID := pushFixture(t, rcv, 5*time.Second)
	if res := f.push(); res.Abandoned != 1 {
		t.Fatalf("410: %+v", res)
	}
	f.clock.Advance(48 * time.Hour)
	f.push()
	if rcv.count() != 1 {
		t.Fatalf("%d requests after 410, want 1", rcv.count())
	}
	acts, _ := f.st.PendingActions(f.ctx, groupID)
	var action string
	for _, a := range acts {
		if a.Kind == PushActionKind {
			action = a.Message
		}
	}
	if !strings.Contains(action, "410 Gone") {
		t.Fatalf("pending action %q", action)
	}
	fb := f.files("feedback")
	if len(fb) != 1 {
		t.Fatalf("feedback: %v", fb)
	}
	text, _ := os.ReadFile(filepath.Join(f.outbound, fb[0]))
	if !strings.Contains(string(text), "could not be delivered to "+rcv.srv.URL) {
		t.Fatalf("feedback: %s", text)
	}
}

func TestPushGivesUpAfterADay(t *testing.T) {
	rcv := newReceiver(t, func(n int, w http.ResponseWriter) { w.WriteHeader(http.StatusInternalServerError) })
	f, groupID := pushFixture(t, rcv, 5*time.Second)
	for i := 0; i < 40 && f.pushes()[0].State == store.PushPending; i++ {
		f.push()
		f.clock.Advance(f.pushes()[0].NextAttempt.Sub(f.clock.Now()))
	}
	p := f.pushes()[0]
	if p.State != store.PushAbandoned || p.DoneAt.Sub(p.CreatedAt) < PushGiveUp || p.DoneAt.Sub(p.CreatedAt) > PushGiveUp+PushMaxRetry {
		t.Fatalf("after a day of failures: %+v", p)
	}
	if p.Attempts < 18 || p.Attempts > 24 { // 8 doublings to the cap, then every 2h (less jitter)
		t.Fatalf("%d attempts in a day: the backoff is not capped at %s", p.Attempts, PushMaxRetry)
	}
	acts, _ := f.st.PendingActions(f.ctx, groupID)
	if len(acts) == 0 {
		t.Fatal("no pending action after giving up")
	}
}

func TestPushRefusesRedirectsAndUntrustedCertificates(t *testing.T) {
	other := newReceiver(t, func(n int, w http.ResponseWriter) { w.WriteHeader(http.StatusOK) })
	rcv := newReceiver(t, func(n int, w http.ResponseWriter) {
		w.Header().Set("Location", other.srv.URL+"/elsewhere")
		w.WriteHeader(http.StatusTemporaryRedirect)
	})
	f, _ := pushFixture(t, rcv, 5*time.Second)
	if res := f.push(); res.Failed != 1 {
		t.Fatalf("redirect: %+v", res)
	}
	if p := f.pushes()[0]; !strings.Contains(p.LastError, "does not follow redirects") || other.count() != 0 {
		t.Fatalf("redirect followed or not explained: %q, %d requests elsewhere", p.LastError, other.count())
	}

	// The system roots do not know the test CA.
	f.cfg.Partners[0].Push.CAFile = ""
	f.clock.Advance(time.Hour)
	if res := f.push(); res.Failed != 1 {
		t.Fatalf("untrusted certificate: %+v", res)
	}
	if p := f.pushes()[0]; !strings.Contains(p.LastError, "certificate") {
		t.Fatalf("untrusted certificate error %q", p.LastError)
	}
}
