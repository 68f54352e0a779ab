package ldex

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/store"
)

func TestFeedbackOncePerCause(t *testing.T) {
	f := newFixture(t)
	g := sampleGroup("G-1")
	f.onboard(g, "") // synced, but no policy number yet

	res := f.run(Scope{})
	if len(res.Delivered) != 0 || len(res.Problems) != 1 || res.Problems[0].Cause != CauseNoPolicyNumber {
		t.Fatalf("want a no-policy-number problem: %+v", res)
	}
	fb := f.files("feedback")
	if len(fb) != 1 || fb[0] != "feedback/20270104T090400Z-G-1.txt" || res.Problems[0].FeedbackPath != fb[0] {
		t.Fatalf("feedback files %v (result %q)", fb, res.Problems[0].FeedbackPath)
	}
	text, err := os.ReadFile(filepath.Join(f.outbound, fb[0]))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"group G-1 (Gulf Coast Marine Supply LLC)", "has not assigned the group a policy number", "Nothing is needed from you now"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("feedback lacks %q:\n%s", want, text)
		}
	}
	if strings.Count(strings.TrimSpace(string(text)), "\n") != 0 {
		t.Errorf("feedback is not one paragraph:\n%s", text)
	}
	if a := f.action(g.ID); !strings.Contains(a, "policy number") {
		t.Errorf("pending action %q", a)
	}

	// Same cause on the next runs: no second feedback.
	for range 2 {
		if res := f.run(Scope{}); len(res.Problems) != 1 || res.Problems[0].FeedbackPath != "" {
			t.Fatalf("rerun: %+v", res)
		}
	}
	if got := f.files("feedback"); len(got) != 1 {
		t.Fatalf("feedback written again: %v", got)
	}

	// The policy number arrives: the bundle goes out, the action is cleared.
	f.update(func(tx store.Tx) error { return tx.SetPolicyNumber(f.ctx, g.ID, "BCX-1") })
	if res := f.run(Scope{}); len(res.Delivered) != 1 {
		t.Fatalf("after the policy number: %+v", res)
	}
	if a := f.action(g.ID); a != "" {
		t.Errorf("pending action left: %q", a)
	}
}

func TestNeverAccepted(t *testing.T) {
	f := newFixture(t)
	g := sampleGroup("G-1")
	f.save(g)
	f.ack(g.ID, f.transmit(g.ID), "", "E1002")

	res := f.run(Scope{})
	if len(res.Problems) != 1 || res.Problems[0].Cause != CauseNeverAccepted {
		t.Fatalf("want never_accepted: %+v", res)
	}
	text, err := os.ReadFile(filepath.Join(f.outbound, res.Problems[0].FeedbackPath))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"has not accepted the group", "1 error(s)", "The carrier does not cover this ZIP code.", "send an updated file"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("feedback lacks %q:\n%s", want, text)
		}
	}
}

func TestUnreachableOutbound(t *testing.T) {
	f := newFixture(t)
	g, h := sampleGroup("G-1"), sampleGroup("G-2")
	f.onboard(g, "P-1")
	f.onboard(h, "P-2")
	f.down = true
	res, err := f.d.Run(f.ctx, "acme", Scope{})
	if err == nil || !strings.Contains(err.Error(), "connection refused") || !strings.HasSuffix(err.Error(), "(and 1 more groups)") {
		t.Fatalf("want the open error once, got %v", err)
	}
	if len(res.Problems) != 2 || res.Problems[0].Cause != CauseUnreachable || !strings.Contains(f.action(h.ID), "could not be reached") {
		t.Fatalf("problems %+v, action %q", res.Problems, f.action(h.ID))
	}
	f.down = false
	res = f.run(Scope{})
	if len(res.Delivered) != 2 || f.action(g.ID) != "" {
		t.Fatalf("retry: %+v, action %q", res, f.action(g.ID))
	}
}

func TestFeedbackRetriedWhenUnwritable(t *testing.T) {
	f := newFixture(t)
	g := sampleGroup("G-1")
	f.onboard(g, "")
	f.down = true
	if _, err := f.d.Run(f.ctx, "acme", Scope{}); err == nil {
		t.Fatal("want an error while the folder is down")
	}
	f.down = false
	res := f.run(Scope{})
	if len(res.Problems) != 1 || res.Problems[0].FeedbackPath == "" || !strings.Contains(f.action(g.ID), "policy number") {
		t.Fatalf("feedback not written once the folder is back: %+v", res)
	}
}

func TestUnconfiguredPartnerAndNoOutbound(t *testing.T) {
	f := newFixture(t)
	g := sampleGroup("G-1")
	g.PartnerID = "gone"
	f.onboard(g, "P-1")
	parts, err := f.d.UnconfiguredPartners(f.ctx)
	if err != nil || !slices.Equal(parts, []string{"gone"}) {
		t.Fatalf("unconfigured partners %v, %v", parts, err)
	}
	res, err := f.d.Run(f.ctx, "gone", Scope{})
	if err != nil || len(res.Problems) != 1 || res.Problems[0].Cause != CauseUnknownPartner {
		t.Fatalf("unknown partner: %+v %v", res, err)
	}
	if a := f.action(g.ID); !strings.Contains(a, `partner "gone" is not in the configuration`) {
		t.Errorf("action %q", a)
	}

	f.cfg.Partners[0].Outbound.Dir = ""
	h := sampleGroup("G-2")
	f.onboard(h, "P-2")
	res = f.run(Scope{})
	if len(res.Problems) != 1 || res.Problems[0].Cause != CauseNoOutbound || res.Problems[0].FeedbackPath != "" {
		t.Fatalf("no outbound: %+v", res)
	}
	if got := f.files(""); len(got) != 0 {
		t.Errorf("files written without an outbound folder: %v", got)
	}
}

func TestIncompleteGroup(t *testing.T) {
	f := newFixture(t)
	g := sampleGroup("G-1")
	g.PrimaryLocation, g.SecondaryLocations = nil, nil
	f.onboard(g, "P-1")
	res := f.run(Scope{})
	if len(res.Problems) != 1 || res.Problems[0].Cause != CauseIncomplete || !strings.Contains(res.Problems[0].Action, "primary location address") {
		t.Fatalf("want incomplete: %+v", res)
	}
}

func TestInvalidDataNotDelivered(t *testing.T) {
	f := newFixture(t)
	g := sampleGroup("G-1")
	g.PrimaryLocation.EmployerAddress.State = "fl"
	f.onboard(g, "P-1")
	res := f.run(Scope{})
	if len(res.Delivered) != 0 || len(res.Problems) != 1 || !strings.Contains(res.Problems[0].Action, "schema") {
		t.Fatalf("invalid bundle: %+v", res)
	}
}

func TestPendingGroupLosesStaleAction(t *testing.T) {
	f := newFixture(t)
	g := sampleGroup("G-1")
	f.onboard(g, "")
	f.run(Scope{})
	if f.action(g.ID) == "" {
		t.Fatal("no pending action")
	}
	g.Subscribers[0].FirstName = "Mariana"
	f.save(g)
	f.run(Scope{})
	if a := f.action(g.ID); a != "" {
		t.Errorf("pending group kept LDEx action %q", a)
	}
}
