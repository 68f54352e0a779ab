// Package x12guide checks X12 files against the implementation guide's
// machine-readable maps: pyx12's XML maps for 005010X220A1 (834) and
// 005010X231A1 (999), its element dictionary (dataele.xml) and code lists
// (codes.xml), kept in ../shared/x12-maps/ beside the repository.
//
// It is an independent second reading of what formats/x12 writes: it has its
// own tokenizer and walks the map as data, checking loop structure and
// order, segment usage and repeat counts, element usage, minimum and maximum
// length, data types (AN, ID, N0, N2, R, DT, TM), code values, syntax rules
// (paired, required, exclusion, conditional, list) and the envelope counts
// and control numbers (SE01/SE02, GE01/GE02, IEA01/IEA02).
//
// A test checks a file in one call; every problem fails the test:
//
//	x12guide.Check(t, data, x12guide.Options{
//		Deviations: map[string][]string{"HD03": {"AC", "ADD"}}, // a carrier's companion-guide codes
//	})
//
// Validate returns the problems instead, for code that is not a test (the
// carrier simulator rejects a set with them):
//
//	g, err := x12guide.Load(dir)
//	problems, err := g.Validate(data, x12guide.Options{})
//
// Check finds the maps by walking up from the working directory to go.mod
// and taking ../shared/x12-maps/ from there (or $ONBOARD_X12_MAPS). When
// they are missing it skips the test, and fails it under CI=true.
//
// Embedded returns a copy of the same maps carried in the binary (maps/,
// with pyx12's LICENSE.txt), for the carrier simulator, which runs where
// the repository is not; a test keeps the copy equal to the shared maps.
//
// Where pyx12's maps and X12 practice differ, the validator follows
// practice and says so: a TA1 may follow the ISA (the maps list it after
// the functional groups), and an interchange holding a TA1 needs no
// functional group.
package x12guide
