package fixedwidth

import (
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/onboard/onboard/formats/yamlnode"
)

// maxWidth bounds a field's width, so a typo cannot ask for a gigabyte.
const maxFieldWidth = 9999

var (
	layoutKeys = []string{"name", "kind", "extension", "line_ending", "record_width", "delimiter", "header_row", "records"}
	recordKeys = []string{string(FileHeader), string(GroupHeader), string(Member), string(Trailer)}
	fieldKeys  = []string{"name", "width", "start", "header", "source", "const", "default", "values",
		"align", "pad", "format", "truncate", "required"}
	fixedOnlyKeys = []string{"record_width", "start", "align", "pad"}
	csvOnlyKeys   = []string{"delimiter", "header_row", "header"}
)

// CompileLayout compiles a layout from YAML. name is the file name used in
// error messages and, when the layout has no `name` key, for Layout.Name.
// Every mistake is reported at once, as LayoutErrors.
func CompileLayout(data []byte, name string) (*Layout, error) {
	c := &compiler{file: name, merging: map[ast.Node]bool{}}
	l := c.compile(data)
	if len(c.errs) > 0 {
		c.errs.sort()
		return nil, c.errs
	}
	return l, nil
}

func (c *compiler) compile(data []byte) *Layout {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		c.syntaxError(err)
		return nil
	}
	var docs []ast.Node
	for _, d := range f.Docs {
		if d != nil && d.Body != nil {
			docs = append(docs, d.Body)
		}
	}
	if len(docs) == 0 {
		c.errAt(nil, fmt.Errorf("kind %w: the layout is empty", ErrRequired))
		return nil
	}
	if len(docs) > 1 {
		c.errAt(docs[1], fmt.Errorf("a second YAML document %w: a layout file holds one", ErrInvalid))
	}
	root := docs[0]
	c.anchors = yamlnode.Anchors(root)
	top, ok := c.mapping(root, "a layout", layoutKeys)
	if !ok {
		return nil
	}

	l := &Layout{File: c.file, LineEnding: "\n", delimiter: ',', headerRow: true}
	if e, ok := top["kind"]; ok {
		l.Kind, _ = c.oneOf(e, KindFixedWidth, KindCSV)
	} else {
		c.errAt(root, fmt.Errorf("kind %w: %s", ErrRequired, orList([]string{KindFixedWidth, KindCSV})))
	}
	c.checkKindKeys(l.Kind, top, "a "+l.Kind+" layout")

	l.Name = strings.TrimSuffix(filepath.Base(c.file), filepath.Ext(c.file))
	if e, ok := top["name"]; ok {
		l.Name, _ = c.nonEmpty(e)
	}
	l.Extension = "txt"
	if l.Kind == KindCSV {
		l.Extension = "csv"
	}
	if e, ok := top["extension"]; ok {
		if s, ok := c.nonEmpty(e); ok {
			s = strings.TrimPrefix(s, ".")
			if s == "" || strings.ContainsAny(s, `/\ `) {
				c.errAt(e.val, fmt.Errorf("extension %q %w: expected a file extension such as txt", s, ErrInvalid))
			}
			l.Extension = s
		}
	}
	if e, ok := top["line_ending"]; ok {
		if s, ok := c.text(e); ok {
			switch strings.ToLower(s) {
			case "\n", "lf":
				l.LineEnding = "\n"
			case "\r\n", "crlf":
				l.LineEnding = "\r\n"
			default:
				c.errAt(e.val, fmt.Errorf("line_ending %q %w: expected \"\\n\" (lf) or \"\\r\\n\" (crlf)", s, ErrInvalid))
			}
		}
	}
	recordWidth := 0
	if e, ok := top["record_width"]; ok && l.Kind == KindFixedWidth {
		recordWidth, _ = c.integer(e, 1, 10*maxFieldWidth)
	}
	if e, ok := top["delimiter"]; ok && l.Kind == KindCSV {
		if s, ok := c.text(e); ok {
			if s == "tab" {
				s = "\t"
			}
			r, n := utf8.DecodeRuneInString(s)
			if n != len(s) || n == 0 || r == utf8.RuneError || r == '"' || r == '\r' || r == '\n' {
				c.errAt(e.val, fmt.Errorf("delimiter %q %w: expected one character other than a quote or line break", s, ErrInvalid))
			} else {
				l.delimiter = r
			}
		}
	}
	if e, ok := top["header_row"]; ok && l.Kind == KindCSV {
		l.headerRow, _ = c.boolean(e)
	}

	e, ok := top["records"]
	if !ok {
		c.errAt(root, fmt.Errorf("records %w: at least a member record", ErrRequired))
		return l
	}
	recs, ok := c.mapping(e.val, "records", recordKeys)
	if !ok {
		return l
	}
	if _, ok := recs[string(Member)]; !ok {
		c.errAt(e.keyNode, fmt.Errorf("the member record %w", ErrRequired))
	}
	for i, rt := range recordTypes {
		if re, ok := recs[string(rt)]; ok {
			l.records[i] = c.record(l, i, re, recordWidth)
			if rec := l.records[i]; rec != nil {
				l.maxWidth = max(l.maxWidth, rec.width)
			}
		}
	}
	return l
}

// checkKindKeys reports keys that belong to the other kind of layout.
func (c *compiler) checkKindKeys(kind string, m map[string]entry, what string) {
	var wrong []string
	switch kind {
	case KindFixedWidth:
		wrong = csvOnlyKeys
	case KindCSV:
		wrong = fixedOnlyKeys
	default:
		return
	}
	for _, k := range wrong {
		if e, ok := m[k]; ok {
			other := KindCSV
			if kind == KindCSV {
				other = KindFixedWidth
			}
			c.errAt(e.keyNode, fmt.Errorf("%q %w of %s: it applies only to %s layouts", k, ErrUnknownKey, what, other))
		}
	}
}

// record compiles one record: a list of fields.
func (c *compiler) record(l *Layout, idx int, e entry, recordWidth int) *record {
	rt := recordTypes[idx]
	rec := &record{typ: rt}
	seq, ok := e.resolved.(*ast.SequenceNode)
	if !ok {
		c.errAt(e.val, fmt.Errorf("the %s record %w: expected a list of fields", rt, ErrInvalid))
		return nil
	}
	if len(seq.Values) == 0 {
		c.errAt(e.val, fmt.Errorf("at least one field %w in the %s record", ErrRequired, rt))
		return nil
	}
	before := len(c.errs)
	names := map[string]int{}
	headers := map[string]int{}
	for _, item := range seq.Values {
		f, nameNode, headerNode := c.field(l, idx, item, rec.width)
		if f == nil {
			continue
		}
		switch line, dup := names[f.name]; {
		case f.name == "": // reported by field
		case dup:
			c.errAt(nameNode, fmt.Errorf("field %q %w in the %s record (first at line %d)", f.name, ErrDuplicate, rt, line))
		default:
			names[f.name], _ = yamlnode.Pos(nameNode)
		}
		if l.Kind == KindCSV && rt == Member {
			h := strings.ToLower(strings.TrimSpace(f.header))
			if line, dup := headers[h]; dup {
				c.errAt(headerNode, fmt.Errorf("header %q %w in the member record (first at line %d)", f.header, ErrDuplicate, line))
			} else {
				headers[h], _ = yamlnode.Pos(headerNode)
			}
		}
		f.start, f.index = rec.width, len(rec.fields)
		rec.width += f.width
		rec.fields = append(rec.fields, f)
		if f.isConst {
			rec.consts = append(rec.consts, f)
		}
		if f.src != nil && f.src.count != countNone {
			rec.counts = true
		}
	}
	if len(c.errs) > before {
		return rec
	}
	if l.Kind == KindFixedWidth && recordWidth > 0 && rec.width != recordWidth {
		c.errAt(e.keyNode, fmt.Errorf("the width of the %s record %w: its fields add up to %d bytes, but record_width is %d",
			rt, ErrInvalid, rec.width, recordWidth))
	}
	if rt == GroupHeader && len(rec.consts) == 0 {
		c.errAt(e.keyNode, fmt.Errorf("a const field (a record type code) %w in the group_header record, so a reader can tell it from a member record", ErrRequired))
	}
	return rec
}
