package x12

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Writer writes X12 segments with a set of delimiters, refusing any value
// that contains one of them, and keeps the envelopes' counts: it opens and
// closes interchanges (ISA/IEA), functional groups (GS/GE) and transaction
// sets (ST/SE) and writes the trailers with the counts of what was actually
// written.
//
// Output is buffered like encoding/csv's Writer: EndInterchange flushes;
// otherwise call Flush. After an I/O error every call returns that error.
type Writer struct {
	bw  *bufio.Writer
	d   Delimiters
	err error // sticky I/O error

	segments int // all segments written

	// Envelope state.
	inISA, inGS, inST bool
	isa13, gs06       int64
	stControl         string
	env               Envelope
	groups, sets      int // groups in the interchange, sets in the group
	setSegments       int // segments in the open set, ST included
	scratch           []byte
}

// NewWriter returns a Writer with delimiters d (the zero value means
// DefaultDelimiters()). Invalid delimiters make every write fail.
func NewWriter(w io.Writer, d Delimiters) *Writer {
	d = d.orDefault()
	wr := &Writer{bw: bufio.NewWriterSize(w, 64<<10), d: d}
	if err := d.Validate(); err != nil {
		wr.err = err
	}
	return wr
}

// Delimiters returns the writer's delimiters.
func (w *Writer) Delimiters() Delimiters { return w.d }

// Segments returns the number of segments written so far.
func (w *Writer) Segments() int { return w.segments }

// SetSegments returns the number of segments written in the open
// transaction set, ST included (so the next segment's position is
// SetSegments()+1); 0 outside a set.
func (w *Writer) SetSegments() int { return w.setSegments }

// Flush writes buffered data to the underlying writer.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	if err := w.bw.Flush(); err != nil {
		w.err = fmt.Errorf("writing X12: %w", err)
	}
	return w.err
}

// Error returns the first error that stopped the writer, if any.
func (w *Writer) Error() error { return w.err }

// WriteSegment writes one segment of simple data elements. Trailing empty
// elements are dropped. If the id is not 2 or 3 letters and digits, or an
// element contains a delimiter or a control character, it returns an error
// naming the element and writes nothing.
func (w *Writer) WriteSegment(id string, elements ...string) error {
	if w.err != nil {
		return w.err
	}
	if err := checkSegment(id, elements, w.d); err != nil {
		return err
	}
	return w.writeChecked(id, elements)
}

// writeChecked writes a segment whose id and elements were checked
// (checkSegment) with the writer's delimiters.
func (w *Writer) writeChecked(id string, elements []string) error {
	if w.err != nil {
		return w.err
	}
	b := append(w.scratch[:0], id...)
	for _, e := range trimTrailing(elements) {
		b = append(b, w.d.Element)
		b = append(b, e...)
	}
	return w.emit(b)
}

// writeBuilt writes the segments of an open transaction set that were
// built and checked elsewhere (a setBuilder with the writer's delimiters):
// body is whole segments, terminators included, and n their number.
func (w *Writer) writeBuilt(body []byte, n int) error {
	if w.err != nil {
		return w.err
	}
	if !w.inST {
		return fmt.Errorf("%w: no transaction set is open", ErrWriterState)
	}
	if _, err := w.bw.Write(body); err != nil {
		w.err = fmt.Errorf("writing X12: %w", err)
		return w.err
	}
	w.segments += n
	w.setSegments += n
	return nil
}

// WriteSegmentComponents writes one segment whose elements may be
// composites: each element is given as its components (a simple element is
// a one-component list). Trailing empty components and elements are
// dropped; values are checked as by WriteSegment.
func (w *Writer) WriteSegmentComponents(id string, elements ...[]string) error {
	if w.err != nil {
		return w.err
	}
	if err := checkID(id); err != nil {
		return err
	}
	flat := make([]string, 0, len(elements))
	for i, comps := range elements {
		for j, c := range comps {
			if err := CheckValue(c, w.d); err != nil {
				return fmt.Errorf("%w: %s%02d-%d: %w", ErrBadSegment, id, i+1, j+1, err)
			}
		}
		flat = append(flat, joinBytes(trimTrailing(comps), w.d.Component))
	}
	b := append(w.scratch[:0], id...)
	for _, e := range trimTrailing(flat) {
		b = append(b, w.d.Element)
		b = append(b, e...)
	}
	return w.emit(b)
}

// emit writes one built segment (without terminator) and counts it.
func (w *Writer) emit(b []byte) error {
	b = append(b, w.d.Segment)
	if w.d.Newline && w.d.Segment != '\n' {
		b = append(b, '\n')
	}
	w.scratch = b[:0]
	if _, err := w.bw.Write(b); err != nil {
		w.err = fmt.Errorf("writing X12: %w", err)
		return w.err
	}
	w.segments++
	if w.inST {
		w.setSegments++
	}
	return nil
}

// BeginInterchange writes the ISA segment for env, fixed-width (ISALength
// bytes). env.Delimiters is ignored: the writer's delimiters are declared.
func (w *Writer) BeginInterchange(env Envelope) error {
	if w.err != nil {
		return w.err
	}
	if w.inISA {
		return fmt.Errorf("%w: an interchange is already open", ErrWriterState)
	}
	env.Delimiters = w.d
	if err := validateEnvelope(env); err != nil {
		return err
	}
	isa := formatISA(env, w.d)
	if err := w.emit(append(w.scratch[:0], isa[:len(isa)-1]...)); err != nil {
		return err
	}
	w.inISA, w.isa13, w.env, w.groups = true, env.ISA13, env, 0
	return nil
}

// BeginGroup writes a GS segment: functional identifier (BE for 834, FA
// for 999), group control number and version (GS08, e.g. 005010X220A1).
func (w *Writer) BeginGroup(functionalID string, control int64, version string) error {
	if w.err != nil {
		return w.err
	}
	if !w.inISA || w.inGS {
		return fmt.Errorf("%w: a functional group must be inside an interchange and not nested", ErrWriterState)
	}
	if err := checkControl("group control number (GS06)", control); err != nil {
		return err
	}
	t := w.env.Time
	if err := w.WriteSegment("GS", functionalID, strings.TrimSpace(w.env.appSender()), strings.TrimSpace(w.env.appReceiver()),
		t.Format("20060102"), t.Format("1504"), strconv.FormatInt(control, 10), "X", version); err != nil {
		return err
	}
	w.inGS, w.gs06, w.sets = true, control, 0
	w.groups++
	return nil
}

// BeginSet writes an ST segment: transaction set id (834, 999), control
// number and implementation convention reference (ST03).
func (w *Writer) BeginSet(id string, control int64, version string) error {
	if w.err != nil {
		return w.err
	}
	if !w.inGS || w.inST {
		return fmt.Errorf("%w: a transaction set must be inside a functional group and not nested", ErrWriterState)
	}
	if err := checkControl("transaction set control number (ST02)", control); err != nil {
		return err
	}
	ctl := controlST(control)
	w.inST, w.setSegments = true, 0
	if err := w.WriteSegment("ST", id, ctl, version); err != nil {
		w.inST = false
		return err
	}
	w.stControl = ctl
	w.sets++
	return nil
}

// EndSet writes the SE segment with the number of segments in the set (ST
// and SE included) and returns that number.
func (w *Writer) EndSet() (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if !w.inST {
		return 0, fmt.Errorf("%w: no transaction set is open", ErrWriterState)
	}
	n := w.setSegments + 1
	if err := w.WriteSegment("SE", strconv.Itoa(n), w.stControl); err != nil {
		return 0, err
	}
	w.inST, w.setSegments = false, 0
	return n, nil
}

// EndGroup writes the GE segment with the number of transaction sets.
func (w *Writer) EndGroup() error {
	if w.err != nil {
		return w.err
	}
	if !w.inGS || w.inST {
		return fmt.Errorf("%w: no functional group is open, or a transaction set is still open", ErrWriterState)
	}
	if err := w.WriteSegment("GE", strconv.Itoa(w.sets), strconv.FormatInt(w.gs06, 10)); err != nil {
		return err
	}
	w.inGS = false
	return nil
}

// EndInterchange writes the IEA segment with the number of functional
// groups, and flushes.
func (w *Writer) EndInterchange() error {
	if w.err != nil {
		return w.err
	}
	if !w.inISA || w.inGS {
		return fmt.Errorf("%w: no interchange is open, or a functional group is still open", ErrWriterState)
	}
	if err := w.WriteSegment("IEA", strconv.Itoa(w.groups), control9(w.isa13)); err != nil {
		return err
	}
	w.inISA = false
	return w.Flush()
}

// checkSegment validates a segment of simple elements.
func checkSegment(id string, elements []string, d Delimiters) error {
	if err := checkID(id); err != nil {
		return err
	}
	for i, e := range elements {
		if err := CheckValue(e, d); err != nil {
			return fmt.Errorf("%w: %s%02d: %w", ErrBadSegment, id, i+1, err)
		}
	}
	return nil
}

func checkID(id string) error {
	if len(id) < 2 || len(id) > 3 {
		return fmt.Errorf("%w: segment id %q must be 2 or 3 characters", ErrBadSegment, id)
	}
	for i := 0; i < len(id); i++ {
		if !(id[i] >= 'A' && id[i] <= 'Z' || id[i] >= '0' && id[i] <= '9') {
			return fmt.Errorf("%w: segment id %q must be upper-case letters and digits", ErrBadSegment, id)
		}
	}
	return nil
}

// trimTrailing drops trailing empty strings.
func trimTrailing(s []string) []string {
	n := len(s)
	for n > 0 && s[n-1] == "" {
		n--
	}
	return s[:n]
}

func joinBytes(s []string, sep byte) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	n := len(s) - 1
	for _, v := range s {
		n += len(v)
	}
	b := make([]byte, 0, n)
	for i, v := range s {
		if i > 0 {
			b = append(b, sep)
		}
		b = append(b, v...)
	}
	return string(b)
}
