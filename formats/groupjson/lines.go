package groupjson

import (
	"bytes"
	"io"
)

// lineCounter passes bytes through and answers which line an offset is on.
// Offsets are asked in increasing order, so it keeps only the newlines
// read but not yet passed: the decoder's read-ahead, never the file.
type lineCounter struct {
	r      io.Reader
	read   int64   // bytes read so far
	nls    []int64 // offsets of newlines not yet passed
	passed int     // newlines before the last offset asked
	endsNL bool    // the last byte read is a newline
}

// Read implements io.Reader.
func (c *lineCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	b := p[:n]
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			break
		}
		c.nls = append(c.nls, c.read+int64(i+j))
		i += j + 1
	}
	c.read += int64(n)
	if n > 0 {
		c.endsNL = b[n-1] == '\n'
	}
	return n, err
}

// lineAt returns the line (from 1) of the byte at off; off must not be
// smaller than in the previous call.
func (c *lineCounter) lineAt(off int64) int {
	i := 0
	for i < len(c.nls) && c.nls[i] < off {
		i++
	}
	c.passed += i
	c.nls = append(c.nls[:0], c.nls[i:]...)
	return c.passed + 1
}

// lastLine returns the line of the last byte read.
func (c *lineCounter) lastLine() int {
	n := c.passed + len(c.nls) + 1
	if c.endsNL && n > 1 {
		n--
	}
	return n
}
