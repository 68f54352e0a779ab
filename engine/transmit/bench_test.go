package transmit

import (
	"fmt"
	"testing"

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
