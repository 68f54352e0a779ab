package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/api"
	"github.com/onboard/onboard/engine/crash"
	"github.com/onboard/onboard/formats/x12/x12guide"
)

// history returns a group's events.
func history(t *testing.T, w *world, key, id string) []map[string]any {
	t.Helper()
	r := w.do(call{method: "GET", path: "/groups/" + id + "/history", key: key})
	mustStatus(t, r, http.StatusOK)
	var h struct{ Events []map[string]any }
	if err := json.Unmarshal(r.body, &h); err != nil {
		t.Fatal(err)
	}
	return h.Events
}

// withoutDeliveries leaves out the events of a carrier delivery: a daemon
// (re)started in a test may run a transmit schedule it missed, which says
// nothing about how often a request was applied.
func withoutDeliveries(ev []map[string]any) []map[string]any {
	var out []map[string]any
	for _, e := range ev {
		if !strings.HasPrefix(str(e, "reason"), "sent to carrier ") {
			out = append(out, e)
		}
	}
	return out
}

// TestIdempotencyKey: the same key and body get the first answer again,
// nothing applied twice, also after a restart; the same key with another
// body is 409.
func TestIdempotencyKey(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.start()
	acme := w.keys["acme"]
	key := map[string]string{"Idempotency-Key": "order-42"}
	first := w.do(call{method: "POST", path: "/groups", key: acme, body: seed(t), header: key})
	mustStatus(t, first, http.StatusCreated)
	id := str(first.json(t), "group", "id")

	again := w.do(call{method: "POST", path: "/groups", key: acme, body: seed(t), header: key})
	if again.status != http.StatusCreated || !bytes.Equal(again.body, first.body) {
		t.Errorf("the same key and body answered %d, not the first answer:\n%s\n%s", again.status, again.body, first.body)
	}
	other := w.do(call{method: "POST", path: "/groups", key: acme, body: groupJSON("Other", 1), header: key})
	mustStatus(t, other, http.StatusConflict)
	if errs := errorsOf(t, other); len(errs) != 1 || errs[0]["error_type"] != "idempotency_conflict" {
		t.Errorf("409 body %s", other.body)
	}
	// Keys are the caller's own: another partner's same key is new.
	mustStatus(t, w.do(call{method: "POST", path: "/groups", key: w.keys["beta"], body: seed(t), header: key}), http.StatusCreated)

	w.stop()
	w.start()
	after := w.do(call{method: "POST", path: "/groups", key: acme, body: seed(t), header: key})
	if after.status != http.StatusCreated || !bytes.Equal(after.body, first.body) {
		t.Errorf("after a restart the same key answered %d:\n%s", after.status, after.body)
	}
	if n := len(withoutDeliveries(history(t, w, acme, id))); n != 1 {
		t.Errorf("%d status events; the group was applied more than once", n)
	}
	// The same new key sent twice at once: one decides, the other waits
	// for its answer.
	twice := map[string]string{"Idempotency-Key": "order-43"}
	answers := make(chan reply, 2)
	for i := 0; i < 2; i++ {
		go func() {
			r, err := w.try(call{method: "POST", path: "/groups", key: acme, body: groupJSON("Twice", 3), header: twice})
			if err != nil {
				t.Error(err)
			}
			answers <- r
		}()
	}
	a1, a2 := <-answers, <-answers
	if a1.status != http.StatusCreated || a2.status != http.StatusCreated || !bytes.Equal(a1.body, a2.body) {
		t.Errorf("the same key at once answered %d and %d:\n%s\n%s", a1.status, a2.status, a1.body, a2.body)
	}
	if ev := withoutDeliveries(history(t, w, acme, str(a1.json(t), "group", "id"))); len(ev) != 4 {
		t.Errorf("%d events for a group of 3 subscribers sent twice at once with one key; want 4", len(ev))
	}
	// Without the key the same body is decided again: unchanged, 200.
	mustStatus(t, w.do(call{method: "POST", path: "/groups", key: acme, body: seed(t)}), http.StatusOK)
	l := w.do(call{method: "GET", path: "/groups", key: acme})
	if l.header.Get("Total") != "2" {
		t.Errorf("Total %s", l.header.Get("Total"))
	}
}

// TestCrashBetweenCommitAndAnswer: the daemon is killed (SIGKILL) after a
// write commits and before it answers. The client sees no answer; its
// retry with the same Idempotency-Key gets the stored one, with the ids
// of what was committed, and nothing is applied twice.
func TestCrashBetweenCommitAndAnswer(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.start(crash.Env + "=" + api.CrashCommitted)
	acme := w.keys["acme"]
	body := groupJSON("Crash1", 5)
	key := map[string]string{"Idempotency-Key": "crash-retry-1"}
	if r, err := w.try(call{method: "POST", path: "/groups", key: acme, body: body, header: key}); err == nil {
		t.Fatalf("the daemon answered %d although it was to die before answering", r.status)
	}
	if !w.exited(10 * time.Second) {
		t.Fatal("the daemon did not die by SIGKILL at the crash point")
	}

	w.start()
	r := w.do(call{method: "POST", path: "/groups", key: acme, body: body, header: key})
	mustStatus(t, r, http.StatusCreated)
	m := r.json(t)
	id := str(m, "group", "id")
	g := w.do(call{method: "GET", path: "/groups/" + id, key: acme})
	mustStatus(t, g, http.StatusOK)
	gm := g.json(t)
	for i := 0; i < 5; i++ {
		if a, b := str(m, "group", "subscribers", i, "id"), str(gm, "group", "subscribers", i, "id"); a == "" || a != b {
			t.Errorf("subscriber %d: the retried answer says %q, the store %q", i, a, b)
		}
	}
	// One creation event for the group and one per subscriber, all from
	// the one request that committed. The restarted daemon may also catch
	// up the transmit schedule the killed one missed, so events of the
	// carrier delivery may follow; nothing else may (no second creation,
	// no update from the retry).
	ev := history(t, w, acme, id)
	var created []map[string]any
	for _, e := range ev {
		reason := str(e, "reason")
		switch {
		case strings.HasPrefix(reason, "created from API request"):
			created = append(created, e)
		case strings.HasPrefix(reason, "sent to carrier "):
		default:
			t.Errorf("event %v is neither the first request's creation nor the carrier delivery", e)
		}
	}
	if len(created) != 6 {
		t.Errorf("%d creation events after the retry, want 6 (group and 5 subscribers once): %v", len(created), ev)
	}
	for _, e := range created {
		if str(e, "reason") != str(created[0], "reason") {
			t.Errorf("event %v is not the first request's creation", e)
		}
	}
	if l := w.do(call{method: "GET", path: "/groups", key: acme}); l.header.Get("Total") != "1" {
		t.Errorf("Total %s", l.header.Get("Total"))
	}
}

// TestCreateTransmitSynced: a group created over the API is transmitted
// by the daemon's carrier schedule like a dropped file's, the carrier
// simulator acknowledges it, and GET shows it synced.
func TestCreateTransmitSynced(t *testing.T) {
	w := newWorld(t, worldOpts{fast: true})
	w.start()
	acme := w.keys["acme"]
	r := w.do(call{method: "POST", path: "/groups", key: acme, body: groupJSON("Sync1", 5)})
	mustStatus(t, r, http.StatusCreated)
	id := str(r.json(t), "group", "id")
	sub := str(r.json(t), "group", "subscribers", 0, "id")

	inbox := filepath.Join(w.dir, "bc", "inbox")
	var sent []string
	waitFor(t, 30*time.Second, "an 834 in the carrier's inbox", func() bool {
		sent, _ = filepath.Glob(filepath.Join(inbox, "*"))
		return len(sent) > 0
	})
	for _, f := range sent {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		x12guide.Check(t, data, x12guide.Options{Set: "834", Deviations: map[string][]string{"HD03": {"AC", "ADD"}}})
	}
	sim := execOnboard(t, w.dir, "carrier-sim", "-inbox", "bc/inbox", "-acks", "bc/acks")
	if sim != nil {
		t.Fatalf("carrier-sim: %v", sim)
	}
	acks, _ := filepath.Glob(filepath.Join(w.dir, "bc", "acks", "*"))
	checked := 0
	for _, f := range acks {
		data, _ := os.ReadFile(f)
		if bytes.HasPrefix(data, []byte("ISA")) {
			x12guide.Check(t, data, x12guide.Options{Set: "999"})
			checked++
		}
	}
	if checked == 0 {
		t.Errorf("no 999 among the acknowledgements %v", acks)
	}
	var status string
	waitFor(t, 30*time.Second, "the group synced", func() bool {
		g := w.do(call{method: "GET", path: "/groups/" + id, key: acme})
		status = str(g.json(t), "status")
		return status == "synced"
	})
	s := w.do(call{method: "GET", path: "/subscribers/" + sub, key: w.keys["portfolio"]})
	if st := str(s.json(t), "subscriber", "status"); st != "synced" {
		t.Errorf("subscriber status %q", st)
	}
	var seen []string
	for _, e := range history(t, w, acme, id) {
		if str(e, "subscriber_external_identifier") == "" {
			seen = append(seen, str(e, "to"))
		}
	}
	if got := strings.Join(seen, " "); got != "pending submitted synced" {
		t.Errorf("group history %q, want pending submitted synced", got)
	}
}

func waitFor(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", d, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
