package fixedwidth

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/onboard/onboard/engine/model"
)

// FileInfo describes a delivery, for the file.* sources.
type FileInfo struct {
	// Name is the delivery's file name.
	Name string
	// Created is when the delivery was made (file.created); the layout's
	// date formats write it in its own time zone.
	Created time.Time
	// CarrierID and SenderID identify the receiver and the sender.
	CarrierID, SenderID string
	// Control is the delivery's control number, unique per carrier.
	Control int64
}

// Writer writes one delivery in a layout: the file header, then each group's
// header and member records, then the trailer with the counts.
type Writer struct {
	l       *Layout
	bw      *bufio.Writer
	cw      *csv.Writer  // csv: writes into gbuf
	gbuf    bytes.Buffer // the records of the group being written
	info    FileInfo
	env     env
	started bool
	closed  bool
	err     error // sticky: an I/O error or a bad file header
}

// NewWriter returns a Writer of a delivery in layout l to w. Nothing is
// written until WriteGroup or Close.
func NewWriter(w io.Writer, l *Layout, file FileInfo) *Writer {
	wr := &Writer{l: l, bw: bufio.NewWriterSize(w, 64<<10), info: file}
	wr.env.info = &wr.info
	if l.Kind == KindCSV {
		wr.cw = csv.NewWriter(&wr.gbuf)
		wr.cw.Comma = l.delimiter
		wr.cw.UseCRLF = l.LineEnding == "\r\n"
	}
	return wr
}

// WriteGroup writes a group's header record (when the layout has one) and one
// member record per member change, in order. A group without member changes
// writes nothing. When any value cannot be written, WriteGroup writes nothing
// of the group and returns a *GroupError naming every such field; the
// delivery stays whole and the next group can be written.
func (w *Writer) WriteGroup(gc model.GroupChanges) error {
	if w.closed {
		return fmt.Errorf("writing group: %w", ErrClosed)
	}
	if w.err != nil {
		return w.err
	}
	if gc.Group == nil {
		return fmt.Errorf("writing group: the group %w", ErrRequired)
	}
	for i := range gc.Members {
		if gc.Members[i].Subscriber == nil {
			return fmt.Errorf("writing group %s: member change %d: the subscriber %w", gc.Group.ExternalIdentifier, i+1, ErrRequired)
		}
	}
	if len(gc.Members) == 0 {
		return nil
	}
	if err := w.start(); err != nil {
		return err
	}

	records, members := w.env.records, w.env.members
	w.env.group = gc.Group
	w.env.groupMembers = int64(len(gc.Members))
	var errs []*FieldError
	if w.l.records[iGroupHeader] != nil {
		errs = w.render(iGroupHeader, errs)
		w.env.records++
	}
	for i := range gc.Members {
		w.env.ch = &gc.Members[i]
		errs = w.render(iMember, errs)
		w.env.records++
		w.env.members++
	}
	w.env.ch, w.env.group = nil, nil
	if len(errs) > 0 {
		w.env.records, w.env.members = records, members
		w.gbuf.Reset()
		return &GroupError{Group: gc.Group.ExternalIdentifier, Fields: errs}
	}
	w.env.groups++
	if err := w.flushGroup(); err != nil {
		w.err = fmt.Errorf("writing group %s: %w", gc.Group.ExternalIdentifier, err)
		return w.err
	}
	return nil
}

// Close writes the file header if no group was written, then the trailer,
// and flushes. It does not close the underlying writer.
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	if w.err != nil {
		return w.err
	}
	if err := w.start(); err != nil {
		return err
	}
	if w.l.records[iTrailer] != nil {
		w.env.records++ // the trailer counts itself
		if errs := w.render(iTrailer, nil); len(errs) > 0 {
			w.err = fmt.Errorf("writing trailer: %w", joinFields(errs))
			return w.err
		}
	}
	if err := w.flushGroup(); err != nil {
		w.err = fmt.Errorf("writing trailer: %w", err)
		return w.err
	}
	if err := w.bw.Flush(); err != nil {
		w.err = fmt.Errorf("flushing delivery: %w", err)
	}
	return w.err
}

// start writes the CSV header row and the file header, once.
func (w *Writer) start() error {
	if w.started {
		return nil
	}
	w.started = true
	if w.cw != nil && w.l.headerRow {
		rec := w.l.records[iMember]
		row := make([]string, len(rec.fields))
		for i, f := range rec.fields {
			row[i] = f.header
		}
		_ = w.cw.Write(row) // into gbuf; errors surface at flushGroup
	}
	if w.l.records[iFileHeader] != nil {
		if errs := w.render(iFileHeader, nil); len(errs) > 0 {
			w.err = fmt.Errorf("writing file header: %w", joinFields(errs))
			return w.err
		}
		w.env.records++
	}
	if err := w.flushGroup(); err != nil {
		w.err = fmt.Errorf("writing file header: %w", err)
	}
	return w.err
}

// render writes one record into gbuf, adding each field it could not
// write to errs.
func (w *Writer) render(idx int, errs []*FieldError) []*FieldError {
	rec := w.l.records[idx]
	if w.cw == nil {
		buf := w.gbuf.AvailableBuffer()
		for _, f := range rec.fields {
			var err error
			if buf, err = f.appendFixed(buf, &w.env); err != nil {
				errs = append(errs, w.fieldError(rec, f, err))
			}
		}
		buf = append(buf, w.l.LineEnding...)
		w.gbuf.Write(buf)
		return errs
	}
	row := make([]string, len(rec.fields))
	var scratch [64]byte
	for i, f := range rec.fields {
		b, err := f.appendText(scratch[:0], &w.env, false)
		if err != nil {
			errs = append(errs, w.fieldError(rec, f, err))
		}
		row[i] = string(b)
	}
	_ = w.cw.Write(row) // into gbuf; errors surface at flushGroup
	return errs
}

func (w *Writer) fieldError(rec *record, f *field, err error) *FieldError {
	fe := &FieldError{Record: rec.typ, Field: f.name, Err: err}
	if rec.typ == Member {
		fe.Member = w.env.memberID()
	}
	if f.src != nil {
		fe.Parameter = f.src.parameter(&w.env)
	}
	return fe
}

// flushGroup moves the records in gbuf to the output.
func (w *Writer) flushGroup() error {
	if w.cw != nil {
		w.cw.Flush()
		if err := w.cw.Error(); err != nil {
			return err
		}
	}
	_, err := w.bw.Write(w.gbuf.Bytes())
	w.gbuf.Reset()
	return err
}

func joinFields(fs []*FieldError) error {
	errs := make([]error, len(fs))
	for i, f := range fs {
		errs[i] = f
	}
	return errors.Join(errs...)
}
