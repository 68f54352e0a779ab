package fixedwidth

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/onboard/onboard/engine/model"
)

// benchGroups is 10,000 member changes: 1,000 groups of 4 subscribers,
// 3 of them with 2 dependents each.
func benchGroups() []model.GroupChanges {
	tmpl := testChanges()[0].Members[0].Subscriber
	groups := make([]model.GroupChanges, 1000)
	for g := range groups {
		grp := &model.Group{ExternalIdentifier: fmt.Sprintf("G%05d", g), PolicyNumber: "POL-1",
			Employer: model.Employer{OrganizationName: "Acme Widgets, Inc.", FEIN: "12-3456789"}}
		var members []model.MemberChange
		for s := range 4 {
			sub := *tmpl
			sub.ExternalIdentifier = fmt.Sprintf("E%05d-%d", g, s)
			members = append(members, model.MemberChange{Maintenance: model.MaintAdd, Subscriber: &sub})
			if s < 3 {
				for d := range sub.Dependents {
					members = append(members, model.MemberChange{Maintenance: model.MaintAdd, Subscriber: &sub, Dependent: &sub.Dependents[d]})
				}
			}
		}
		groups[g] = model.GroupChanges{Group: grp, Members: members}
	}
	return groups
}

func BenchmarkWriteFixed(b *testing.B) {
	l := loadLayout(b, exampleFixed)
	groups := benchGroups()
	members := 0
	for _, gc := range groups {
		members += len(gc.Members)
	}
	if members != 10000 {
		b.Fatalf("%d members, want 10000", members)
	}
	b.SetBytes(int64(members * (200 + 2)))
	b.ReportAllocs()
	for b.Loop() {
		w := NewWriter(io.Discard, l, testFile)
		for _, gc := range groups {
			if err := w.WriteGroup(gc); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadFixed(b *testing.B) {
	l := loadLayout(b, exampleFixed)
	data := writeAll(b, l, benchGroups())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := NewReader(bytes.NewReader(data), l)
		for {
			if _, err := r.Read(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
}
