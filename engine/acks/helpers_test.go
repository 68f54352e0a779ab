package acks

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/intake"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/store/sqlite"
	"github.com/onboard/onboard/engine/transmit"
	"github.com/onboard/onboard/engine/transport"
)

// testConfig is one partner and one X12 carrier; %s is extra carrier
// settings.
const testConfig = `
state: {sqlite: var/onboard.db}
partners:
  - id: acme
    name: ACME Benefits
    inbound: {dir: var/in, settle: 0s}
    outbound: {dir: var/out}
    mapping: census-standard
    carrier: bluecross
carriers:
  - id: bluecross
    name: Blue Cross Example
    format: x12-834
    inbox: {dir: var/carrier/inbox}
    acks: {dir: var/carrier/acks}
    ack_timeout: 48h
    x12: {sender_id: ONBOARD, receiver_id: BLUECROSS, product_lines: {basic_life: AC, accidental_death_dismemberment: ADD}}
    plans:
      - {id: BC-PPO-500, product_line: medical, name: PPO 500, rates: {employee_only: 512.00}}
      - {id: BC-HMO-250, product_line: medical, name: HMO 250, rates: {employee_only: 431.00}}
      - {id: BC-DEN-STD, product_line: dental, name: Dental Standard, rates: {employee_only: 38.00}}
      - {id: BC-VIS-BASIC, product_line: vision, name: Vision Basic, rates: {employee_only: 9.50}}
      - {id: BC-LIFE-50K, product_line: basic_life, name: Basic Life 50K, rates: {employee_only: 6.25}}
      - {id: BC-ADD-50K, product_line: accidental_death_dismemberment, name: AD&D 50K, rates: {employee_only: 2.10}}
%s`

// sentFile is the name of the 834 the env delivers: the clock's time and
// ISA13 1.
const sentFile = "bluecross-20270115093000-000000001.834"

// env is the acknowledgement stage over a real store holding the two
// groups of census-small.csv, delivered to the carrier in one 834
// (ISA13 1, GS06 1; GCM-001 in set 0001, PDP-014 in set 0002).
type env struct {
	t       *testing.T
	ctx     context.Context
	cfg     *config.Config
	st      *sqlite.Store
	now     time.Time
	ak      *Acker
	acksDir string
	inbox   string
	ids     int
}

func newEnv(t *testing.T, carrierExtra string) *env {
	t.Helper()
	return newEnvCensus(t, carrierExtra, "census-small.csv")
}

// newEnvCensus is newEnv with another census of testdata/ delivered.
func newEnvCensus(t *testing.T, carrierExtra, census string) *env {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "onboard.yaml")
	if err := os.WriteFile(path, []byte(fmt.Sprintf(testConfig, carrierExtra)), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatalf("loading config: %v", err)
	}
	e := &env{t: t, ctx: context.Background(), cfg: cfg, now: time.Date(2027, 1, 15, 9, 30, 0, 0, time.UTC),
		acksDir: filepath.Join(dir, "var/carrier/acks"), inbox: filepath.Join(dir, "var/carrier/inbox")}
	st, err := sqlite.Open(e.ctx, cfg.State.SQLite, sqlite.WithClock(func() time.Time { return e.now }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e.st = st
	for _, d := range []string{filepath.Join(dir, "var/in"), filepath.Join(dir, "var/out"), e.acksDir, e.inbox} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			t.Fatal(err)
		}
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	folders := map[string]transport.Folder{}
	open := func(ctx context.Context, f config.Folder) (transport.Folder, error) {
		if fo, ok := folders[f.Dir]; ok {
			return fo, nil
		}
		fo, err := transport.NewLocal(f.Dir)
		if err != nil {
			return nil, err
		}
		t.Cleanup(func() { fo.Close() })
		folders[f.Dir] = fo
		return fo, nil
	}

	// Intake and transmission, as the earlier stages do it.
	data, err := os.ReadFile(filepath.Join("testdata", census))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "var/in", census), data, 0o600); err != nil {
		t.Fatal(err)
	}
	in := intake.New(st, cfg, open, log)
	in.Now = func() time.Time { return e.now }
	sum, err := in.Pass(e.ctx, cfg.Partner("acme"))
	if err != nil || sum.LastErr != nil || len(sum.Files) != 1 || sum.Files[0].Outcome != store.OutcomeAccepted {
		t.Fatalf("intake: %+v, %v", sum, err)
	}
	c := cfg.Carrier("bluecross")
	tr, err := transmit.New(st, c, open, cfg.State.Staging, log)
	if err != nil {
		t.Fatal(err)
	}
	tr.Now = func() time.Time { return e.now }
	res, err := tr.Run(e.ctx)
	if err != nil || len(res.Deliveries) != 1 || res.Deliveries[0].FileName != sentFile {
		t.Fatalf("transmit: %+v, %v", res, err)
	}

	e.ak = New(st, c, open, cfg.State.Staging, log)
	e.ak.Now = func() time.Time { return e.now }
	e.ak.NewID = func() string {
		e.ids++
		return fmt.Sprintf("ack-%d", e.ids)
	}
	return e
}

// testdata returns a file of testdata/.
func testdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// drop puts a testdata file (or data) in the acks folder under name.
func (e *env) drop(name string, data []byte) {
	e.t.Helper()
	if data == nil {
		data = testdata(e.t, name)
	}
	if err := os.WriteFile(filepath.Join(e.acksDir, name), data, 0o600); err != nil {
		e.t.Fatal(err)
	}
}

// run runs the stage and fails the test on an operational error.
func (e *env) run() Result {
	e.t.Helper()
	res, err := e.ak.Run(e.ctx)
	if err != nil {
		e.t.Fatalf("run: %v", err)
	}
	return res
}

// group returns a group's record by external identifier.
func (e *env) group(ext string) *store.GroupRecord {
	e.t.Helper()
	g, err := e.st.GroupByExternal(e.ctx, "acme", ext)
	if err != nil {
		e.t.Fatal(err)
	}
	return g
}

// statuses returns "GROUP=status SUB=status ..." of a group, subscribers
// in store order.
func (e *env) statuses(ext string) string {
	e.t.Helper()
	g := e.group(ext)
	subs, err := e.st.Subscribers(e.ctx, g.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	parts := []string{ext + "=" + string(g.Status)}
	for _, s := range subs {
		parts = append(parts, s.ExternalIdentifier+"="+string(s.Status))
	}
	return strings.Join(parts, " ")
}

// subscriber returns one subscriber's record.
func (e *env) subscriber(groupExt, ext string) store.SubscriberRecord {
	e.t.Helper()
	subs, err := e.st.Subscribers(e.ctx, e.group(groupExt).ID)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, s := range subs {
		if s.ExternalIdentifier == ext {
			return s
		}
	}
	e.t.Fatalf("no subscriber %s in %s", ext, groupExt)
	return store.SubscriberRecord{}
}

// transmission returns the delivered transmission.
func (e *env) transmission() *store.TransmissionRecord {
	e.t.Helper()
	tr, err := e.st.TransmissionByFile(e.ctx, "bluecross", sentFile)
	if err != nil {
		e.t.Fatal(err)
	}
	return tr
}

// exists reports whether a file is in the acks folder (slash path).
func (e *env) exists(name string) bool {
	_, err := os.Stat(filepath.Join(e.acksDir, filepath.FromSlash(name)))
	return err == nil
}

// read returns a file of the acks folder.
func (e *env) read(name string) string {
	e.t.Helper()
	b, err := os.ReadFile(filepath.Join(e.acksDir, filepath.FromSlash(name)))
	if err != nil {
		e.t.Fatal(err)
	}
	return string(b)
}

// messages returns the messages and parameters of errors.
func messages(errs []model.Error) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Parameter+": "+e.Message)
	}
	return out
}

// events returns a group's history as "WHO FROM>TO reason" lines.
func (e *env) events(ext string) []string {
	e.t.Helper()
	evs, err := e.st.Events(e.ctx, e.group(ext).ID)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, ev := range evs {
		who := "group"
		if ev.Subscriber != "" {
			who = ev.Subscriber
		}
		out = append(out, fmt.Sprintf("%s %s>%s %s [%s]", who, ev.From, ev.To, ev.Reason, ev.Source))
	}
	return out
}
