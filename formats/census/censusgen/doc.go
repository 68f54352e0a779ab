// Package censusgen generates census-standard CSV files (DESIGN.md §4) for
// benchmarks and demos: N groups of exactly M members each (employees and
// their spouses, partners and children), with medical, dental, vision,
// basic life and AD&D elections on the plans of the example carrier
// bluecross (config.example.yaml), coverage starting on a first of the
// month, and SSNs, FEINs, ZIP and FIPS county codes that pass onboard's
// validation. The output is deterministic: the same seed gives the same
// bytes. Rows are written as they are made, so a file of a million members
// takes no more memory than one of ten.
//
//	f, _ := os.Create("census-1m.csv")
//	if err := censusgen.Generate(f, 1, 2000, 500); err != nil { // 1,000,000 members
//		return err
//	}
//	return f.Close()
package censusgen
