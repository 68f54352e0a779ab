package x12

import (
	"bytes"
	"errors"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/model"
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

// TestGuideCodesMatchTheMaps: the code lists embedded in the binary are
// the maps' (run go generate in formats/x12 after the maps change).
func TestGuideCodesMatchTheMaps(t *testing.T) {
	g, err := x12guide.Default()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	for elem, codes := range guideCodes {
		if want := g.Maps["834"].Codes(elem); !slices.Equal(codes, want) {
			t.Errorf("%s: embedded %v, the map has %v (run go generate)", elem, codes, want)
		}
	}
}

// TestWriter834RefusesCodesOutsideTheGuide: HD03 MEDICAL or HD05 FAMILY
// (codes no translator knows) are refused; a companion-guide HD03 for
// basic life or AD&D is the one deviation allowed.
func TestWriter834RefusesCodesOutsideTheGuide(t *testing.T) {
	tests := []struct {
		name string
		edit func(o *Options834, env *Envelope)
		want string // "" when allowed
	}{
		{"companion HD03 for life and AD&D", func(o *Options834, _ *Envelope) {}, ""},
		{"guide HD03 override", func(o *Options834, _ *Envelope) { o.ProductCodes = map[string]string{model.ProductMedical: "PPO"} }, ""},
		{"HD03 MEDICAL", func(o *Options834, _ *Envelope) { o.ProductCodes = map[string]string{model.ProductMedical: "MEDICAL"} }, `HD03 "MEDICAL" for medical`},
		{"companion code for medical", func(o *Options834, _ *Envelope) { o.ProductCodes = map[string]string{model.ProductMedical: "AC"} }, `HD03 "AC" for medical`},
		{"HD05 FAMILY", func(o *Options834, _ *Envelope) { o.LevelCodes = map[string]string{model.LevelFamily: "FAMILY"} }, `HD05 "FAMILY" for family`},
		{"ISA05 XX", func(_ *Options834, env *Envelope) { env.SenderQualifier = "XX" }, `(ISA05) "XX"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts, env := testOptions(), testEnvelope()
			tt.edit(&opts, &env)
			var buf bytes.Buffer
			_, err := NewWriter834(&buf, env, opts)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrCodeOutsideGuide) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("NewWriter834 = %v, want ErrCodeOutsideGuide naming %s", err, tt.want)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %q", buf.String())
			}
		})
	}
}
