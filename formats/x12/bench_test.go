package x12

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/onboard/onboard/engine/model"
)

// largeGroup returns a group whose changes add n members: subscribers
// with a spouse and a child (so three members each) plus a remainder of
// subscribers alone.
func largeGroup(n int) model.GroupChanges {
	base := smallGroup().Group.Subscribers[0]
	g := &model.Group{ExternalIdentifier: "BIG-1", Employer: model.Employer{OrganizationName: "Big Co", FEIN: "123456789"}}
	g.Subscribers = make([]model.Subscriber, (n+2)/3)
	for i := range g.Subscribers {
		s := base
		s.ExternalIdentifier = fmt.Sprintf("E%06d", i)
		s.Dependents = []model.Dependent{base.Dependents[0], base.Dependents[1]}
		s.Dependents[0].ExternalIdentifier = s.ExternalIdentifier + "-2"
		s.Dependents[1].ExternalIdentifier = s.ExternalIdentifier + "-3"
		g.Subscribers[i] = s
	}
	gc := model.GroupChanges{Group: g}
	for i := range g.Subscribers {
		s := &g.Subscribers[i]
		gc.Members = append(gc.Members, model.MemberChange{Maintenance: model.MaintAdd, Subscriber: s})
		for j := range s.Dependents {
			if len(gc.Members) < n {
				gc.Members = append(gc.Members, model.MemberChange{Maintenance: model.MaintAdd, Subscriber: s, Dependent: &s.Dependents[j]})
			}
		}
	}
	return gc
}

// BenchmarkWrite834 writes an 834 with one set of 10,000 members.
func BenchmarkWrite834(b *testing.B) {
	gc := largeGroup(10000)
	var size int64
	b.ReportAllocs()
	for b.Loop() {
		cw := &countWriter{}
		w, err := NewWriter834(cw, testEnvelope(), testOptions())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := w.WriteSet(gc, 1); err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		size = cw.n
	}
	b.SetBytes(size)
	b.ReportMetric(10000, "members/op")
}

// BenchmarkWrite834Groups writes an 834 as the transmit stage does: one
// interchange, a set per employer group, here 20 groups of 500 members.
func BenchmarkWrite834Groups(b *testing.B) {
	gc := largeGroup(500)
	var size int64
	b.ReportAllocs()
	for b.Loop() {
		cw := &countWriter{}
		w, err := NewWriter834(cw, testEnvelope(), testOptions())
		if err != nil {
			b.Fatal(err)
		}
		for i := range 20 {
			if _, err := w.WriteSet(gc, int64(i+1)); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		size = cw.n
	}
	b.SetBytes(size)
	b.ReportMetric(10000, "members/op")
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// BenchmarkRead999 reads a 999 answering 1,000 transaction sets, one in
// ten rejected with two element errors.
func BenchmarkRead999(b *testing.B) {
	sets := make([]SetAck, 1000)
	for i := range sets {
		sets[i].ST02 = int64(i + 1)
		if i%10 == 0 {
			sets[i].Errors = []SetError{
				{Segment: "N4", Position: 13, Loop: "2100A", Code: "8", Element: 2, ElementRef: "156", ElementCode: "7", BadValue: "XX",
					Context: []Context{{Name: "SUBSCRIBER NUMBER REF02", Reference: "E1001"}}},
				{Segment: "DMG", Position: 14, Loop: "2100A", Code: "8", Element: 2, ElementRef: "1251", ElementCode: "8", BadValue: "20240230"},
			}
		}
	}
	var buf bytes.Buffer
	if err := Write999(&buf, carrierEnvelope(), 7, sets); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		a, err := ReadAck(bytes.NewReader(data))
		if err != nil || len(a.Sets) != 1000 {
			b.Fatal(err)
		}
	}
}

// TestLargeGroupFixture keeps the benchmark's fixture honest.
func TestLargeGroupFixture(t *testing.T) {
	gc := largeGroup(100)
	if len(gc.Members) != 100 {
		t.Fatalf("%d members", len(gc.Members))
	}
	w, err := NewWriter834(io.Discard, testEnvelope(), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	info, err := w.WriteSet(gc, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Members) != 100 || info.Members[99].First <= info.Members[98].Last {
		t.Errorf("member positions = %+v", info.Members[98:])
	}
}
