package api_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	legacyrouter "github.com/getkin/kin-openapi/routers/legacy"

	"github.com/onboard/onboard/engine/api"
)

// The API tests drive the real daemon binary over loopback HTTP: TestMain
// builds it once.
var onboardBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "onboard-api-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	onboardBin = filepath.Join(dir, "onboard")
	build := exec.Command("go", "build", "-o", onboardBin, "github.com/onboard/onboard/cmd/onboard")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the daemon:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// world is one daemon's configuration and folders.
type world struct {
	t    *testing.T
	dir  string
	cfg  string
	addr string
	// keys by caller: acme and beta (partners), portfolio (analyst).
	keys map[string]string
	log  *bytes.Buffer
	cmd  *exec.Cmd
	done chan error
	tls  *tlsFiles
}

type worldOpts struct {
	rateLimit float64
	tls       bool
	// fast: the carrier and ack schedules run every second.
	fast bool
}

type tlsFiles struct{ cert, key string }

func newKey() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func newWorld(t *testing.T, o worldOpts) *world {
	t.Helper()
	w := &world{t: t, dir: t.TempDir(), keys: map[string]string{}, log: &bytes.Buffer{}}
	for _, d := range []string{"keys", "acme/in", "acme/out", "beta/in", "beta/out", "bc/inbox", "bc/acks"} {
		if err := os.MkdirAll(filepath.Join(w.dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for _, who := range []string{"acme", "beta", "portfolio"} {
		w.keys[who] = newKey()
		if err := os.WriteFile(filepath.Join(w.dir, "keys", who+".api-key"), []byte(w.keys[who]+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	w.addr = freeAddr(t)
	schedule := "@every 1h"
	if o.fast {
		schedule = "@every 1s"
	}
	httpCfg := fmt.Sprintf("listen: %s", w.addr)
	if o.rateLimit > 0 {
		httpCfg += fmt.Sprintf(", rate_limit: %g", o.rateLimit)
	}
	if o.tls {
		w.tls = writeTLS(t, w.dir)
		httpCfg += fmt.Sprintf(", tls_cert_file: %s, tls_key_file: %s", w.tls.cert, w.tls.key)
	}
	cfg := fmt.Sprintf(`state: {sqlite: var/onboard.db}
http: {%s}
reports: {dir: var/reports, schedule: "@every 1h"}
analysts: [{id: portfolio, key_file: keys/portfolio.api-key}]
partners:
  - {id: acme, name: ACME Benefits, inbound: {dir: acme/in, schedule: "@every 1h"}, outbound: {dir: acme/out},
     carrier: bluecross, api: {key_file: keys/acme.api-key}}
  - {id: beta, name: Beta Brokers, inbound: {dir: beta/in, schedule: "@every 1h"}, outbound: {dir: beta/out},
     carrier: bluecross, api: {key_files: [keys/beta.api-key]}}
carriers:
  - id: bluecross
    name: Blue Cross Example
    format: x12-834
    mode: change
    schedule: "%s"
    inbox: {dir: bc/inbox}
    acks: {dir: bc/acks, schedule: "%s"}
    x12: {sender_qualifier: ZZ, sender_id: ONBOARD, receiver_qualifier: ZZ, receiver_id: BLUECROSS, usage: T,
          product_lines: {basic_life: AC, accidental_death_dismemberment: ADD}}
    plans:
      - {id: BC-PPO-500, product_line: medical, name: PPO 500, rates: {employee_only: 512.00, employee_spouse: 1024.00, employee_children: 921.60, family: 1433.60}}
      - {id: BC-DEN-STD, product_line: dental, name: Dental Standard, rates: {employee_only: 38.00, employee_spouse: 76.00, employee_children: 84.00, family: 121.00}}
`, httpCfg, schedule, schedule)
	w.cfg = filepath.Join(w.dir, "onboard.yaml")
	if err := os.WriteFile(w.cfg, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		w.stop()
		if t.Failed() {
			t.Logf("daemon log:\n%s", w.log.String())
		}
	})
	return w
}

// start runs the daemon (env adds to the environment) and waits until it
// answers /healthz.
func (w *world) start(env ...string) {
	w.t.Helper()
	cmd := exec.Command(onboardBin, "run", "-config", w.cfg)
	cmd.Dir = w.dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = w.log, w.log
	if err := cmd.Start(); err != nil {
		w.t.Fatal(err)
	}
	w.cmd, w.done = cmd, make(chan error, 1)
	go func() { w.done <- cmd.Wait() }()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-w.done:
			w.cmd = nil
			w.t.Fatalf("the daemon exited before it answered: %v\n%s", err, w.log.String())
		default:
		}
		resp, err := w.client().Get(w.url("/healthz"))
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	w.t.Fatalf("the daemon did not answer /healthz within 20s\n%s", w.log.String())
}

// stop ends the daemon with SIGTERM (a graceful stop).
func (w *world) stop() {
	if w.cmd == nil {
		return
	}
	w.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-w.done:
	case <-time.After(30 * time.Second):
		w.cmd.Process.Kill()
		<-w.done
	}
	w.cmd = nil
}

// exited waits for the daemon to end by itself (a crash point) and
// reports whether it was killed by a signal.
func (w *world) exited(timeout time.Duration) bool {
	w.t.Helper()
	select {
	case err := <-w.done:
		w.cmd = nil
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok {
				return ws.Signaled() && ws.Signal() == syscall.SIGKILL
			}
		}
		return false
	case <-time.After(timeout):
		w.t.Fatalf("the daemon did not end within %s", timeout)
		return false
	}
}

func (w *world) url(path string) string {
	scheme := "http"
	if w.tls != nil {
		scheme = "https"
	}
	return scheme + "://" + w.addr + path
}

func (w *world) client() *http.Client {
	c := &http.Client{Timeout: 30 * time.Second}
	if w.tls != nil {
		c.Transport = &http.Transport{TLSClientConfig: clientTLS(w.t, w.tls.cert)}
	}
	return c
}

// call is one request to the API.
type call struct {
	method, path string
	key          string // the caller's key; "" sends no Authorization
	body         []byte
	header       map[string]string
	// invalid: the request is meant to break the OpenAPI document (an
	// unknown field, a missing required one); the test checks that the
	// document rejects it too.
	invalid bool
}

// reply is the API's answer.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("answer is not a JSON object: %v\n%s", err, r.body)
	}
	return m
}

// do sends c and validates the request and the answer against the
// OpenAPI document the daemon serves: an answer that drifts from it fails
// the test.
func (w *world) do(c call) reply {
	w.t.Helper()
	r, err := w.try(c)
	if err != nil {
		w.t.Fatalf("%s %s: %v", c.method, c.path, err)
	}
	return r
}

func (w *world) try(c call) (reply, error) {
	w.t.Helper()
	var body io.Reader
	if c.body != nil {
		body = bytes.NewReader(c.body)
	}
	req, err := http.NewRequest(c.method, w.url(c.path), body)
	if err != nil {
		return reply{}, err
	}
	if c.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	resp, err := w.client().Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, err
	}
	rep := reply{status: resp.StatusCode, header: resp.Header, body: b}
	validate(w.t, req, c, rep)
	return rep, nil
}

var (
	docRouter routers.Router
	doc       *openapi3.T
)

// router loads the embedded OpenAPI document once.
func router(t *testing.T) routers.Router {
	t.Helper()
	if docRouter != nil {
		return docRouter
	}
	l := openapi3.NewLoader()
	d, err := l.LoadFromData(api.OpenAPI)
	if err != nil {
		t.Fatalf("loading openapi.json: %v", err)
	}
	if err := d.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI document: %v", err)
	}
	d.Servers = nil // any host: the daemon listens on a port picked per test
	r, err := legacyrouter.NewRouter(d)
	if err != nil {
		t.Fatalf("routing openapi.json: %v", err)
	}
	doc, docRouter = d, r
	return r
}

func validate(t *testing.T, req *http.Request, c call, rep reply) {
	t.Helper()
	ctx := context.Background()
	route, params, err := router(t).FindRoute(req)
	if err != nil {
		t.Fatalf("%s %s is not in the OpenAPI document: %v", c.method, c.path, err)
	}
	if c.body != nil {
		req.Body = io.NopCloser(bytes.NewReader(c.body))
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{MultiError: true, AuthenticationFunc: func(context.Context, *openapi3filter.AuthenticationInput) error { return nil }}}
	err = openapi3filter.ValidateRequest(ctx, in)
	switch {
	case c.invalid && err == nil:
		t.Errorf("%s %s: the OpenAPI document accepts a request the test means to be invalid", c.method, c.path)
	case !c.invalid && err != nil:
		t.Errorf("%s %s: the request does not match the OpenAPI document: %v", c.method, c.path, err)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rep.status, Header: rep.header,
		Body: io.NopCloser(bytes.NewReader(rep.body)), Options: &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true}}
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		t.Errorf("%s %s: the %d answer does not match the OpenAPI document: %v\n%s", c.method, c.path, rep.status, err, rep.body)
	}
}

// seed is the group request body of the Ideon API documentation, as is.
func seed(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "group-ideon.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// str walks a decoded JSON value: str(m, "group", "id").
func str(v any, path ...any) string {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return ""
			}
			v = a[k]
		}
	}
	s, _ := v.(string)
	return s
}

func errorsOf(t *testing.T, r reply) []map[string]any {
	t.Helper()
	var e struct {
		Errors []map[string]any `json:"errors"`
	}
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("not an error answer: %v\n%s", err, r.body)
	}
	return e.Errors
}

func hasParam(errs []map[string]any, param string) bool {
	for _, e := range errs {
		if e["parameter"] == param {
			return true
		}
	}
	return false
}

func mustStatus(t *testing.T, r reply, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d\n%s", r.status, want, strings.TrimSpace(string(r.body)))
	}
}

// execOnboard runs a one-shot onboard command in dir.
func execOnboard(t *testing.T, dir string, args ...string) error {
	t.Helper()
	cmd := exec.Command(onboardBin, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w\n%s", err, out)
	}
	return nil
}
