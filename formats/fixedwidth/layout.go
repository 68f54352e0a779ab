package fixedwidth

import (
	"fmt"
	"os"
)

// Layout kinds.
const (
	KindFixedWidth = "fixed-width"
	KindCSV        = "csv"
)

// RecordType names a record of a layout.
type RecordType string

// Record types, in the order they appear in a file.
const (
	FileHeader  RecordType = "file_header"  // once, first
	GroupHeader RecordType = "group_header" // optional, before each group's members
	Member      RecordType = "member"       // one per member change
	Trailer     RecordType = "trailer"      // once, last
)

// recordTypes lists the record types in file order; a record's index here is
// its index in Layout.records.
var recordTypes = [...]RecordType{FileHeader, GroupHeader, Member, Trailer}

const (
	iFileHeader = iota
	iGroupHeader
	iMember
	iTrailer
	nRecords
)

// Layout is a compiled carrier layout: immutable, and safe for any number of
// Writers and Readers at once.
type Layout struct {
	// Name is the layout's name: its `name` key, else the file's base name.
	Name string
	// Kind is KindFixedWidth or KindCSV.
	Kind string
	// Extension is the delivery file's extension without the dot ("txt").
	Extension string
	// LineEnding is "\n" or "\r\n".
	LineEnding string
	// File is the file the layout was compiled from, as given.
	File string

	records   [nRecords]*record
	delimiter rune // csv
	headerRow bool // csv: first row holds the member fields' headers
	maxWidth  int  // fixed-width: the widest record
}

// record is one compiled record of a layout.
type record struct {
	typ    RecordType
	fields []*field
	consts []*field // the fields with a const, which tell records apart
	width  int      // fixed-width: the sum of the field widths
	counts bool     // a field is a file count (trailer)
}

// LoadLayout reads and compiles a layout file. Every mistake is reported at
// once, as LayoutErrors, each line "FILE:LINE:COL: message".
func LoadLayout(path string) (*Layout, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading layout: %w", err)
	}
	return CompileLayout(data, path)
}

// Fields returns the names of a record's fields in order, or nil when the
// layout has no such record.
func (l *Layout) Fields(t RecordType) []string {
	rec := l.record(t)
	if rec == nil {
		return nil
	}
	names := make([]string, len(rec.fields))
	for i, f := range rec.fields {
		names[i] = f.name
	}
	return names
}

// Width returns a fixed-width record's width in bytes, or 0 when the layout
// has no such record or is a CSV layout.
func (l *Layout) Width(t RecordType) int {
	rec := l.record(t)
	if rec == nil || l.Kind != KindFixedWidth {
		return 0
	}
	return rec.width
}

func (l *Layout) record(t RecordType) *record {
	for i, rt := range recordTypes {
		if rt == t {
			return l.records[i]
		}
	}
	return nil
}
