package census

import (
	"bytes"
	"errors"
	"io"
	"unicode/utf8"
)

// errNotText is the sentinel of a textChecker failure.
var errNotText = errors.New("not UTF-8 text")

// maxLine bounds a census line (bytes between line ends). A census row is
// a few hundred bytes; a longer line is not a census (a binary export, a
// file without line ends, a header of a million columns), and reading it
// as one CSV record would take memory many times its size.
const maxLine = 1 << 20

// textError says where a file stops being UTF-8 text.
type textError struct {
	line int
	nul  bool
	long bool // a line longer than maxLine
}

// Error implements error.
func (e *textError) Error() string { return errNotText.Error() }

// Unwrap returns errNotText.
func (e *textError) Unwrap() error { return errNotText }

// textChecker passes bytes through while checking they are UTF-8 text
// without NUL bytes, keeping count of lines so a failure names its line. A
// multi-byte character split across reads is carried over.
type textChecker struct {
	r     io.Reader
	line  int // line of the next byte, from 1
	col   int // bytes of that line read so far
	carry []byte
	err   *textError
}

func newTextChecker(r io.Reader) *textChecker {
	return &textChecker{r: r, line: 1, carry: make([]byte, 0, utf8.UTFMax)}
}

// Read implements io.Reader.
func (c *textChecker) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.r.Read(p)
	if c.scan(p[:n]); c.err != nil {
		return 0, c.err
	}
	if err == io.EOF && len(c.carry) > 0 {
		c.err = &textError{line: c.line}
		return 0, c.err
	}
	return n, err
}

func (c *textChecker) scan(b []byte) {
	start := 0
	if len(c.carry) > 0 {
		for !utf8.FullRune(c.carry) && start < len(b) {
			c.carry = append(c.carry, b[start])
			start++
		}
		if !utf8.FullRune(c.carry) {
			return
		}
		if r, size := utf8.DecodeRune(c.carry); (r == utf8.RuneError && size <= 1) || size != len(c.carry) {
			c.err = &textError{line: c.line}
			return
		}
		c.carry = c.carry[:0]
	}
	rest := b[start:]
	cut := len(rest)
	for i := len(rest) - 1; i >= 0 && i >= len(rest)-(utf8.UTFMax-1); i-- {
		if utf8.RuneStart(rest[i]) {
			if !utf8.FullRune(rest[i:]) {
				cut = i
			}
			break
		}
	}
	body := rest[:cut]
	if i := bytes.IndexByte(body, 0); i >= 0 {
		c.err = &textError{line: c.line + bytes.Count(body[:i], []byte{'\n'}), nul: true}
		return
	}
	if !utf8.Valid(body) {
		i := 0
		for i < len(body) {
			r, size := utf8.DecodeRune(body[i:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			i += size
		}
		c.err = &textError{line: c.line + bytes.Count(body[:i], []byte{'\n'})}
		return
	}
	for seg := body; ; {
		i := bytes.IndexByte(seg, '\n')
		if i < 0 {
			c.col += len(seg)
			break
		}
		if c.col += i; c.col > maxLine {
			break
		}
		c.line++
		c.col = 0
		seg = seg[i+1:]
	}
	if c.col > maxLine {
		c.err = &textError{line: c.line, long: true}
		return
	}
	c.carry = append(c.carry, rest[cut:]...)
}
