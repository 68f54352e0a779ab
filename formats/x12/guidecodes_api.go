package x12

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/onboard/onboard/engine/model"
)

//go:generate go run ./internal/gencodes

// ErrCodeOutsideGuide: a code from a carrier's configuration is not one
// the implementation guide allows for its element, and is no declared
// companion-guide code either.
var ErrCodeOutsideGuide = errors.New("is not a code the implementation guide allows")

// GuideCodes returns the implementation guide's codes for elem, one of
// ISA05, ISA07, ISA15, HD03 and HD05 (the elements a carrier's
// configuration fills); nil for another element.
func GuideCodes(elem string) []string { return slices.Clone(guideCodes[elem]) }

// GuideAllows reports whether the guide allows code in elem (see
// GuideCodes).
func GuideAllows(elem, code string) bool { return slices.Contains(guideCodes[elem], code) }

// CompanionProductLine reports whether the guide has no HD03 code for
// product line pl (basic life, AD&D): a carrier that takes it names its
// companion guide's code, a declared deviation (DESIGN.md §7).
func CompanionProductLine(pl string) bool {
	return pl == model.ProductLife || pl == model.ProductADD
}

// checkGuideCodes refuses HD03 and HD05 codes the guide does not allow,
// except a companion-guide HD03 for a product line the guide has no code
// for.
func checkGuideCodes(o Options834) error {
	for _, pl := range slices.Sorted(maps.Keys(o.ProductCodes)) {
		if code := o.ProductCodes[pl]; !GuideAllows("HD03", code) && !CompanionProductLine(pl) {
			return fmt.Errorf("checking 834 options: HD03 %q for %s %w", code, pl, ErrCodeOutsideGuide)
		}
	}
	for _, lvl := range slices.Sorted(maps.Keys(o.LevelCodes)) {
		if code := o.LevelCodes[lvl]; !GuideAllows("HD05", code) {
			return fmt.Errorf("checking 834 options: HD05 %q for %s %w", code, lvl, ErrCodeOutsideGuide)
		}
	}
	return nil
}
