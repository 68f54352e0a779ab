package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/onboard/onboard/engine/model"
)

// DecodeErrors reads a column of outstanding errors (EncodeErrors): a
// JSON array, or "" for none.
func DecodeErrors(s string) ([]model.Error, error) {
	if s == "" {
		return nil, nil
	}
	var errs []model.Error
	if err := json.Unmarshal([]byte(s), &errs); err != nil {
		return nil, fmt.Errorf("decoding stored errors: %w", err)
	}
	return errs, nil
}

// EncodeErrors is how outstanding errors are kept in a column.
func EncodeErrors(errs []model.Error) string {
	if len(errs) == 0 {
		return ""
	}
	b, _ := json.Marshal(errs) // model.Error has only strings and ints
	return string(b)
}

// AppendDependentIDs appends the dependent ids column of a subscriber with
// these dependents: a JSON array of [external_identifier, id] pairs, as
// the SQLite store's migration 5 built it, or nothing when
// there are none. Dependents are in a stored version's canonical order.
func AppendDependentIDs(dst []byte, deps []model.Dependent) []byte {
	if len(deps) == 0 {
		return dst
	}
	dst = append(dst, '[')
	for i, d := range deps {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '[')
		dst = appendJSONString(dst, d.ExternalIdentifier)
		dst = append(dst, ',')
		dst = appendJSONString(dst, d.ID)
		dst = append(dst, ']')
	}
	return append(dst, ']')
}

// appendJSONString appends s as a JSON string.
func appendJSONString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			b, _ := json.Marshal(s) // a string always encodes
			return append(dst, b...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// ParseDependentIDs reads a dependent_ids column (AppendDependentIDs).
func ParseDependentIDs(s string) ([]IDRef, error) {
	if s == "" {
		return nil, nil
	}
	out, ok := scanDependentIDs(s)
	if !ok {
		var pairs [][]string
		if err := json.Unmarshal([]byte(s), &pairs); err != nil {
			return nil, fmt.Errorf("reading dependent ids: %w", err)
		}
		out = make([]IDRef, len(pairs))
		for i, p := range pairs {
			if len(p) != 2 {
				return nil, fmt.Errorf("reading dependent ids: entry %d has %d values, want 2", i+1, len(p))
			}
			out[i] = IDRef{ExternalIdentifier: p[0], ID: p[1]}
		}
	}
	// By external identifier in byte order, as the canonical version has
	// them (a group saved without canonicalizing may list them otherwise).
	slices.SortStableFunc(out, func(a, b IDRef) int { return strings.Compare(a.ExternalIdentifier, b.ExternalIdentifier) })
	return out, nil
}

// scanDependentIDs reads the usual dependent_ids column, [["ext","id"],...]
// with no escapes and no spaces, without encoding/json (a re-drop lists
// every subscriber's); ok is false for anything else, which
// ParseDependentIDs hands to encoding/json.
func scanDependentIDs(s string) (out []IDRef, ok bool) {
	if strings.IndexByte(s, '\\') >= 0 || len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return nil, false
	}
	body := s[1 : len(s)-1]
	str := func() (string, bool) {
		if len(body) < 2 || body[0] != '"' {
			return "", false
		}
		end := strings.IndexByte(body[1:], '"')
		if end < 0 {
			return "", false
		}
		v := body[1 : 1+end]
		body = body[2+end:]
		return v, true
	}
	for {
		if !strings.HasPrefix(body, "[") {
			return nil, false
		}
		body = body[1:]
		ext, ok := str()
		if !ok || !strings.HasPrefix(body, ",") {
			return nil, false
		}
		body = body[1:]
		id, ok := str()
		if !ok || !strings.HasPrefix(body, "]") {
			return nil, false
		}
		body = body[1:]
		out = append(out, IDRef{ExternalIdentifier: ext, ID: id})
		if body == "" {
			return out, true
		}
		if body[0] != ',' {
			return nil, false
		}
		body = body[1:]
	}
}
