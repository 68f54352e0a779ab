package intake

import (
	"io"
	"time"
)

// ProgressFunc is told how far a long pass over a file has come.
type ProgressFunc func(file string, done, total int64)

// progressMin is the size from which a file's progress is reported.
const progressMin = 4 << 20

// progressReader reports the furthest position read in a file. The census
// reader passes over a file twice (index, then groups), so a terminal sees
// the bar fill twice; that is the work being done.
type progressReader struct {
	r      io.ReadSeeker
	name   string
	pos    int64
	total  int64
	last   time.Time
	report ProgressFunc
}

// withProgress wraps r when report is set and the file is large enough to
// be worth watching.
func withProgress(r io.ReadSeeker, name string, size int64, report ProgressFunc) io.ReadSeeker {
	if report == nil || size < progressMin {
		return r
	}
	return &progressReader{r: r, name: name, total: size, report: report}
}

// progressDone reports a large file as fully read: the last pass over a
// file need not reach its end (the census reader seeks to each group).
func progressDone(report ProgressFunc, name string, size int64) {
	if report != nil && size >= progressMin {
		report(name, size, size)
	}
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.pos += int64(n)
	if now := time.Now(); now.Sub(p.last) > 200*time.Millisecond || (err == io.EOF && p.pos == p.total) {
		p.last = now
		p.report(p.name, min(p.pos, p.total), p.total)
	}
	return n, err
}

func (p *progressReader) Seek(offset int64, whence int) (int64, error) {
	pos, err := p.r.Seek(offset, whence)
	if err == nil {
		p.pos = pos
	}
	return pos, err
}
