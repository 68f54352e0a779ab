package model

import (
	"strings"
	"testing"
)

func TestCarrierKeys(t *testing.T) {
	if k := GroupKey("acme", "GCM-001"); k != "ACME-GCM-001" {
		t.Errorf("GroupKey = %q", k)
	}
	if k := GroupKey("acme", "a.b c*d~e"); k != "ACME-A-B-C-D-E" {
		t.Errorf("GroupKey with delimiters = %q", k)
	}
	if k := GroupKey("brightpath", strings.Repeat("X", 40)); len(k) != MaxGroupKey {
		t.Errorf("long GroupKey = %q (%d)", k, len(k))
	}
	taken := map[string]bool{"ACME-GCM-001": true, "ACME-GCM-001-2": true}
	if k := UniqueGroupKey("ACME-GCM-001", func(k string) bool { return taken[k] }); k != "ACME-GCM-001-3" {
		t.Errorf("UniqueGroupKey = %q", k)
	}
	long := strings.Repeat("Y", MaxGroupKey)
	if k := UniqueGroupKey(long, func(k string) bool { return k == long }); k != strings.Repeat("Y", MaxGroupKey-2)+"-2" {
		t.Errorf("UniqueGroupKey of a full-length key = %q", k)
	}

	g := &Group{ExternalIdentifier: "GCM-001", CarrierGroupKey: "ACME-GCM-001"}
	if g.CarrierNumber() != "ACME-GCM-001" || g.MemberKey("e1001") != "ACME-GCM-001.E1001" {
		t.Errorf("keys: %q %q", g.CarrierNumber(), g.MemberKey("e1001"))
	}
	g.PolicyNumber = "POL-9"
	if g.CarrierNumber() != "POL-9" || g.MemberKey("E1001") != "ACME-GCM-001.E1001" {
		t.Errorf("with a policy number: %q %q", g.CarrierNumber(), g.MemberKey("E1001"))
	}
	g.LegacyMemberKeys = true
	if g.MemberKey("E1001") != "E1001" {
		t.Errorf("legacy member key %q", g.MemberKey("E1001"))
	}
	// Other partners' same ids give other keys; odd ids a digest.
	b := &Group{CarrierGroupKey: "BRIGHTPATH-GCM-001"}
	if b.MemberKey("E1001") == (&Group{CarrierGroupKey: "ACME-GCM-001"}).MemberKey("E1001") {
		t.Error("two partners' members share a key")
	}
	if k := MemberKey("ACME-GCM-001", "e.1/x"); !strings.HasPrefix(k, "ACME-GCM-001.H") || len(k) > 50 || MemberKey("ACME-GCM-001", "e.1/y") == k {
		t.Errorf("digest key %q", k)
	}
}
