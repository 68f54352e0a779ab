package transmit

import (
	"bytes"
	"maps"
	"slices"
	"testing"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/formats/x12/x12guide"
)

// checkGuide fails t when an X12 file the transmitter delivered does not
// pass the implementation guide's 834 map, allowing only the HD03 codes
// the carrier declares for product lines the guide has no code for.
func checkGuide(t testing.TB, name string, data []byte, c *config.Carrier) {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("ISA")) {
		return // a layout carrier's file
	}
	var codes []string
	if c != nil {
		codes = slices.Collect(maps.Values(c.X12.ProductLines))
	}
	t.Logf("checking %s against the 834 guide", name)
	x12guide.Check(t, data, x12guide.Options{Set: "834", Deviations: map[string][]string{"HD03": codes}})
}
