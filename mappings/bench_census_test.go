package mappings_test

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/onboard/onboard/formats/census/censusgen"
	"github.com/onboard/onboard/mappings"
)

// BenchmarkMapCensus maps the rows of a generated census (20 groups of 100
// members) through census-standard, as the census reader does: one op is
// one row.
func BenchmarkMapCensus(b *testing.B) {
	var buf bytes.Buffer
	if err := censusgen.Generate(&buf, 1, 20, 100); err != nil {
		b.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		b.Fatal(err)
	}
	m, err := mappings.Load("census-standard", "")
	if err != nil {
		b.Fatal(err)
	}
	p, err := m.Bind(recs[0])
	if err != nil {
		b.Fatal(err)
	}
	rows := recs[1:]
	var row mappings.Row
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p.Map(rows[i], &row)
		if len(row.Errors) > 0 {
			b.Fatal(row.Errors[0])
		}
		if i++; i == len(rows) {
			i = 0
		}
	}
}
