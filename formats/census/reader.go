package census

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/mappings"
)

// rowRun is a run of a group's rows that follow one another in the file
// (blank rows between them aside): one entry for the whole run, so the
// index of a file whose groups are contiguous is one entry per group and
// a million-member file indexes in kilobytes.
type rowRun struct {
	off  int64 // byte offset of the run's first row
	line int64 // that row's first line
	rows int   // rows in the run, blank ones not counted
}

// groupRows are a group's rows in file order.
type groupRows struct {
	key  string
	runs []rowRun
	rows int
}

// Reader reads a census CSV group by group through a compiled mapping.
type Reader struct {
	src  io.ReadSeeker
	file string
	plan *mappings.Plan

	groups []groupRows
	next   int

	// Sequential reading: cr reads from crBase onwards; the first record
	// it reads is on line crLine, and on its line crRel0 counting from
	// crBase (more than 1 when empty lines, which encoding/csv skips, lie
	// between crBase and the record; 0 until it is read). A run elsewhere
	// costs a seek and a fresh csvReader.
	cr     *csvReader
	crBase int64
	crLine int64
	crRel0 int64
	row    mappings.Row

	stream *streamState // NewStreamReader's; nil for NewReader's

	digestHead []byte // digestPrefix's, once made
	digestBuf  []byte // a row's digest input, reused

	limits Limits
	crOnly bool // the file ends lines with a bare CR (crToLF)

	scratch scratch                       // see builder
	cols    []*[mappings.NumTargets]int32 // the rows' Column arrays (colsOf)
}

const bufSize = 64 << 10

// NewReader reads a census CSV through m. r must be seekable (onboard stages every file
// locally first): the reader makes one pass to index rows by group (byte offset + line of
// each run of a group's consecutive rows) and then yields groups one at a time, so a
// million-member file is never held whole in memory, and rows of a group need not be
// contiguous.
//
// A file-level problem (empty, not UTF-8 text, not CSV, a header that does
// not fit the mapping, no rows) is returned as a model.Error of type
// file_invalid.
func NewReader(r io.ReadSeeker, m *mappings.Mapping, fileName string, opts ...Option) (*Reader, error) {
	rd, o, err := open(r, m, fileName, opts)
	if err != nil {
		return nil, err
	}
	index := map[string]int{}
	last := -1 // the group of the previous row
	for {
		off := o.base + o.cr.InputOffset()
		err := o.cr.next()
		if errors.Is(err, io.EOF) && o.check.err == nil {
			break
		}
		if err != nil {
			return nil, rd.readError(err, o.check)
		}
		if o.cr.blank() {
			continue
		}
		if err := o.cr.checkCells(rd.limits.MaxValueBytes); err != nil {
			return nil, rd.valueTooLong(err.(*valueError))
		}
		line := o.cr.Line()
		key := o.key.of(o.cr)
		gi, ok := index[key]
		if !ok {
			gi = len(rd.groups)
			key = strings.Clone(key) // the record's string is not retained
			index[key] = gi
			rd.groups = append(rd.groups, groupRows{key: key})
		}
		g := &rd.groups[gi]
		if gi == last {
			g.runs[len(g.runs)-1].rows++
		} else {
			g.runs = append(g.runs, rowRun{off: off, line: int64(line), rows: 1})
		}
		g.rows++
		if rd.limits.MaxGroupMembers > 0 && g.rows > rd.limits.MaxGroupMembers {
			return nil, rd.groupTooLarge(line, key)
		}
		last = gi
	}
	if len(rd.groups) == 0 {
		return nil, rd.noRows()
	}
	return rd, nil
}

// ErrNotContiguous is returned by the Next of a Reader from NewStreamReader
// when a group's rows are not all together: a row of a group it has
// already returned follows another group's rows. Read the file again with
// NewReader, which indexes it first.
var ErrNotContiguous = errors.New("reading census: a group's rows are not contiguous")

// NewStreamReader reads a census CSV through m in one pass, without
// NewReader's indexing pass, for a file whose groups' rows are contiguous
// (as census exports are): Next returns each group when the next group's
// first row is read, and ErrNotContiguous if a group's rows turn out to be
// apart, so that the caller, having kept nothing, can read the file again
// with NewReader. Apart from that, it returns what NewReader's would; a
// file-level problem found after the header (not CSV, not UTF-8, no rows)
// is returned by Next, as a model.Error of type file_invalid.
func NewStreamReader(r io.ReadSeeker, m *mappings.Mapping, fileName string, opts ...Option) (*Reader, error) {
	rd, o, err := open(r, m, fileName, opts)
	if err != nil {
		return nil, err
	}
	rd.stream = &streamState{opened: o, done: map[string]bool{}}
	return rd, nil
}

// opened is a census whose header is read and bound.
type opened struct {
	cr    *csvReader
	check *textChecker
	base  int64 // the offset of the header (after a byte-order mark)
	key   keyer
}

// open reads a census's header (after a UTF-8 byte-order mark, if any) and
// binds it to the mapping.
func open(r io.ReadSeeker, m *mappings.Mapping, fileName string, opts []Option) (*Reader, *opened, error) {
	if m == nil {
		return nil, nil, errors.New("reading census: no mapping")
	}
	origin, err := r.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, nil, fmt.Errorf("reading census: %w", err)
	}
	rd := &Reader{src: r, file: fileName}
	for _, o := range opts {
		o(rd)
	}
	var head [3]byte
	n, err := io.ReadFull(r, head[:])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, nil, fmt.Errorf("reading census: %w", err)
	}
	base := origin
	switch {
	case bytes.HasPrefix(head[:n], []byte("\xef\xbb\xbf")):
		base += 3 // a UTF-8 byte-order mark, as spreadsheets write
	case bytes.HasPrefix(head[:n], []byte("\xff\xfe")), bytes.HasPrefix(head[:n], []byte("\xfe\xff")):
		return nil, nil, rd.fileError(0, "The file is UTF-16 text; export the census as CSV in UTF-8.")
	}
	if _, err := r.Seek(base, io.SeekStart); err != nil {
		return nil, nil, fmt.Errorf("reading census: %w", err)
	}
	check := newTextChecker(rd.lineEnds(r))
	br := bufio.NewReaderSize(check, bufSize)
	if peek, _ := br.Peek(bufSize); crOnly(peek) {
		// Lines end with a bare CR: read them as LF from here on, and in
		// every later read of the file (lineEnds).
		rd.crOnly = true
		check = newTextChecker(rd.lineEnds(r))
		if _, err := r.Seek(base, io.SeekStart); err != nil {
			return nil, nil, fmt.Errorf("reading census: %w", err)
		}
		br = bufio.NewReaderSize(check, bufSize)
	}
	cr := newCSVReader(br)
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) && check.err == nil {
			return nil, nil, rd.fileError(0, "The file is empty; send a census with a header row and one row per member.")
		}
		return nil, nil, rd.readError(err, check)
	}
	header = append([]string(nil), header...)
	plan, err := m.Bind(header)
	if err != nil {
		var he *mappings.HeaderError
		if errors.As(err, &he) {
			return nil, nil, rd.headerError(he, m)
		}
		return nil, nil, fmt.Errorf("reading census header: %w", err)
	}
	rd.plan = plan
	return rd, &opened{cr: cr, check: check, base: base, key: newKeyer(plan)}, nil
}

// keyer computes the group key of each row. When the key is a function of
// one cell, a row whose key cell is the previous row's has the previous
// key, without evaluating it again.
type keyer struct {
	plan              *mappings.Plan
	col               int
	alone             bool
	rec               []string // only rec[col] is set
	lastCell, lastKey string
	have              bool
}

func newKeyer(plan *mappings.Plan) keyer {
	k := keyer{plan: plan}
	k.col, k.alone = plan.KeyColumn()
	if k.alone && k.col >= 0 {
		k.rec = make([]string, k.col+1)
	}
	return k
}

// of returns the key of the record cr read last.
func (k *keyer) of(cr *csvReader) string {
	switch cell := cr.cell(k.col); {
	case !k.alone:
		return k.plan.Key(cr.record())
	case k.have && cell == k.lastCell:
		return k.lastKey
	default:
		if k.col >= 0 {
			k.rec[k.col] = cell
		}
		key := k.plan.Key(k.rec)
		k.lastCell, k.lastKey, k.have = cell, key, true
		return key
	}
}

// noRows is the error of a census with a header and no rows.
func (r *Reader) noRows() model.Error {
	return r.fileError(0, "The file has a header but no rows; send one row per member.")
}

// streamState is a streaming Reader's: the row read ahead (the first of
// the next group) and the keys of the groups returned.
type streamState struct {
	*opened
	done map[string]bool
	// The row read ahead, if have.
	have     bool
	rec      []string
	recKey   string
	recLine  int
	rows     bool // a row was read
	lastRows int  // the rows of the last group, a size hint for the next
}

// readRow reads the next non-blank row ahead; io.EOF at the end.
func (s *streamState) readRow(r *Reader) error {
	for {
		err := s.cr.next()
		if errors.Is(err, io.EOF) && s.check.err == nil {
			s.have = false
			return io.EOF
		}
		if err != nil {
			s.have = false
			return r.readError(err, s.check)
		}
		if s.cr.blank() {
			continue
		}
		if err := s.cr.checkCells(r.limits.MaxValueBytes); err != nil {
			s.have = false
			return r.valueTooLong(err.(*valueError))
		}
		s.recLine = s.cr.Line()
		s.recKey = s.key.of(s.cr)
		s.rec = append(s.rec[:0], s.cr.record()...) // the record's slice is reused
		s.have, s.rows = true, true
		return nil
	}
}

// nextStreamed is Next of a streaming Reader.
func (r *Reader) nextStreamed() (*model.SourcedGroup, error) {
	s := r.stream
	if !s.have {
		if err := s.readRow(r); err != nil {
			if errors.Is(err, io.EOF) && !s.rows {
				return nil, r.noRows()
			}
			return nil, err
		}
	}
	key := strings.Clone(s.recKey) // the record's string is not retained
	if s.done[key] {
		return nil, ErrNotContiguous
	}
	b := newBuilder(r, key, s.recLine, s.lastRows)
	rows := 0
	for s.have && s.recKey == key {
		if rows++; r.limits.MaxGroupMembers > 0 && rows > r.limits.MaxGroupMembers {
			return nil, r.groupTooLarge(s.recLine, key)
		}
		b.add(s.rec, s.recLine)
		if err := s.readRow(r); err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
	}
	s.done[key] = true
	s.lastRows = rows
	return b.finish(), nil
}

// digestPrefix is what every group's digest starts with: the mapping's
// fingerprint and the header, field by field.
func (r *Reader) digestPrefix() []byte {
	if r.digestHead == nil {
		fp := r.plan.Mapping().Fingerprint()
		b := append([]byte("census\x00"), fp[:]...)
		for i := range r.plan.Width() {
			h := r.plan.Header(i)
			b = binary.AppendUvarint(b, uint64(len(h)))
			b = append(b, h...)
		}
		r.digestHead = binary.AppendUvarint(b, uint64(r.plan.Width()))
	}
	return r.digestHead
}

// Next returns the next group, in order of first appearance; io.EOF at the end.
func (r *Reader) Next() (*model.SourcedGroup, error) {
	if r.stream != nil {
		return r.nextStreamed()
	}
	if r.next >= len(r.groups) {
		return nil, io.EOF
	}
	g := &r.groups[r.next]
	r.next++
	b := newBuilder(r, g.key, int(g.runs[0].line), g.rows)
	for _, run := range g.runs {
		if err := r.seek(run.off, run.line); err != nil {
			return nil, fmt.Errorf("reading census row at line %d: %w", run.line, err)
		}
		for n := 0; n < run.rows; {
			line := run.line
			err := r.cr.next()
			if err == nil {
				rel := int64(r.cr.Line())
				if r.crRel0 == 0 {
					r.crRel0 = rel
				}
				line = r.crLine + rel - r.crRel0
			}
			if err != nil {
				var pe *csv.ParseError
				if errors.As(err, &pe) || errors.Is(err, io.EOF) {
					return nil, r.fileError(int(line), "The file changed while it was read; send it again.")
				}
				return nil, fmt.Errorf("reading census row at line %d: %w", line, err)
			}
			if r.cr.blank() {
				continue // as when indexing
			}
			if err := r.cr.checkCells(r.limits.MaxValueBytes); err != nil {
				return nil, r.valueTooLong(err.(*valueError))
			}
			b.add(r.cr.record(), int(line))
			n++
		}
	}
	return b.finish(), nil
}

// seek positions the CSV reader at off, where line starts, reading on
// without a seek when the run follows the rows read last.
func (r *Reader) seek(off, line int64) error {
	if r.cr != nil && off == r.crBase+r.cr.InputOffset() {
		return nil
	}
	if _, err := r.src.Seek(off, io.SeekStart); err != nil {
		return err
	}
	r.cr = newCSVReader(bufio.NewReaderSize(r.lineEnds(r.src), bufSize))
	r.crBase, r.crLine, r.crRel0 = off, line, 0
	return nil
}

// fileError is a file_invalid error at a line (0: the whole file).
func (r *Reader) fileError(line int, msg string) model.Error {
	return model.Error{ErrorType: model.ErrFileInvalid, Message: msg, Source: &model.Source{File: r.file, Line: line}}
}

// readError turns a failed read into a file_invalid error.
func (r *Reader) readError(err error, check *textChecker) error {
	if te := check.err; te != nil {
		if te.nul {
			return r.fileError(te.line, fmt.Sprintf("The file is not CSV text: line %d holds a NUL byte, as binary files (spreadsheets, archives) do; export the census as CSV (UTF-8).", te.line))
		}
		if te.long {
			return r.fileError(te.line, fmt.Sprintf("The file is not a census: line %d is longer than %d bytes, where a census row takes a few hundred; export the census as CSV with one row per line.", te.line, maxLine))
		}
		return r.fileError(te.line, fmt.Sprintf("The file is not UTF-8 text: line %d holds bytes that are not UTF-8; export the census as CSV (UTF-8).", te.line))
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		line := pe.StartLine
		var msg string
		switch {
		case errors.Is(pe.Err, csv.ErrQuote) && pe.Line != pe.StartLine:
			msg = fmt.Sprintf("The file is not valid CSV: the quoted field that starts on line %d is never closed; check for a stray quote (\").", line)
		case errors.Is(pe.Err, csv.ErrQuote), errors.Is(pe.Err, csv.ErrBareQuote):
			line = pe.Line
			msg = fmt.Sprintf("The file is not valid CSV: line %d has a quote (\") inside a field, at character %d; quote the whole field and double the inner quote (\"\").", line, pe.Column)
		default:
			msg = fmt.Sprintf("The file is not valid CSV: line %d: %v.", line, pe.Err)
		}
		return r.fileError(line, msg)
	}
	return fmt.Errorf("reading census: %w", err)
}

func (r *Reader) headerError(he *mappings.HeaderError, m *mappings.Mapping) model.Error {
	var parts []string
	if len(he.Missing) > 0 {
		parts = append(parts, fmt.Sprintf("lacks the columns %s that the %s layout needs", strings.Join(he.Missing, ", "), m.Name))
	}
	if len(he.Duplicate) > 0 {
		// Only names the mapping knows are echoed: a header row that is
		// really a data row (a file without a header, or with its lines
		// run together) holds names, SSNs and FEINs.
		known, unknown := knownColumns(m, he.Duplicate)
		if len(known) > 0 {
			parts = append(parts, fmt.Sprintf("names the columns %s more than once", listNames(known)))
		}
		if unknown > 0 {
			parts = append(parts, fmt.Sprintf("repeats %s (not shown: not column names of the %s layout, so possibly data)", plural(unknown, "other header cell"), m.Name))
		}
	}
	return r.fileError(1, "The header row "+strings.Join(parts, " and ")+"; fix the header and send the file again.")
}
