package groupjson

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/onboard/onboard/engine/model"
)

type mode uint8

const (
	modeUnknown mode = iota
	modeStream       // one object, or JSON Lines
	modeArray        // [ {...}, {...} ]
)

// Reader reads groups from group JSON: a single {"group": {...}} object, a
// JSON array of them, or JSON Lines (one per line).
type Reader struct {
	file string
	lc   *lineCounter
	br   *bufio.Reader
	dec  *json.Decoder
	base int64 // bytes consumed before the decoder: BOM and leading space
	mode mode
	n    int   // groups read
	err  error // sticky: io.EOF or a file error

	limits Limits
}

// NewReader returns a reader of the group JSON in r; fileName names the file
// in errors and sources. Problems with the file come from Next.
func NewReader(r io.Reader, fileName string, opts ...Option) *Reader {
	lc := &lineCounter{r: r}
	rd := &Reader{file: fileName, lc: lc}
	for _, o := range opts {
		o(rd)
	}
	var src io.Reader = lc
	if rd.limits.MaxValueBytes > 0 {
		src = newTokenLimit(lc, rd.limits.MaxValueBytes)
	}
	rd.br = bufio.NewReaderSize(src, 64<<10)
	return rd
}

// Next returns the next group; io.EOF at the end. A file that is not group
// JSON (a syntax error, nesting deeper than 64, an entry that is not an
// object, no group at all) gives a model.Error of type file_invalid with
// its line; fields that are unknown or of the wrong kind are the group's
// Errors.
func (r *Reader) Next() (*model.SourcedGroup, error) {
	if r.err != nil {
		return nil, r.err
	}
	sg, err := r.next()
	if err != nil {
		if lerr := r.limitError(err); lerr != nil {
			err = lerr
		}
		r.err = err
	}
	return sg, err
}

func (r *Reader) next() (*model.SourcedGroup, error) {
	if r.mode == modeUnknown {
		if err := r.start(); err != nil {
			return nil, err
		}
	}
	if r.mode == modeArray && !r.dec.More() {
		return nil, r.endArray()
	}
	var raw json.RawMessage
	if err := r.dec.Decode(&raw); err != nil {
		if errors.Is(err, io.EOF) && r.mode == modeStream {
			return nil, io.EOF // at least one value was seen by start
		}
		return nil, r.decodeError(err)
	}
	start := r.base + r.dec.InputOffset() - int64(len(raw))
	sg, err := r.group(raw, r.lc.lineAt(start))
	if err == nil {
		r.n++
	}
	return sg, err
}

// start skips a byte-order mark and leading space and picks the mode.
func (r *Reader) start() error {
	if head, _ := r.br.Peek(3); bytes.Equal(head, []byte("\xef\xbb\xbf")) {
		r.br.Discard(3)
		r.base = 3
	}
	for {
		c, err := r.br.ReadByte()
		if errors.Is(err, io.EOF) {
			return r.fileError(0, "The file is empty; send one group as {\"group\": {...}}, an array of them, or one per line.")
		}
		if err != nil {
			return fmt.Errorf("reading %s: %w", r.file, err)
		}
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			r.base++
			continue
		}
		r.br.UnreadByte()
		r.mode = modeStream
		if c == '[' {
			r.mode = modeArray
		}
		break
	}
	r.dec = json.NewDecoder(r.br)
	if r.mode == modeArray {
		if _, err := r.dec.Token(); err != nil { // '['
			return r.decodeError(err)
		}
	}
	return nil
}

// endArray reads the closing bracket and checks nothing follows.
func (r *Reader) endArray() error {
	tok, err := r.dec.Token()
	if err != nil {
		return r.decodeError(err)
	}
	if tok != json.Delim(']') {
		return r.fileError(r.lc.lineAt(r.base+r.dec.InputOffset()), "The file is not valid JSON: the array of groups is not closed properly.")
	}
	if _, err := r.dec.Token(); !errors.Is(err, io.EOF) {
		line := r.lc.lineAt(r.base + r.dec.InputOffset())
		return r.fileError(line, fmt.Sprintf("The file is not valid JSON: line %d has content after the array of groups; send one array.", line))
	}
	if r.n == 0 {
		return r.fileError(0, "The file holds an empty array: no groups.")
	}
	return io.EOF
}

// decodeError turns a decoding failure into a file_invalid error at its line.
func (r *Reader) decodeError(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		line := r.lc.lastLine()
		return r.fileError(line, fmt.Sprintf("The file is not valid JSON: it ends at line %d in the middle of a value; it was cut short or a bracket or quote is missing.", line))
	}
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return fmt.Errorf("reading %s: %w", r.file, err)
	}
	// The decoder counts a syntax error's offset in bytes it scanned, which
	// in an array leaves out the brackets and commas it stepped over; the
	// failed value is still buffered, so scan it again alone for an exact
	// position.
	off, msg := r.base+se.Offset, se.Error() // a framing error: Offset is the bad byte
	startOff := r.base + r.dec.InputOffset()
	if rest, rerr := io.ReadAll(r.dec.Buffered()); rerr == nil {
		var again json.RawMessage
		var se2 *json.SyntaxError
		if errors.As(json.NewDecoder(bytes.NewReader(rest)).Decode(&again), &se2) {
			off, msg = startOff+se2.Offset-1, se2.Error()
		}
	}
	line := r.lc.lineAt(max(off, 0))
	return r.fileError(line, fmt.Sprintf("The file is not valid JSON: line %d: %s.", line, msg))
}

func (r *Reader) fileError(line int, msg string) model.Error {
	return model.Error{ErrorType: model.ErrFileInvalid, Message: msg, Source: &model.Source{File: r.file, Line: line}}
}

// group decodes one {"group": {...}} value that starts at line.
func (r *Reader) group(raw []byte, line int) (*model.SourcedGroup, error) {
	lineIn := func(off int64) int { return line + bytes.Count(raw[:min(max(off, 0), int64(len(raw)))], []byte{'\n'}) }
	if !utf8.Valid(raw) {
		i := 0
		for i < len(raw) {
			c, size := utf8.DecodeRune(raw[i:])
			if c == utf8.RuneError && size == 1 {
				break
			}
			i += size
		}
		l := lineIn(int64(i))
		return nil, r.fileError(l, fmt.Sprintf("The file is not UTF-8 text: line %d holds bytes that are not UTF-8.", l))
	}
	if raw[0] != '{' {
		return nil, r.fileError(line, fmt.Sprintf("The file is not group JSON: line %d holds a value that is not an object; send each group as {\"group\": {...}}.", line))
	}
	depth := 1
	if r.mode == modeArray {
		depth = 2
	}
	w := walk(raw, depth)
	if w.deepAt >= 0 {
		l := lineIn(w.deepAt)
		return nil, r.fileError(l, fmt.Sprintf("The file is not group JSON: line %d is nested deeper than %d levels.", l, maxDepth))
	}
	var req struct {
		Group model.Group `json:"group"`
	}
	// A bad date-time would stop json.Unmarshal (time.Time's own decoder
	// fails the whole value): blank those first so the rest is read.
	uerr := json.Unmarshal(nullify(raw, w.badTimes), &req)
	sg := &model.SourcedGroup{Group: &req.Group, File: r.file, Line: line,
		Sources: map[string]model.Source{model.PathGroup: {File: r.file, Line: line}}}
	for _, p := range w.probs {
		sg.Errors = append(sg.Errors, model.Error{ErrorType: model.ErrParameterInvalid, Parameter: paramOf(&req.Group, p.segs),
			Message: p.msg, Source: &model.Source{File: r.file, Line: lineIn(p.off)}})
	}
	if !w.hasGroup {
		sg.Errors = append(sg.Errors, model.Error{ErrorType: model.ErrParameterRequired, Parameter: model.PathGroup,
			Message: "The object has no \"group\" field; send each group as {\"group\": {...}}.", Source: &model.Source{File: r.file, Line: line}})
	}
	if uerr != nil && len(w.probs) == 0 {
		sg.Errors = append(sg.Errors, model.Error{ErrorType: model.ErrParameterInvalid, Parameter: model.PathGroup,
			Message: fmt.Sprintf("The group could not be read: %v.", uerr), Source: &model.Source{File: r.file, Line: line}})
	}
	if n := countMembers(&req.Group); r.limits.MaxGroupMembers > 0 && n > r.limits.MaxGroupMembers {
		sg.Errors = append(sg.Errors, r.tooManyMembers(n, line))
	}
	model.SortErrors(sg.Errors)
	return sg, nil
}
