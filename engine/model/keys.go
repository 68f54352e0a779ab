package model

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Carrier-facing identifiers (DESIGN.md §7). Two partners may both have a
// group GCM-001 with a member E1001; the carrier must tell them apart, so
// what it sees is unique per carrier: REF*38 and REF*1L carry the group's
// carrier number (its policy number once assigned, else its carrier group
// key) and REF*0F a member key derived from that group key.

// MaxGroupKey is the longest carrier group key.
const MaxGroupKey = 30

// maxMemberKey is the longest member key (REF02 holds 50 characters).
const maxMemberKey = 50

// GroupKey is the default carrier group key of a partner's group: the
// partner id and external identifier upper-cased, joined by '-', every
// character but A-Z and 0-9 turned into '-', at most MaxGroupKey long
// ("acme", "GCM-001" → "ACME-GCM-001"). The store makes it unique per
// carrier (UniqueGroupKey).
func GroupKey(partnerID, externalID string) string {
	k := keyChars(strings.ToUpper(partnerID + "-" + externalID))
	if len(k) > MaxGroupKey {
		k = k[:MaxGroupKey]
	}
	return k
}

// UniqueGroupKey returns key, or when taken says it is, key with a "-N"
// suffix (the key shortened to keep MaxGroupKey) for the first N from 2
// that is free.
func UniqueGroupKey(key string, taken func(string) bool) string {
	if !taken(key) {
		return key
	}
	for n := 2; ; n++ {
		suffix := "-" + itoa(n)
		base := key
		if len(base)+len(suffix) > MaxGroupKey {
			base = base[:MaxGroupKey-len(suffix)]
		}
		if k := base + suffix; !taken(k) {
			return k
		}
	}
}

// CarrierNumber is what REF*38 and REF*1L carry for the group: its policy
// number once the carrier assigned one, else its carrier group key (else,
// for a group built by hand without one, its external identifier).
func (g *Group) CarrierNumber() string {
	switch {
	case strings.TrimSpace(g.PolicyNumber) != "":
		return g.PolicyNumber
	case g.CarrierGroupKey != "":
		return g.CarrierGroupKey
	}
	return g.ExternalIdentifier
}

// MemberKey is the key REF*0F carries for the group's subscriber with
// external identifier ext: MemberKey of its carrier group key, or ext
// itself for a legacy group (or one without a key).
func (g *Group) MemberKey(ext string) string {
	if g.LegacyMemberKeys || g.CarrierGroupKey == "" {
		return ext
	}
	return MemberKey(g.CarrierGroupKey, ext)
}

// MemberKey is a member's key at the carrier: its group's carrier key and
// its external identifier upper-cased, joined by '.' ("ACME-GCM-001.E1001").
// A group key holds no '.', so the join is unambiguous and the key unique
// per carrier. An identifier with characters other than A-Z, 0-9 and '-'
// (or too long to fit) is replaced by a digest of it, which is as unique.
func MemberKey(groupKey, ext string) string {
	up := strings.ToUpper(ext)
	if up == "" || keyChars(up) != up || len(groupKey)+1+len(up) > maxMemberKey {
		sum := sha256.Sum256([]byte(ext))
		up = "H" + strings.ToUpper(hex.EncodeToString(sum[:8]))
	}
	return groupKey + "." + up
}

// keyChars turns every character but A-Z, 0-9 and '-' into '-'.
func keyChars(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			b[i] = '-'
		}
	}
	return string(b)
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for n > 0 || i == len(b) {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
