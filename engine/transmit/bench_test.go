package transmit

import (
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/model"
)

// bigGroups returns n groups of subs subscribers, each with a spouse:
// 2*n*subs members.
func bigGroups(n, subs int) []*model.Group {
	base := censusSmall()[0]
	tmpl := base.Subscriber("E1003")
	out := make([]*model.Group, n)
	for i := range out {
		g := *base
		g.ID = fmt.Sprintf("grp-%04d", i)
		g.ExternalIdentifier = fmt.Sprintf("G%04d", i)
		pl := *base.PrimaryLocation
		pl.ID = g.ID + "-loc"
		g.PrimaryLocation, g.SecondaryLocations = &pl, nil
		g.Subscribers = make([]model.Subscriber, subs)
		for j := range g.Subscribers {
			s := *tmpl
			s.LocationExternalIdentifier = pl.ExternalIdentifier
			s.ID = fmt.Sprintf("%s-s%05d", g.ID, j)
			s.ExternalIdentifier = fmt.Sprintf("E%05d", j)
			d := tmpl.Dependents[0]
			d.ID, d.ExternalIdentifier = s.ID+"-d", s.ExternalIdentifier+"-S"
			s.Dependents = []model.Dependent{d}
			g.Subscribers[j] = s
		}
		out[i] = &g
	}
	return out
}

// BenchmarkTransmit10k delivers 10,000 members (10 groups of 500
// subscribers with a spouse) in one 834: diff, render, record, upload and
// commit.
func BenchmarkTransmit10k(b *testing.B) {
	groups := bigGroups(10, 500)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e := newEnv(b, testCarrier(config.ModeChange))
		for _, g := range groups {
			e.save(g)
		}
		b.StartTimer()
		res := e.run(firstRun)
		if len(res.Deliveries) != 1 || res.Deliveries[0].Members != 10000 {
			b.Fatalf("run: %+v", res)
		}
	}
}

// changed500 returns a group of 250 subscribers with a spouse (500
// members) as last transmitted, and a new version where one subscriber in
// ten moved house and one in twenty dropped a product line.
func changed500() (base, cur *model.Group) {
	base = bigGroups(1, 250)[0]
	c := *base
	c.Subscribers = make([]model.Subscriber, len(base.Subscribers))
	for i, s := range base.Subscribers {
		if i%10 == 0 && s.ResidentialAddress != nil {
			a := *s.ResidentialAddress
			a.AddressLine1 = fmt.Sprintf("%d New St", i)
			s.ResidentialAddress = &a
		}
		if i%20 == 5 && len(s.Enrollments) > 1 {
			s.Enrollments = s.Enrollments[1:]
		}
		c.Subscribers[i] = s
	}
	return base, &c
}

// BenchmarkChanges500 diffs a 500-member group against the version last
// transmitted, in change mode.
func BenchmarkChanges500(b *testing.B) {
	base, cur := changed500()
	b.ReportAllocs()
	for b.Loop() {
		if gc := Changes(base, cur, Policy{Today: "2027-03-15"}); len(gc.Members) == 0 {
			b.Fatal("no changes")
		}
	}
}

// BenchmarkRenderGroup500 writes a 500-member group (first transmission)
// as one X12 834 file: diff, then the transaction set.
func BenchmarkRenderGroup500(b *testing.B) {
	g := bigGroups(1, 250)[0]
	f, err := formatFor(testCarrier(config.ModeChange))
	if err != nil {
		b.Fatal(err)
	}
	at := time.Date(2027, 3, 15, 9, 30, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		r, err := f.open(io.Discard, header{ISA13: 1, GS06: 1, Time: at})
		if err != nil {
			b.Fatal(err)
		}
		ms, err := r.group(Changes(nil, g, Policy{Today: "2027-03-15"}), 1)
		if err != nil || len(ms) != 500 {
			b.Fatalf("%d members: %v", len(ms), err)
		}
		if err := r.close(); err != nil {
			b.Fatal(err)
		}
	}
}
