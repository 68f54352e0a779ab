package transmit

import (
	"encoding/json"
	"fmt"
)

// SentMember is one member change a transmission carried and where it sits
// in the delivered file. The transmit stage records a JSON array of them
// per group (store.TransmissionGroup.Members); the acknowledgement stage
// decodes it with DecodeMembers to turn 999 segment positions and carrier
// result-file rows back into members.
type SentMember struct {
	// Subscriber is the subscriber's external identifier; for a dependent,
	// the subscriber it belongs to.
	Subscriber string `json:"subscriber"`
	// Dependent is the dependent's external identifier, empty when the
	// member is the subscriber.
	Dependent string `json:"dependent,omitempty"`
	// Maintenance is the model.Maintenance sent: add, change, terminate or
	// audit.
	Maintenance string `json:"maintenance"`
	// First and Last locate the member's records. X12: the positions of
	// its first (INS) and last segment in the transaction set, counted
	// from ST = 1 as a 999 IK302 counts them. Layouts: the 1-based line
	// numbers of its record(s) in the file.
	First int `json:"first"`
	Last  int `json:"last"`
}

// EncodeMembers returns the JSON recorded for a group's sent members.
func EncodeMembers(ms []SentMember) ([]byte, error) {
	if ms == nil {
		ms = []SentMember{}
	}
	b, err := json.Marshal(ms)
	if err != nil {
		return nil, fmt.Errorf("encoding sent members: %w", err)
	}
	return b, nil
}

// DecodeMembers reads the sent members recorded for a group of a
// transmission (store.TransmissionGroup.Members). Empty input is no members.
func DecodeMembers(data []byte) ([]SentMember, error) {
	if len(data) == 0 {
		return nil, nil
	}
	var ms []SentMember
	if err := json.Unmarshal(data, &ms); err != nil {
		return nil, fmt.Errorf("decoding sent members: %w", err)
	}
	return ms, nil
}

// MemberAt returns the member whose records span the position (an X12
// segment position in its transaction set, or a layout file line), or
// false when the position falls outside every member (an envelope or
// header segment).
func MemberAt(ms []SentMember, pos int) (SentMember, bool) {
	for _, m := range ms {
		if pos >= m.First && pos <= m.Last {
			return m, true
		}
	}
	return SentMember{}, false
}
