package census

import (
	"encoding/csv"
	"io"
	"strings"
)

// csvReader is the census's encoding/csv Reader (DESIGN §11: the census
// hot path reads with encoding/csv, ReuseRecord) and the record it read
// last. The record's slice is reused by the next read; its strings are not.
type csvReader struct {
	cr  *csv.Reader
	rec []string
}

func newCSVReader(r io.Reader) *csvReader {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1 // a short or long row is the mapping's to report
	return &csvReader{cr: cr}
}

// next reads the next record; io.EOF at the end.
func (r *csvReader) next() error {
	rec, err := r.cr.Read()
	r.rec = rec
	return err
}

// Read reads the next record and returns it.
func (r *csvReader) Read() ([]string, error) {
	err := r.next()
	return r.rec, err
}

// record returns the last record.
func (r *csvReader) record() []string { return r.rec }

// cell returns field i of the last record, "" when it has none.
func (r *csvReader) cell(i int) string {
	if i < 0 || i >= len(r.rec) {
		return ""
	}
	return r.rec[i]
}

// blank reports whether the last record has nothing but spaces.
func (r *csvReader) blank() bool {
	for _, c := range r.rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// Line returns the line the last record starts on.
func (r *csvReader) Line() int {
	line, _ := r.cr.FieldPos(0)
	return line
}

// InputOffset returns the bytes read so far (csv.Reader.InputOffset).
func (r *csvReader) InputOffset() int64 { return r.cr.InputOffset() }
