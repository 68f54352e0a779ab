package transmit

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"testing"

	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/formats/x12"
)

// maintenanceCodes are the INS03 codes of each maintenance.
var maintenanceCodes = map[string]string{"add": "021", "change": "001", "terminate": "024", "audit": "030"}

// checkInterchange reads a delivered 834 back with the tokenizer and
// checks its envelope against the transmission recorded for it: the ISA
// is 106 characters, every trailer count is exact, every control number
// matches its header and the record, and every recorded member position
// points at that member's INS loop.
func checkInterchange(t testing.TB, data []byte, rec *store.TransmissionRecord, groups []store.TransmissionGroup) {
	t.Helper()
	r := x12.NewReader(bytes.NewReader(data))
	isa, err := r.Next()
	if err != nil || isa.ID != "ISA" {
		t.Fatalf("first segment: %+v %v", isa, err)
	}
	d := r.Delimiters()
	if n := bytes.IndexByte(data, d.Segment) + 1; n != x12.ISALength {
		t.Errorf("ISA is %d characters, want %d", n, x12.ISALength)
	}
	if got := atoi(t, isa.Element(13)); got != rec.ISA13 {
		t.Errorf("ISA13 %d, recorded %d", got, rec.ISA13)
	}
	type set struct {
		st02 int64
		segs map[int]x12.Segment // by position in the set
	}
	var (
		sets                    []set
		cur                     *set
		groupsSeen, setsInGroup int
		gs06                    int64
		sawIEA                  bool
	)
	for {
		seg, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("reading the 834 back: %v", err)
		}
		switch seg.ID {
		case "GS":
			groupsSeen++
			setsInGroup = 0
			gs06 = atoi(t, seg.Element(6))
			if gs06 != rec.GS06 {
				t.Errorf("GS06 %d, recorded %d", gs06, rec.GS06)
			}
			if seg.Element(1) != "BE" {
				t.Errorf("GS01 %q, want BE", seg.Element(1))
			}
		case "ST":
			setsInGroup++
			sets = append(sets, set{st02: atoi(t, seg.Element(2)), segs: map[int]x12.Segment{}})
			cur = &sets[len(sets)-1]
		case "SE":
			if cur == nil {
				t.Fatal("SE outside a set")
			}
			if n := int(atoi(t, seg.Element(1))); n != seg.SetPos {
				t.Errorf("set %d: SE01 %d, the set has %d segments", cur.st02, n, seg.SetPos)
			}
			if atoi(t, seg.Element(2)) != cur.st02 {
				t.Errorf("SE02 %s does not match ST02 %d", seg.Element(2), cur.st02)
			}
			cur.segs[seg.SetPos] = seg
			cur = nil
		case "GE":
			if n := int(atoi(t, seg.Element(1))); n != setsInGroup {
				t.Errorf("GE01 %d, the group has %d sets", n, setsInGroup)
			}
			if atoi(t, seg.Element(2)) != gs06 {
				t.Errorf("GE02 %s does not match GS06 %d", seg.Element(2), gs06)
			}
		case "IEA":
			sawIEA = true
			if n := int(atoi(t, seg.Element(1))); n != groupsSeen {
				t.Errorf("IEA01 %d, the interchange has %d groups", n, groupsSeen)
			}
			if atoi(t, seg.Element(2)) != rec.ISA13 {
				t.Errorf("IEA02 %s does not match ISA13 %d", seg.Element(2), rec.ISA13)
			}
		}
		if cur != nil {
			cur.segs[seg.SetPos] = seg
		}
	}
	if !sawIEA || groupsSeen != 1 {
		t.Fatalf("interchange: IEA seen %v, %d functional groups", sawIEA, groupsSeen)
	}
	if len(sets) != len(groups) {
		t.Fatalf("%d transaction sets, %d groups recorded", len(sets), len(groups))
	}
	total := 0
	for i, tg := range groups {
		s := sets[i]
		if s.st02 != tg.ST02 {
			t.Errorf("set %d: ST02 %d, recorded %d", i+1, s.st02, tg.ST02)
		}
		members, err := store.DecodeMembers(tg.Members)
		if err != nil {
			t.Fatal(err)
		}
		total += len(members)
		for _, m := range members {
			ins, ref := s.segs[m.First], s.segs[m.First+1]
			if ins.ID != "INS" || ref.ID != "REF" || ref.Element(2) != m.Subscriber {
				t.Errorf("set %d: member %+v: position %d holds %s (REF %v)", s.st02, m, m.First, ins.ID, ref.Elements)
				continue
			}
			if (m.Dependent == "") != (ins.Element(1) == "Y") || ins.Element(3) != maintenanceCodes[m.Maintenance] {
				t.Errorf("set %d: member %+v: INS %v", s.st02, m, ins.Elements)
			}
			if next := s.segs[m.Last+1].ID; next != "INS" && next != "SE" {
				t.Errorf("set %d: member %+v: the loop is followed by %s", s.st02, m, next)
			}
		}
	}
	if total != rec.Members {
		t.Errorf("%d members recorded per group, %d on the transmission", total, rec.Members)
	}
}

func atoi(t testing.TB, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("control number or count %q: %v", s, err)
	}
	return n
}
