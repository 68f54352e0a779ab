package census

import (
	"bufio"
	"bytes"
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

	// Sequential reading: cr reads from crBase onwards, where line
	// crLine starts; a run elsewhere costs a seek and a fresh csvReader.
	cr     *csvReader
	crBase int64
	crLine int64
	row    mappings.Row

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
func NewReader(r io.ReadSeeker, m *mappings.Mapping, fileName string) (*Reader, error) {
	if m == nil {
		return nil, errors.New("reading census: no mapping")
	}
	origin, err := r.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, fmt.Errorf("reading census: %w", err)
	}
	rd := &Reader{src: r, file: fileName}
	var head [3]byte
	n, err := io.ReadFull(r, head[:])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("reading census: %w", err)
	}
	base := origin
	switch {
	case bytes.HasPrefix(head[:n], []byte("\xef\xbb\xbf")):
		base += 3 // a UTF-8 byte-order mark, as spreadsheets write
	case bytes.HasPrefix(head[:n], []byte("\xff\xfe")), bytes.HasPrefix(head[:n], []byte("\xfe\xff")):
		return nil, rd.fileError(0, "The file is UTF-16 text; export the census as CSV in UTF-8.")
	}
	if _, err := r.Seek(base, io.SeekStart); err != nil {
		return nil, fmt.Errorf("reading census: %w", err)
	}
	check := newTextChecker(r)
	br := bufio.NewReaderSize(check, bufSize)
	cr := newCSVReader(br)
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) && check.err == nil {
			return nil, rd.fileError(0, "The file is empty; send a census with a header row and one row per member.")
		}
		return nil, rd.readError(err, check)
	}
	header = append([]string(nil), header...)
	plan, err := m.Bind(header)
	if err != nil {
		var he *mappings.HeaderError
		if errors.As(err, &he) {
			return nil, rd.headerError(he, m)
		}
		return nil, fmt.Errorf("reading census header: %w", err)
	}
	rd.plan = plan
	index := map[string]int{}
	last := -1 // the group of the previous row
	// When the key is a function of one cell, a row whose key cell is the
	// previous row's has the previous key, without evaluating it again.
	keyCol, alone := plan.KeyColumn()
	var keyRec []string // only keyRec[keyCol] is set
	if alone && keyCol >= 0 {
		keyRec = make([]string, keyCol+1)
	}
	lastCell, lastKey, haveKey := "", "", false
	for {
		off := base + cr.InputOffset()
		err := cr.next()
		if errors.Is(err, io.EOF) && check.err == nil {
			break
		}
		if err != nil {
			return nil, rd.readError(err, check)
		}
		if cr.blank() {
			continue
		}
		line := cr.Line()
		var key string
		switch cell := cr.cell(keyCol); {
		case !alone:
			key = plan.Key(cr.record())
		case haveKey && cell == lastCell:
			key = lastKey
		default:
			if keyCol >= 0 {
				keyRec[keyCol] = cell
			}
			key = plan.Key(keyRec)
			lastCell, lastKey, haveKey = cell, key, true
		}
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
		last = gi
	}
	if len(rd.groups) == 0 {
		return nil, rd.fileError(0, "The file has a header but no rows; send one row per member.")
	}
	return rd, nil
}

// Next returns the next group, in order of first appearance; io.EOF at the end.
func (r *Reader) Next() (*model.SourcedGroup, error) {
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
				line = r.crLine + int64(r.cr.Line()) - 1
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
	r.cr = newCSVReader(bufio.NewReaderSize(r.src, bufSize))
	r.crBase, r.crLine = off, line
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
		parts = append(parts, fmt.Sprintf("names the columns %s more than once", listNames(he.Duplicate)))
	}
	return r.fileError(1, "The header row "+strings.Join(parts, " and ")+"; fix the header and send the file again.")
}
