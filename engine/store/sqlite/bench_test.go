package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/google/uuid"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// benchGroup returns a group of subs subscribers, each with a spouse and a
// child and four enrollments: 3*subs members, ids time-ordered as the
// intake assigns them.
func benchGroup(n, subs int) *model.Group {
	id := func() string { return uuid.Must(uuid.NewV7()).String() }
	g := &model.Group{ID: id(), ExternalIdentifier: fmt.Sprintf("G%06d", n), PartnerID: "acme", CarrierID: "bc",
		Employer:        model.Employer{OrganizationName: "Gulf Coast Marine Supply LLC", FEIN: "591234567", EmployerType: "private_sector"},
		PrimaryLocation: &model.Location{ID: id(), ExternalIdentifier: "LOC-1", EmployerAddress: model.Address{AddressLine1: "30 W Live Oak Ave", City: "Defuniak Springs", State: "FL", Zip: "32435"}},
	}
	g.Subscribers = make([]model.Subscriber, subs)
	for i := range g.Subscribers {
		ext := fmt.Sprintf("E%06d", i)
		g.Subscribers[i] = model.Subscriber{ID: id(), ExternalIdentifier: ext, LocationExternalIdentifier: "LOC-1",
			FirstName: "Maria", LastName: "Alvarez", SocialSecurityNumber: "412551201", BirthDate: "1984-03-02", Gender: "female",
			Enrollments: []model.Enrollment{
				{ProductLine: "medical", PlanID: "BC-PPO-500", CoverageLevel: "family", StartDate: "2027-01-01"},
				{ProductLine: "dental", PlanID: "BC-DEN-STD", CoverageLevel: "family", StartDate: "2027-01-01"},
				{ProductLine: "vision", PlanID: "BC-VIS-BASIC", CoverageLevel: "employee_only", StartDate: "2027-01-01"},
				{ProductLine: "basic_life", PlanID: "BC-LIFE-50K", CoverageLevel: "employee_only", StartDate: "2027-01-01"},
			},
			Dependents: []model.Dependent{
				{ID: id(), ExternalIdentifier: ext + "-S", FirstName: "Jorge", LastName: "Alvarez", BirthDate: "1982-11-20",
					SubscriberRelationship: "spouse", ProductLines: []string{"dental", "medical"}},
				{ID: id(), ExternalIdentifier: ext + "-C1", FirstName: "Sofia", LastName: "Alvarez", BirthDate: "2012-05-14",
					SubscriberRelationship: "child", ProductLines: []string{"medical"}},
			}}
	}
	return g
}

// BenchmarkSaveGroup stores new groups of 500 members (a version, the
// projection, statuses and events), ten groups per transaction as a
// file's intake does; members/s is the store's write rate.
func BenchmarkSaveGroup(b *testing.B) {
	const perTx, subs = 10, 167 // 501 members a group
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	hashes := map[string]string{}
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		groups := make([]*model.Group, perTx)
		for i := range groups {
			groups[i] = benchGroup(n, subs)
			n++
		}
		for _, sub := range groups[0].Subscribers {
			hashes[sub.ExternalIdentifier] = "h-" + sub.ExternalIdentifier
		}
		if err := s.Update(ctx, func(tx store.Tx) error {
			for _, g := range groups {
				if _, err := tx.SaveGroup(ctx, g, store.Save{FileID: "f", ContentHash: g.ID, SubscriberHashes: hashes, Reason: "created from file bench.csv", Source: "bench.csv"}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
	members := float64(perTx * subs * 3)
	b.ReportMetric(members*float64(b.N)/b.Elapsed().Seconds(), "members/s")
}

// BenchmarkSetSubscribersStatus moves every subscriber of a 250-subscriber
// group to submitted and back to pending, as a delivery and the next
// version do: two bulk status changes, 500 events, per op.
func BenchmarkSetSubscribersStatus(b *testing.B) {
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	g := benchGroup(0, 250)
	var exts []string
	for _, sub := range g.Subscribers {
		exts = append(exts, sub.ExternalIdentifier)
	}
	if err := s.Update(ctx, func(tx store.Tx) error {
		_, err := tx.SaveGroup(ctx, g, store.Save{FileID: "f", ContentHash: "h", Reason: "created", Source: "bench.csv"})
		return err
	}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Update(ctx, func(tx store.Tx) error {
			ttx := tx
			if err := ttx.SetSubscribersStatus(ctx, g.ID, exts, model.StatusSubmitted, "sent", "f.x12"); err != nil {
				return err
			}
			return ttx.SetSubscribersStatus(ctx, g.ID, exts, model.StatusPending, "changed", "f.csv")
		}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(2*len(exts)*b.N)/b.Elapsed().Seconds(), "subscribers/s")
}
