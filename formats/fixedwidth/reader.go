package fixedwidth

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Record is one record read back from a file in a layout.
type Record struct {
	Type RecordType
	// Line is the record's line in the file (1-based).
	Line int
	// Fields maps each field's name to its text: for fixed-width, without
	// its padding; dates, codes and amounts as the file writes them.
	Fields map[string]string
}

// Reader reads the records of a file in a layout. Each line is told apart by
// its place (the file header is first, the trailer last) and by the const
// fields of the layout's records (a record type code).
type Reader struct {
	l        *Layout
	src      rowSource
	pending  *row
	srcErr   error // the error that ended the source; io.EOF when it ended cleanly
	primed   bool
	started  bool
	done     bool
	header   bool // csv: the header row has been read
	colIndex []int
	colCount int

	lastLine                 int
	records, members, groups int64
	sawTrailer               bool
	again                    *row // a first line that was not the file header, to read as another record
}

// row is one line (fixed-width) or one CSV record of the input.
type row struct {
	line   int
	text   string   // fixed-width: the line, cut short when longer than any record
	length int      // fixed-width: the line's length
	cells  []string // csv
	err    error    // csv: the record could not be parsed
}

type rowSource interface {
	// next returns the next non-empty row, or io.EOF.
	next() (row, error)
}

// NewReader returns a Reader of r in layout l.
func NewReader(r io.Reader, l *Layout) *Reader {
	rd := &Reader{l: l}
	if l.Kind == KindCSV {
		cr := csv.NewReader(r)
		cr.Comma = l.delimiter
		cr.FieldsPerRecord = -1
		rd.src = &csvSource{r: cr}
		rd.header = !l.headerRow
	} else {
		rd.header = true // no header row
		rd.src = &fixedSource{r: bufio.NewReaderSize(r, max(4096, l.maxWidth+16)), limit: l.maxWidth + len("\ufeff\r\n")}
	}
	return rd
}

// Read returns the next record, or io.EOF after the last. A line that is not
// a record of the layout returns a *ReadError and reading goes on with the
// next line; a trailer whose counts are wrong is returned together with a
// *ReadError wrapping ErrCountMismatch.
func (r *Reader) Read() (Record, error) {
	for {
		if r.done {
			return Record{}, io.EOF
		}
		if !r.primed {
			r.primed = true
			r.advance()
		}
		if r.pending == nil && r.again == nil {
			r.done = true
			if r.srcErr != io.EOF {
				return Record{}, fmt.Errorf("reading layout file: %w", r.srcErr)
			}
			if r.l.records[iTrailer] != nil && !r.sawTrailer && r.started {
				r.sawTrailer = true
				return Record{}, &ReadError{Line: r.lastLine, Err: fmt.Errorf("the trailer record %w at the end of the file", ErrRequired)}
			}
			return Record{}, io.EOF
		}
		var cur row
		if r.again != nil {
			cur, r.again = *r.again, nil
		} else {
			cur = *r.pending
			r.advance()
		}
		r.lastLine = cur.line
		if cur.err != nil {
			return Record{}, &ReadError{Line: cur.line, Err: fmt.Errorf("parsing CSV: %w", cur.err)}
		}
		if !r.header {
			r.header = true
			if err := r.readHeader(cur); err != nil {
				return Record{}, err
			}
			continue
		}
		first := !r.started
		r.started = true
		return r.classify(cur, first, r.pending == nil)
	}
}

func (r *Reader) advance() {
	next, err := r.src.next()
	if err != nil {
		r.pending, r.srcErr = nil, err
		return
	}
	r.pending = &next
}

// readHeader maps the member fields to the columns of the CSV header row.
func (r *Reader) readHeader(cur row) error {
	index := map[string]int{}
	for i, h := range cur.cells {
		h = strings.ToLower(strings.TrimSpace(h))
		if _, dup := index[h]; !dup {
			index[h] = i
		}
	}
	fields := r.l.records[iMember].fields
	cols := make([]int, len(fields))
	var missing []string
	for i, f := range fields {
		j, ok := index[strings.ToLower(strings.TrimSpace(f.header))]
		if !ok {
			missing = append(missing, strconv.Quote(f.header))
		}
		cols[i] = j
	}
	if len(missing) > 0 {
		// Fall back to reading the columns in the layout's order.
		return &ReadError{Line: cur.line, Err: fmt.Errorf("column %s %w", strings.Join(missing, ", "), ErrMissingColumn)}
	}
	r.colIndex, r.colCount = cols, len(cur.cells)
	return nil
}

// classify tells which record a row is and reads it.
func (r *Reader) classify(cur row, first, last bool) (Record, error) {
	recs := &r.l.records
	if first && recs[iFileHeader] != nil {
		if ok, _ := r.matches(iFileHeader, cur); ok {
			return r.read(iFileHeader, cur)
		}
		r.again = &cur // report the missing header, then read the line as what it is
		return Record{}, &ReadError{Line: cur.line, Err: fmt.Errorf("the file header record %w at the start of the file", ErrRequired)}
	}
	if last && recs[iTrailer] != nil {
		if ok, _ := r.matches(iTrailer, cur); ok {
			r.sawTrailer = true
			return r.read(iTrailer, cur)
		}
		// Not a trailer: read it as what it is; the missing trailer is
		// reported at the end.
	}
	var widthErr error
	for _, idx := range []int{iGroupHeader, iMember} {
		if recs[idx] == nil {
			continue
		}
		ok, err := r.matches(idx, cur)
		if ok {
			return r.read(idx, cur)
		}
		if widthErr == nil {
			widthErr = err
		}
	}
	if widthErr != nil {
		return Record{}, &ReadError{Line: cur.line, Err: widthErr}
	}
	return Record{}, &ReadError{Line: cur.line, Err: fmt.Errorf("the line %w: its record type codes fit no record", ErrUnknownRecord)}
}

// matches reports whether the row is the record: its const fields hold
// their text, and it has the record's width (or number of columns). When
// the codes fit but the width does not, it returns an ErrWidth error.
func (r *Reader) matches(idx int, cur row) (bool, error) {
	rec := r.l.records[idx]
	if r.l.Kind == KindFixedWidth {
		for _, f := range rec.consts {
			if f.start+f.width > len(cur.text) || cur.text[f.start:f.start+f.width] != f.padded {
				return false, nil
			}
		}
		if n := cur.length; n != rec.width || len(cur.text) != n {
			return false, fmt.Errorf("the line %w for the %s record: it is %d bytes, the record %d", ErrWidth, rec.typ, n, rec.width)
		}
		return true, nil
	}
	want, cols := len(rec.fields), []int(nil)
	if idx == iMember && r.colIndex != nil {
		want, cols = r.colCount, r.colIndex
	}
	for _, f := range rec.consts {
		if v, ok := cell(cur.cells, cols, f); !ok || v != f.constant {
			return false, nil
		}
	}
	if len(cur.cells) != want {
		return false, fmt.Errorf("the row %w for the %s record: it has %d columns, the record %d", ErrWidth, rec.typ, len(cur.cells), want)
	}
	return true, nil
}

// cell returns the CSV cell of field f: by the header row's index for member
// rows, else by position.
func cell(cells []string, cols []int, f *field) (string, bool) {
	i := f.index
	if cols != nil {
		i = cols[i]
	}
	if i >= len(cells) {
		return "", false
	}
	return cells[i], true
}

// read builds the record and counts it; a trailer's counts are checked.
func (r *Reader) read(idx int, cur row) (Record, error) {
	rec := r.l.records[idx]
	out := Record{Type: rec.typ, Line: cur.line, Fields: make(map[string]string, len(rec.fields))}
	var cols []int
	if idx == iMember {
		cols = r.colIndex
	}
	for _, f := range rec.fields {
		if r.l.Kind == KindCSV {
			out.Fields[f.name], _ = cell(cur.cells, cols, f)
			continue
		}
		out.Fields[f.name] = unpad(f, cur.text[f.start:f.start+f.width])
	}
	r.records++
	switch idx {
	case iGroupHeader:
		r.groups++
	case iMember:
		r.members++
	}
	if !rec.counts {
		return out, nil
	}
	var errs []error
	for _, f := range rec.fields {
		if f.src == nil || f.src.count == countNone {
			continue
		}
		var want int64
		switch f.src.count {
		case countRecords:
			want = r.records
		case countMembers:
			want = r.members
		case countGroups:
			if r.l.records[iGroupHeader] == nil {
				continue // no group headers to count
			}
			want = r.groups
		}
		got, err := strconv.ParseInt(out.Fields[f.name], 10, 64)
		if err != nil || got != want {
			errs = append(errs, fmt.Errorf("field %q %q %w: %d were read", f.name, out.Fields[f.name], ErrCountMismatch, want))
		}
	}
	if len(errs) > 0 {
		return out, &ReadError{Line: cur.line, Err: errors.Join(errs...)}
	}
	return out, nil
}

// unpad removes a fixed-width field's padding.
func unpad(f *field, s string) string {
	pad := string(f.pad)
	if f.right {
		t := strings.TrimLeft(s, pad)
		if t == "" && f.pad == '0' && s != "" {
			return "0"
		}
		return t
	}
	return strings.TrimRight(s, pad)
}

// fixedSource reads lines, bounded: a line longer than any record is
// reported by its length, never held whole.
type fixedSource struct {
	r     *bufio.Reader
	limit int
	line  int
	bom   bool
}

func (s *fixedSource) next() (row, error) {
	for {
		data, err := s.r.ReadSlice('\n')
		if len(data) == 0 {
			if err == nil {
				continue
			}
			return row{}, err // io.EOF, or the reader's own error
		}
		s.line++
		length := len(data)
		text := string(data[:min(len(data), s.limit)])
		for err == bufio.ErrBufferFull { // the rest of an over-long line
			data, err = s.r.ReadSlice('\n')
			length += len(data)
		}
		if err != nil && err != io.EOF {
			return row{}, err
		}
		// data is the line's last piece, with the line ending if any.
		if n := len(data); n > 0 && data[n-1] == '\n' {
			length--
			if n > 1 && data[n-2] == '\r' {
				length--
			}
		}
		text = text[:min(len(text), length)]
		if !s.bom {
			s.bom = true
			if strings.HasPrefix(text, "\ufeff") {
				text, length = text[3:], length-3
			}
		}
		if length == 0 {
			continue // a blank line, such as a trailing one
		}
		return row{line: s.line, text: text, length: length}, nil
	}
}

// csvSource reads CSV records.
type csvSource struct {
	r     *csv.Reader
	first bool
}

func (s *csvSource) next() (row, error) {
	cells, err := s.r.Read()
	if err == io.EOF {
		return row{}, io.EOF
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return row{line: pe.StartLine, err: pe.Err}, nil
	}
	if err != nil {
		return row{}, err
	}
	line, _ := s.r.FieldPos(0)
	if !s.first {
		s.first = true
		cells[0] = strings.TrimPrefix(cells[0], "\ufeff")
	}
	return row{line: line, cells: cells}, nil
}
