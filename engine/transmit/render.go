package transmit

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/formats/fixedwidth"
	"github.com/onboard/onboard/formats/x12"
)

// format renders the delivery files of one carrier.
type format interface {
	// name is recorded as the transmission's format.
	name() string
	// extension is the file name's extension, without the dot.
	extension() string
	// controlled reports whether files carry GS06 and ST02 (X12).
	controlled() bool
	// open starts a file on w.
	open(w io.Writer, h header) (renderer, error)
}

// header is what a file says about itself.
type header struct {
	ISA13, GS06 int64
	Time        time.Time
	Full        bool
	FileName    string
}

// renderer writes one file, group by group: only the group being written
// is in memory.
type renderer interface {
	// group writes one group's changes (an X12 transaction set with
	// control number st02) and returns where each member went. A
	// *refusedError means nothing of the group was written and the file
	// can go on without it.
	group(gc model.GroupChanges, st02 int64) ([]store.SentMember, error)
	// close writes the trailers.
	close() error
}

// refusedError is a group the format cannot carry (a value with a
// delimiter, a code the carrier config lacks, a value wider than its
// field); the file stays whole without it.
type refusedError struct{ err error }

func (e *refusedError) Error() string { return e.err.Error() }
func (e *refusedError) Unwrap() error { return e.err }

// formatFor returns the carrier's format from its config.
func formatFor(c *config.Carrier) (format, error) {
	if c.IsX12() {
		return newX12Format(c)
	}
	if c.Layout == nil {
		return nil, fmt.Errorf("format %q is neither %s nor a loaded layout", c.Format, config.FormatX12)
	}
	return &layoutFormat{c: c, l: c.Layout}, nil
}

// x12Format writes X12 834 interchanges.
type x12Format struct {
	env  x12.Envelope // without control numbers and time
	opts x12.Options834
	// fullAction is BGN08 of a full file: RX (replace) or 4 (verify).
	fullAction string
}

func newX12Format(c *config.Carrier) (*x12Format, error) {
	d, err := delimiters(c.X12)
	if err != nil {
		return nil, err
	}
	usage := c.X12.Usage
	if usage == "" {
		usage = "T"
	}
	name := c.Name
	if name == "" {
		name = c.ID
	}
	return &x12Format{
		env: x12.Envelope{SenderQualifier: c.X12.SenderQualifier, SenderID: c.X12.SenderID,
			ReceiverQualifier: c.X12.ReceiverQualifier, ReceiverID: c.X12.ReceiverID, Usage: usage, Delimiters: d},
		opts: x12.Options834{CarrierName: name, CarrierID: c.X12.ReceiverID,
			ProductCodes: c.X12.ProductLines, LevelCodes: c.X12.CoverageLevels},
		fullAction: fullAction(c),
	}, nil
}

// fullAction is the BGN08 of the carrier's full files (DESIGN.md §7):
// RX, replace, unless the carrier wants a pure audit (full_purpose:
// verify, 4).
func fullAction(c *config.Carrier) string {
	if c.FullPurpose == config.FullPurposeVerify {
		return x12.ActionVerify
	}
	return x12.ActionReplace
}

// delimiters reads the carrier's delimiter settings over the defaults.
func delimiters(c config.X12) (x12.Delimiters, error) {
	d := x12.DefaultDelimiters()
	for _, s := range []struct {
		name, v string
		to      *byte
	}{
		{"element_separator", c.ElementSeparator, &d.Element},
		{"component_separator", c.ComponentSeparator, &d.Component},
		{"repetition_separator", c.RepetitionSeparator, &d.Repetition},
		{"segment_terminator", c.SegmentTerminator, &d.Segment},
	} {
		switch len(s.v) {
		case 0:
		case 1:
			*s.to = s.v[0]
		default:
			return d, fmt.Errorf("x12.%s %q must be one character", s.name, s.v)
		}
	}
	if c.Newline != nil {
		d.Newline = *c.Newline
	}
	if err := d.Validate(); err != nil {
		return d, fmt.Errorf("x12 delimiters: %w", err)
	}
	return d, nil
}

func (f *x12Format) name() string      { return config.FormatX12 }
func (f *x12Format) extension() string { return "834" }
func (f *x12Format) controlled() bool  { return true }

func (f *x12Format) open(w io.Writer, h header) (renderer, error) {
	env := f.env
	env.ISA13, env.GS06, env.Time = h.ISA13, h.GS06, h.Time
	opts := f.opts
	opts.Action = x12.ActionChange
	if h.Full {
		opts.Action = f.fullAction
	}
	xw, err := x12.NewWriter834(w, env, opts)
	if err != nil {
		return nil, err
	}
	return &x12Renderer{w: xw}, nil
}

// x12Renderer writes one transaction set per group.
type x12Renderer struct{ w *x12.Writer834 }

func (r *x12Renderer) group(gc model.GroupChanges, st02 int64) ([]store.SentMember, error) {
	info, err := r.w.WriteSet(gc, st02)
	if refusedX12(err) {
		return nil, &refusedError{err}
	}
	if err != nil {
		return nil, err
	}
	if len(info.Members) != len(gc.Members) {
		return nil, fmt.Errorf("the 834 writer placed %d members of %d", len(info.Members), len(gc.Members))
	}
	out := make([]store.SentMember, len(info.Members))
	for i, m := range info.Members {
		out[i] = store.SentMember{Subscriber: m.SubscriberExt, Dependent: m.DependentExt, Maintenance: string(gc.Members[i].Maintenance),
			First: m.First, Last: m.Last}
	}
	return out, nil
}

func (r *x12Renderer) close() error { return r.w.Close() }

// refusedX12 reports whether WriteSet refused a group's values; it checks
// a whole set before writing any of it, so then nothing was written.
func refusedX12(err error) bool {
	var fe *x12.FieldError
	if errors.As(err, &fe) {
		return true
	}
	for _, e := range []error{x12.ErrRequired, x12.ErrInvalid, x12.ErrMissingCode, x12.ErrDelimiterInValue, x12.ErrControlCharacter, x12.ErrBadSegment} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// layoutFormat writes a carrier's fixed-width or CSV layout.
type layoutFormat struct {
	c *config.Carrier
	l *fixedwidth.Layout
}

func (f *layoutFormat) name() string { return f.l.Kind + ":" + f.l.Name }
func (f *layoutFormat) extension() string {
	if f.l.Extension == "" {
		return "txt"
	}
	return f.l.Extension
}
func (f *layoutFormat) controlled() bool { return false }

func (f *layoutFormat) open(w io.Writer, h header) (renderer, error) {
	sender := f.c.X12.SenderID
	if sender == "" {
		sender = "ONBOARD"
	}
	fw := fixedwidth.NewWriter(w, f.l, fixedwidth.FileInfo{Name: h.FileName, Created: h.Time, CarrierID: f.c.ID, SenderID: sender, Control: h.ISA13})
	r := &layoutRenderer{w: fw, groupHeader: f.l.Fields(fixedwidth.GroupHeader) != nil}
	if f.l.Fields(fixedwidth.FileHeader) != nil {
		r.records = 1
	}
	return r, nil
}

// layoutRenderer writes each group's records and counts them: a member's
// position is the number of its record in the file (the file header, when
// the layout has one, is record 1; a CSV header row is not a record).
type layoutRenderer struct {
	w           *fixedwidth.Writer
	groupHeader bool
	records     int
}

func (r *layoutRenderer) group(gc model.GroupChanges, _ int64) ([]store.SentMember, error) {
	err := r.w.WriteGroup(gc)
	var ge *fixedwidth.GroupError
	if errors.As(err, &ge) {
		return nil, &refusedError{err}
	}
	if err != nil {
		return nil, err
	}
	if r.groupHeader {
		r.records++
	}
	out := make([]store.SentMember, len(gc.Members))
	for i, m := range gc.Members {
		r.records++
		sm := store.SentMember{Subscriber: m.Subscriber.ExternalIdentifier, Maintenance: string(m.Maintenance), First: r.records, Last: r.records}
		if m.Dependent != nil {
			sm.Dependent = m.Dependent.ExternalIdentifier
		}
		out[i] = sm
	}
	return out, nil
}

func (r *layoutRenderer) close() error { return r.w.Close() }
