package acks

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/store"
)

// TestHistory: a 999 and then a result file; each group's history shows
// every transition, in order, with its reason and source.
func TestHistory(t *testing.T) {
	e := newEnv(t, "")
	e.now = e.now.Add(time.Hour)
	e.drop("999-accepted.x12", nil)
	e.drop("result-rejected.csv", nil) // read after the 999: it arrived later
	res := e.run()
	if res.Count(OutcomeApplied) != 2 {
		t.Fatalf("files = %+v", res.Files)
	}
	const sent = "sent to carrier bluecross in " + sentFile + " (ISA13 000000001) [" + sentFile + "]"
	wantGCM := []string{
		"group >pending created from file census-small.csv [census-small.csv]",
		"E1001 >pending created from file census-small.csv [census-small.csv]",
		"E1002 >pending created from file census-small.csv [census-small.csv]",
		"E1003 >pending created from file census-small.csv [census-small.csv]",
		"E1001 pending>submitted " + sent,
		"E1002 pending>submitted " + sent,
		"E1003 pending>submitted " + sent,
		"group pending>submitted " + sent,
		"E1001 submitted>synced carrier accepted in result-rejected.csv [result-rejected.csv]",
		"E1002 submitted>synced carrier accepted in result-rejected.csv [result-rejected.csv]",
		"E1003 submitted>errors carrier rejected: member not eligible: date of birth does not match our records (carrier error code E101) [result-rejected.csv]",
		"group submitted>errors carrier rejected: member not eligible: date of birth does not match our records (carrier error code E101) [result-rejected.csv]",
	}
	if got := e.events("GCM-001"); !slices.Equal(got, wantGCM) {
		t.Errorf("GCM-001 history:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantGCM, "\n"))
	}
	got := e.events("PDP-014")
	wantTail := []string{
		"P-77 submitted>synced carrier accepted in result-rejected.csv [result-rejected.csv]",
		"P-78 submitted>errors carrier rejected: the enrollment was rejected without a reason [result-rejected.csv]",
		"group submitted>errors carrier rejected: the enrollment was rejected without a reason [result-rejected.csv]",
	}
	if len(got) < len(wantTail) || !slices.Equal(got[len(got)-len(wantTail):], wantTail) {
		t.Errorf("PDP-014 history:\n%s\nwant it to end with\n%s", strings.Join(got, "\n"), strings.Join(wantTail, "\n"))
	}
	evs, err := e.st.Events(e.ctx, e.group("GCM-001").ID)
	if err != nil {
		t.Fatal(err)
	}
	if last := evs[len(evs)-1]; !last.At.Equal(e.now) {
		t.Errorf("last event at %s, want %s", last.At, e.now)
	}
}

// TestHistoryAccepted: all accepted, the groups go submitted → synced
// with the result file as the reason.
func TestHistoryAccepted(t *testing.T) {
	e := newEnv(t, "")
	e.drop("result-accepted.csv", nil)
	e.run()
	for _, ext := range []string{"GCM-001", "PDP-014"} {
		got := e.events(ext)
		if last := got[len(got)-1]; last != "group submitted>synced carrier accepted in result-accepted.csv [result-accepted.csv]" {
			t.Errorf("%s: last event %q", ext, last)
		}
	}
}

// TestNewerChangeKeepsItsStatus: a subscriber changed again after the
// transmission (pending) is not synced by the answer about the old data.
func TestNewerChangeKeepsItsStatus(t *testing.T) {
	e := newEnv(t, "")
	rec := e.group("GCM-001")
	g, _, err := e.st.CurrentGroup(e.ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	subs, err := e.st.Subscribers(e.ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	hashes := map[string]string{}
	for _, s := range subs {
		hashes[s.ExternalIdentifier] = s.ContentHash
	}
	hashes["E1001"] = "changed"
	g.Subscriber("E1001").FirstName = "Mariana"
	err = e.st.Update(e.ctx, func(tx store.Tx) error {
		_, err := tx.SaveGroup(e.ctx, g, store.Save{FileID: rec.LastFileID, ContentHash: "v2", SubscriberHashes: hashes,
			Reason: "updated from file census-update.csv", Source: "census-update.csv"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	e.drop("result-accepted.csv", nil)
	e.run()
	if got, want := e.statuses("GCM-001"), "GCM-001=pending E1001=pending E1002=synced E1003=synced"; got != want {
		t.Errorf("GCM-001: %s\nwant       %s", got, want)
	}
	if tr := e.transmission(); tr.AckState != store.AckFinal {
		t.Errorf("ack state = %q, want final", tr.AckState)
	}
}
