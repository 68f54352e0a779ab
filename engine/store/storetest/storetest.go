package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// Options are what the suite injects into the store it asks for.
type Options struct {
	// Now is the clock the store must stamp records and events with.
	Now func() time.Time
}

// Factory opens a new, empty store for one test case and closes it when
// the test ends (t.Cleanup).
type Factory func(t *testing.T, o Options) store.Store

// Run runs the whole contract against the stores open returns.
func Run(t *testing.T, open Factory) {
	cases := []struct {
		name string
		fn   func(t *testing.T, h *harness)
	}{
		{"ClaimStateMachine", testClaimStateMachine},
		{"RecordDuplicate", testRecordDuplicate},
		{"ReopenFile", testReopenFile},
		{"Files", testFiles},
		{"SaveGroupCreates", testSaveGroupCreates},
		{"SaveGroupNewVersion", testSaveGroupNewVersion},
		{"GroupsFilter", testGroupsFilter},
		{"CurrentGroupAndIDs", testCurrentGroupAndIDs},
		{"SubscriberStatusEvents", testSubscriberStatusEvents},
		{"GroupStatusRule", testGroupStatusRule},
		{"SetSubscribersStatus", testSetSubscribersStatus},
		{"PendingSubscribers", testPendingSubscribers},
		{"PolicyNumberAndDigest", testPolicyNumberAndDigest},
		{"Transmissions", testTransmissions},
		{"TransmissionByGroup", testTransmissionByGroup},
		{"AdvanceTransmitted", testAdvanceTransmitted},
		{"Acks", testAcks},
		{"BundlesActionsRuns", testBundlesActionsRuns},
		{"NotFound", testNotFound},
		{"RollbackOnError", testRollbackOnError},
		{"ControlNumbers", testControlNumbers},
		{"ControlNumbersConcurrent", testControlNumbersConcurrent},
		{"ClaimConcurrent", testClaimConcurrent},
		{"ReadersDuringWrite", testReadersDuringWrite},
		{"APIFiles", testAPIFiles},
		{"SubscriberByID", testSubscriberByID},
		{"IdempotentAnswers", testIdempotentAnswers},
		{"RejectedIntakes", testRejectedIntakes},
		{"Outbox", testOutbox},
		{"Deletions", testDeletions},
		{"GroupHistoryAndIDs", testGroupHistoryAndIDs},
		{"Ping", testPing},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := &harness{ctx: context.Background(), clock: &clock{t: time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)}}
			h.st = open(t, Options{Now: h.clock.Now})
			c.fn(t, h)
		})
	}
}

// harness is one case's store and clock.
type harness struct {
	ctx   context.Context
	st    store.Store
	clock *clock
}

// clock is a fake clock that moves a millisecond at each reading, so
// every stamp is distinct and ordered.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the time and moves the clock on.
func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Millisecond)
	return c.t
}

// update runs fn in a write transaction and fails the test on error.
func (h *harness) update(t *testing.T, fn func(tx store.Tx) error) {
	t.Helper()
	if err := h.st.Update(h.ctx, fn); err != nil {
		t.Fatal(err)
	}
}

// group returns a group of partner p with the subscribers named by exts,
// each with a spouse, at one location; ids derive from the names.
func group(p, ext string, exts ...string) *model.Group {
	g := &model.Group{ID: "g-" + p + "-" + ext, ExternalIdentifier: ext, PartnerID: p, CarrierID: "bluecross",
		Employer:        model.Employer{OrganizationName: "Org " + ext, FEIN: "123456789"},
		PrimaryLocation: &model.Location{ID: "l-" + ext, ExternalIdentifier: "HQ", EmployerAddress: model.Address{City: "Springfield", State: "IL", Zip: "62701"}}}
	for _, e := range exts {
		g.Subscribers = append(g.Subscribers, model.Subscriber{ID: g.ID + "-s-" + e, ExternalIdentifier: e, FirstName: "F" + e, LastName: "L" + e,
			BirthDate: "1980-01-01", LocationExternalIdentifier: "HQ",
			Enrollments: []model.Enrollment{{ProductLine: model.ProductMedical, PlanID: "P1", CoverageLevel: "employee_spouse", StartDate: "2027-01-01"}},
			Dependents:  []model.Dependent{{ID: g.ID + "-d-" + e, ExternalIdentifier: e + "-S", FirstName: "S" + e, LastName: "L" + e, SubscriberRelationship: "spouse"}}})
	}
	return g
}

// hashes gives each subscriber of g a content hash with a suffix, so a
// save with another suffix marks them changed.
func hashes(g *model.Group, suffix string) map[string]string {
	m := map[string]string{}
	for _, s := range g.Subscribers {
		m[s.ExternalIdentifier] = s.ExternalIdentifier + suffix
	}
	return m
}

// save stores g as a new version and returns its record.
func (h *harness) save(t *testing.T, g *model.Group, suffix string) *store.GroupRecord {
	t.Helper()
	var rec *store.GroupRecord
	h.update(t, func(tx store.Tx) error {
		var err error
		rec, err = tx.SaveGroup(h.ctx, g, store.Save{FileID: "f1", ContentHash: "h" + suffix, SubscriberHashes: hashes(g, suffix), Reason: "accepted", Source: "file f1"})
		return err
	})
	return rec
}

// statusOf returns the status of a subscriber.
func (h *harness) statusOf(t *testing.T, groupID, ext string) model.Status {
	t.Helper()
	m, err := h.st.SubscriberStatuses(h.ctx, groupID)
	if err != nil {
		t.Fatal(err)
	}
	return m[ext]
}

// groupStatus returns a group's stored status.
func (h *harness) groupStatus(t *testing.T, groupID string) model.Status {
	t.Helper()
	g, err := h.st.Group(h.ctx, groupID)
	if err != nil {
		t.Fatal(err)
	}
	return g.Status
}

// events lists a group's events as "subscriber:from>to" (subscriber ""
// for the group's own).
func (h *harness) events(t *testing.T, groupID string) []string {
	t.Helper()
	evs, err := h.st.Events(h.ctx, groupID)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = fmt.Sprintf("%s:%s>%s", e.Subscriber, e.From, e.To)
	}
	return out
}

// errBoom is what a transaction returns to be rolled back.
var errBoom = errors.New("boom")
