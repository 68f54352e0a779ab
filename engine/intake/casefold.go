package intake

import (
	"context"
	"fmt"
	"strings"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// seenGroup is the first group of an identifier (in upper case) in a file.
type seenGroup struct {
	line int
	ext  string
}

// caseTwinError rejects an identifier equal but for case to another one
// (where says where that one is): carriers upper-case identifiers, so the
// two would be one there.
func caseTwinError(param, id, twin, where string) model.Error {
	return model.Error{ErrorType: model.ErrParameterDuplicate, Parameter: param, Value: id,
		Message: fmt.Sprintf("%s differs only in upper and lower case from %s %s; carriers read identifiers in upper case, "+
			"so the two would be one: give it an identifier of its own.", id, twin, where)}
}

// storedTwins finds, for a partner, stored groups whose external
// identifier equals another's but for case. It reads the partner's groups
// once, on first use.
type storedTwins struct {
	load  func() ([]string, error)
	byKey map[string]string // upper case → stored identifier
	err   error
}

func newStoredTwins(ctx context.Context, st store.Store, partnerID string) *storedTwins {
	// Only the identifiers: an API request decides a document of one
	// group, and reading every group's record for it was half its work.
	return &storedTwins{load: func() ([]string, error) { return st.GroupExternalIDs(ctx, partnerID) }}
}

// twin returns the stored group identifier that equals ext but for case
// ("" when none, or ext itself is stored).
func (s *storedTwins) twin(ext string) (string, error) {
	if s.byKey == nil && s.err == nil {
		ids, err := s.load()
		if err != nil {
			s.err = fmt.Errorf("listing the partner's groups: %w", err)
		}
		s.byKey = make(map[string]string, len(ids))
		for _, ext := range ids {
			s.byKey[strings.ToUpper(ext)] = ext
		}
	}
	if s.err != nil {
		return "", s.err
	}
	if t, ok := s.byKey[strings.ToUpper(ext)]; ok && t != ext {
		return t, nil
	}
	return "", nil
}
