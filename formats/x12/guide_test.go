package x12

import (
	"maps"
	"slices"
	"testing"

	"github.com/onboard/onboard/formats/x12/x12guide"
)

// checkGuide fails t when an 834 written with opts does not pass the
// implementation guide's map; the product codes opts names beyond the
// guide's HD03 list (basic life AC, AD&D ADD) are the carrier's declared
// deviations.
func checkGuide(t *testing.T, data []byte, opts Options834) {
	t.Helper()
	x12guide.Check(t, data, x12guide.Options{Set: "834", Deviations: map[string][]string{
		"HD03": slices.Collect(maps.Values(opts.ProductCodes))}})
}
