package ldex

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/onboard/onboard/engine/model"
)

// Schema is the JSON Schema (draft 2020-12) of a bundle as Write writes it.
// Partners may validate bundles with it; it is published as bundle.schema.json.
//
//go:embed bundle.schema.json
var Schema []byte

// maxBundleSize bounds what Read accepts: a bundle is a summary, not a census.
const maxBundleSize = 16 << 20

var errNilBundle = errors.New("bundle is nil")

// Write writes b as indented JSON followed by a newline. Lists are put in
// their documented order first (coverages and plans by product line, rates by
// plan id, status messages newest first), nil lists become [], times become
// UTC and an empty bundle_version becomes Version; b itself is not changed.
func Write(w io.Writer, b *Bundle) error {
	if b == nil {
		return fmt.Errorf("writing bundle: %w", errNilBundle)
	}
	out, err := encode(normalize(b), "  ")
	if err != nil {
		return fmt.Errorf("encoding bundle: %w", err)
	}
	if _, err := w.Write(out); err != nil {
		return fmt.Errorf("writing bundle: %w", err)
	}
	return nil
}

// ContentHash returns the hex sha256 of b's content: the bundle as Write
// would write it, with bundle_id and generated_at blanked. An unchanged group
// gives the same hash however often its bundle is rebuilt, so a caller
// delivers a bundle only when the hash differs from the last one delivered.
// A nil bundle hashes as the empty string.
func ContentHash(b *Bundle) string {
	if b == nil {
		return ""
	}
	n := normalize(b)
	n.BundleID = ""
	n.GeneratedAt = time.Time{}
	out, err := encode(n, "")
	if err != nil {
		// Every field marshals without error; keep the hash total anyway.
		return ""
	}
	sum := sha256.Sum256(out)
	return hex.EncodeToString(sum[:])
}

// Read decodes one bundle written by Write. Unknown fields, a
// bundle_version other than Version and trailing data are errors.
func Read(r io.Reader) (*Bundle, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxBundleSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading bundle: %w", err)
	}
	if len(data) > maxBundleSize {
		return nil, fmt.Errorf("reading bundle: larger than %d bytes", maxBundleSize)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var b Bundle
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("decoding bundle: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("decoding bundle: unexpected data after the bundle")
	}
	if b.BundleVersion != Version {
		return nil, fmt.Errorf("decoding bundle: bundle_version %q is not %q", b.BundleVersion, Version)
	}
	return &b, nil
}

// encode encodes b as JSON ending in a newline, indented when indent is
// set. "&", "<" and ">" stay as they are: a bundle is read by people and
// programs, not embedded in HTML.
func encode(b Bundle, indent string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(b); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// normalize returns a copy of b in canonical form; b's slices are copied
// before sorting so the caller's data is untouched.
func normalize(b *Bundle) Bundle {
	n := *b
	if n.BundleVersion == "" {
		n.BundleVersion = Version
	}
	n.GeneratedAt = utc(n.GeneratedAt)
	n.Policy.StatusDatetime = utc(n.Policy.StatusDatetime)

	n.Policy.ProductLines = clone(n.Policy.ProductLines)
	slices.SortStableFunc(n.Policy.ProductLines, compareProductLines)

	n.Coverages = clone(n.Coverages)
	for i := range n.Coverages {
		n.Coverages[i].ByCoverageLevel = nonNil(n.Coverages[i].ByCoverageLevel)
	}
	slices.SortStableFunc(n.Coverages, func(a, b Coverage) int {
		return compareProductLines(a.ProductLine, b.ProductLine)
	})

	n.Plans = clone(n.Plans)
	slices.SortStableFunc(n.Plans, func(a, b Plan) int {
		return cmp.Or(compareProductLines(a.ProductLine, b.ProductLine), cmp.Compare(a.PlanID, b.PlanID))
	})

	n.Rates = clone(n.Rates)
	for i := range n.Rates {
		n.Rates[i].MonthlyPremium = nonNil(n.Rates[i].MonthlyPremium)
		n.Rates[i].Enrolled = nonNil(n.Rates[i].Enrolled)
	}
	slices.SortStableFunc(n.Rates, func(a, b Rate) int { return cmp.Compare(a.PlanID, b.PlanID) })

	n.Transmission.FileNames = clone(n.Transmission.FileNames)
	n.Transmission.StatusMessages = clone(n.Transmission.StatusMessages)
	for i := range n.Transmission.StatusMessages {
		n.Transmission.StatusMessages[i].At = utc(n.Transmission.StatusMessages[i].At)
	}
	slices.SortStableFunc(n.Transmission.StatusMessages, func(a, b StatusMessage) int {
		return b.At.Compare(a.At) // newest first
	})
	return n
}

// clone copies s, turning nil into an empty slice so it encodes as [].
func clone[T any](s []T) []T {
	out := make([]T, len(s))
	copy(out, s)
	return out
}

// nonNil returns m, or an empty map for nil so it encodes as {}.
func nonNil[V any](m map[string]V) map[string]V {
	if m == nil {
		return map[string]V{}
	}
	return maps.Clone(m)
}

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}

// compareProductLines orders product lines as model.ProductLines does,
// unknown ones last by name.
func compareProductLines(a, b string) int {
	ia, ib := rank(a), rank(b)
	return cmp.Or(cmp.Compare(ia, ib), cmp.Compare(a, b))
}

func rank(pl string) int {
	if i := slices.Index(model.ProductLines, pl); i >= 0 {
		return i
	}
	return len(model.ProductLines)
}
