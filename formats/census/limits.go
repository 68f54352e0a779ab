package census

import (
	"bytes"
	"fmt"
	"io"
)

// Limits bound what one census file can make the reader hold, so a hostile
// or broken file is refused with a clear error rather than taking the
// daemon's memory. Zero means no limit.
type Limits struct {
	// MaxValueBytes is the longest cell accepted.
	MaxValueBytes int
	// MaxGroupMembers is the most rows (members) one group may have in
	// one file.
	MaxGroupMembers int
}

// Option configures a Reader.
type Option func(*Reader)

// WithLimits sets the reader's limits.
func WithLimits(l Limits) Option { return func(r *Reader) { r.limits = l } }

// valueError is a cell over Limits.MaxValueBytes.
type valueError struct {
	line, column, size int
}

func (e *valueError) Error() string {
	return fmt.Sprintf("line %d: column %d holds %d bytes", e.line, e.column, e.size)
}

// checkCells returns a *valueError for the first cell of the last record
// longer than max (0: no limit).
func (r *csvReader) checkCells(max int) error {
	if max <= 0 {
		return nil
	}
	for i, c := range r.rec {
		if len(c) > max {
			return &valueError{line: r.Line(), column: i + 1, size: len(c)}
		}
	}
	return nil
}

// valueTooLong is the file error of a cell over the limit. It names the
// line and column, never the value.
func (r *Reader) valueTooLong(ve *valueError) error {
	return r.fileError(ve.line, fmt.Sprintf("The file is not a census this partner may send: line %d, column %d holds a value of %d bytes, "+
		"and the longest accepted is %d bytes (max_value_bytes); check the export, or ask the operator to raise max_value_bytes.",
		ve.line, ve.column, ve.size, r.limits.MaxValueBytes))
}

// groupTooLarge is the file error of a group with more rows than the limit.
func (r *Reader) groupTooLarge(line int, key string) error {
	return r.fileError(line, fmt.Sprintf("The file is not a census this partner may send: group %s has more than %d members in it "+
		"(max_group_members, reached at line %d); split the group's members over several files with census: changes, "+
		"or ask the operator to raise max_group_members.", quoteKey(key), r.limits.MaxGroupMembers, line))
}

// quoteKey quotes a group key for a message, cut short when long.
func quoteKey(key string) string {
	if len(key) > 40 {
		key = key[:40] + "…"
	}
	return fmt.Sprintf("%q", key)
}

// crOnly reports whether head (the start of a file) ends its lines with a
// bare carriage return, as old spreadsheet exports (classic Mac OS) do:
// it holds a CR and no line feed.
func crOnly(head []byte) bool {
	return bytes.IndexByte(head, '\r') >= 0 && bytes.IndexByte(head, '\n') < 0
}

// crToLF reads a CR-only file as one with LF line ends, byte for byte (so
// offsets and line numbers stay those of the file).
type crToLF struct{ r io.Reader }

func (c crToLF) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i := range p[:n] {
		if p[i] == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}

// lineEnds returns src as the reader must read it: with bare CRs read as
// LFs when the file ends its lines so.
func (r *Reader) lineEnds(src io.Reader) io.Reader {
	if r.crOnly {
		return crToLF{src}
	}
	return src
}
