package store

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// legacyMembers is the JSON array earlier versions recorded; databases
// still hold it.
const legacyMembers = `[{"subscriber":"E1","maintenance":"add","first":6,"last":20},{"subscriber":"E1","dependent":"E1-S","maintenance":"add","first":21,"last":28}]`

func TestDecodeMembersLegacyJSON(t *testing.T) {
	got, err := DecodeMembers([]byte(legacyMembers))
	want := []SentMember{{Subscriber: "E1", Maintenance: "add", First: 6, Last: 20}, {Subscriber: "E1", Dependent: "E1-S", Maintenance: "add", First: 21, Last: 28}}
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("decoded %+v, %v", got, err)
	}
	if got, err := DecodeMembers([]byte("[]")); err != nil || len(got) != 0 {
		t.Errorf("[] decoded as %+v, %v", got, err)
	}
}

// oddMembers are members whose identifiers hold every character the
// compact form gives a meaning, with positions that break its shortcuts.
func oddMembers() []SentMember {
	return []SentMember{
		{Subscriber: "", Maintenance: "add", First: 1, Last: 1},
		{Subscriber: "", Dependent: "", Maintenance: "audit", First: 2, Last: 2},
		{Subscriber: "=", Dependent: "=", Maintenance: "change", First: 3, Last: 9},
		{Subscriber: "a,b%2C\n", Dependent: "c=d", Maintenance: "terminate", First: 9, Last: 3},
		{Subscriber: "a,b%2C\n", Dependent: "\x00\x1f\x7f\xff", Maintenance: "", First: -5, Last: -1},
		{Subscriber: "José Ñ", Dependent: "José-S", Maintenance: "A", First: math.MaxInt, Last: math.MinInt},
		{Subscriber: "José Ñ", Maintenance: "!x,y", First: math.MinInt, Last: math.MaxInt},
		{Subscriber: "E1", Maintenance: "add", First: math.MaxInt, Last: math.MaxInt},
		{Subscriber: "E1", Maintenance: "Add", First: math.MinInt, Last: math.MinInt + 1},
	}
}

func TestMembersRoundTrip(t *testing.T) {
	for _, ms := range [][]SentMember{nil, oddMembers(), sent500(), oddMembers()[5:]} {
		data, err := EncodeMembers(ms)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(data); i++ {
			if c := data[i]; (c < 0x20 && c != '\n') || c >= 0x7f {
				t.Fatalf("byte %d of %q is not printable ASCII", i, data)
			}
		}
		got, err := DecodeMembers(data)
		if err != nil || !slices.Equal(got, ms) {
			t.Fatalf("round trip of %+v:\n%q\ndecoded %+v, %v", ms, data, got, err)
		}
	}
}

// TestMembersCompact keeps the point of the compact form: a realistic
// group's members take at most a quarter of their JSON.
func TestMembersCompact(t *testing.T) {
	ms := sent500()
	data, err := EncodeMembers(ms)
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(ms)
	if err != nil {
		t.Fatal(err)
	}
	if 4*len(data) > len(js) {
		t.Errorf("compact form %d bytes, JSON %d", len(data), len(js))
	}
}

func TestDecodeMembersCorrupt(t *testing.T) {
	tests := []struct {
		name, data, errContains string
	}{
		{"not JSON", "{", "decoding sent members"},
		{"JSON of another shape", `{"subscriber":"E1"}`, "cannot unmarshal"},
		{"unknown version", "m2\nE1,,A,,0\n", "unknown version"},
		{"no final newline", "m1\nE1,,A,,0", "member 1: the record does not end with a newline"},
		{"too few fields", "m1\nE1,,A,0\n", "member 1: a member needs 5"},
		{"too many fields", "m1\nE1,,A,,0,\n", "member 1: a member needs 5"},
		{"ditto first", "m1\n=,,A,,0\n", "cannot repeat"},
		{"unknown maintenance", "m1\nE1,,X,,0\n", "unknown maintenance"},
		{"empty maintenance", "m1\nE1,,,,0\n", "unknown maintenance"},
		{"bad escape", "m1\nE%4,,A,,0\n", "subscriber: malformed"},
		{"bad escape digit", "m1\nE1,%GG,A,,0\n", "dependent: malformed"},
		{"raw control character", "m1\nE\t1,,A,,0\n", "must be escaped"},
		{"raw non-ASCII", "m1\nE1,\xc3\xa9,A,,0\n", "must be escaped"},
		{"bad first", "m1\nE1,,A,x,0\n", "first"},
		{"empty span", "m1\nE1,,A,,\n", "span"},
		{"overflowing span", "m1\nE1,,A,,99999999999999999999\n", "span"},
		{"second member bad", "m1\nE1,,A,,0\n=,,A,,0\n=\n", "member 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := DecodeMembers([]byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.errContains) {
				t.Fatalf("DecodeMembers(%q) = %+v, %v; want an error mentioning %q", tt.data, ms, err, tt.errContains)
			}
		})
	}
}

// FuzzDecodeMembers feeds recorded members, compact and JSON, to the
// decoder: it errs or decodes, never panics, and what it decodes encodes
// and decodes back the same.
func FuzzDecodeMembers(f *testing.F) {
	for _, ms := range [][]SentMember{nil, oddMembers(), sent500()[:6]} {
		data, err := EncodeMembers(ms)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		js, err := json.Marshal(ms)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(js)
	}
	f.Add([]byte(legacyMembers))
	f.Add([]byte("m1\nE1,,A,,0\n=,%41,!x%2C,-3,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ms, err := DecodeMembers(data)
		if err != nil {
			return
		}
		again, err := EncodeMembers(ms)
		if err != nil {
			t.Fatal(err)
		}
		back, err := DecodeMembers(again)
		if err != nil || !slices.Equal(back, ms) {
			t.Fatalf("decoded %+v; encoded %q decodes as %+v, %v", ms, again, back, err)
		}
	})
}

// TestMemberAtMatchesScan: the binary search finds what a scan of every
// member finds, for every position in and around members with gaps
// between them (a layout's header lines, an 834's loop segments).
func TestMemberAtMatchesScan(t *testing.T) {
	var ms []SentMember
	pos := 3
	for i := range 50 {
		n := 1 + i%4
		ms = append(ms, SentMember{Subscriber: fmt.Sprintf("E%d", i), Maintenance: "add", First: pos, Last: pos + n - 1})
		pos += n + i%3 // a gap after every third member or so
	}
	for p := 0; p <= pos+2; p++ {
		var want SentMember
		found := false
		for _, m := range ms {
			if p >= m.First && p <= m.Last {
				want, found = m, true
				break
			}
		}
		got, ok := MemberAt(ms, p)
		if ok != found || got != want {
			t.Fatalf("MemberAt(%d) = %+v %v, a scan finds %+v %v", p, got, ok, want, found)
		}
	}
	if _, ok := MemberAt(nil, 1); ok {
		t.Error("a member found in an empty list")
	}
}

// sent500 returns the sent members of a 500-member group as the X12
// renderer records them.
func sent500() []SentMember {
	ms := make([]SentMember, 0, 500)
	pos := 7
	for i := range 250 {
		sub := fmt.Sprintf("E%05d", i)
		ms = append(ms, SentMember{Subscriber: sub, Maintenance: "add", First: pos, Last: pos + 14},
			SentMember{Subscriber: sub, Dependent: sub + "-S", Maintenance: "add", First: pos + 15, Last: pos + 22})
		pos += 23
	}
	return ms
}

// BenchmarkEncodeMembers500 encodes a 500-member group's sent members as
// the transmit stage records them.
func BenchmarkEncodeMembers500(b *testing.B) {
	ms := sent500()
	var size int
	b.ReportAllocs()
	for b.Loop() {
		data, err := EncodeMembers(ms)
		if err != nil {
			b.Fatal(err)
		}
		size = len(data)
	}
	b.ReportMetric(float64(size)/float64(len(ms)), "bytes/member")
}

// BenchmarkDecodeMembers500 decodes them back, as the delivery's commit
// and the acknowledgement stage do.
func BenchmarkDecodeMembers500(b *testing.B) {
	data, err := EncodeMembers(sent500())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if ms, err := DecodeMembers(data); err != nil || len(ms) != 500 {
			b.Fatalf("%d members: %v", len(ms), err)
		}
	}
}
