package fixedwidth

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/goccy/go-yaml/ast"
	"github.com/onboard/onboard/formats/yamlnode"
)

// field compiles one field of a record whose earlier fields take offset
// bytes. It returns the field (nil when it is not a mapping) and the nodes
// of its name and header, for duplicate reports.
func (c *compiler) field(l *Layout, idx int, item ast.Node, offset int) (*field, ast.Node, ast.Node) {
	rt := recordTypes[idx]
	m, ok := c.mapping(item, "a field", fieldKeys)
	if !ok {
		return nil, nil, nil
	}
	fixed := l.Kind == KindFixedWidth
	c.checkKindKeys(l.Kind, m, "a "+l.Kind+" field")

	// A field without a usable name is still compiled, so its width keeps
	// the positions of the fields after it right.
	name := ""
	nameNode := item
	if e, ok := m["name"]; ok {
		name, _ = c.nonEmpty(e)
		nameNode = e.val
	} else {
		c.errAt(item, fmt.Errorf("name %w for every field (in the %s record)", ErrRequired, rt))
	}
	f := &field{name: name, header: name, pad: ' '}
	headerNode := nameNode

	if e, ok := m["width"]; ok {
		f.width, _ = c.integer(e, 1, maxFieldWidth)
	} else if fixed {
		c.errAt(item, fmt.Errorf("width %w for field %q in a fixed-width layout", ErrRequired, name))
	}
	if e, ok := m["start"]; ok && fixed {
		// start is optional and only checked: it catches a width copied
		// wrong from the carrier's specification.
		if s, ok := c.integer(e, 1, 10*maxFieldWidth); ok && s != offset+1 {
			c.errAt(e.val, fmt.Errorf("start %d %w: the widths before field %q put it at %d", s, ErrInvalid, name, offset+1))
		}
	}
	if e, ok := m["header"]; ok && !fixed {
		if h, ok := c.nonEmpty(e); ok {
			f.header, headerNode = h, e.val
		}
	}
	if e, ok := m["align"]; ok && fixed {
		s, _ := c.oneOf(e, "left", "right")
		f.right = s == "right"
	}
	if e, ok := m["pad"]; ok && fixed {
		if s, ok := c.text(e); ok {
			if len(s) != 1 || s[0] < ' ' || s[0] > '~' {
				c.errAt(e.val, fmt.Errorf("pad %q %w: expected one printable ASCII character such as \" \" or \"0\"", s, ErrInvalid))
			} else {
				f.pad = s[0]
			}
		}
	}
	if e, ok := m["truncate"]; ok {
		s, _ := c.oneOf(e, "error", "cut")
		f.cut = s == "cut"
	}

	src, hasSrc := m["source"]
	cst, hasConst := m["const"]
	switch {
	case hasSrc && hasConst:
		c.errAt(cst.keyNode, fmt.Errorf("const %w with source in field %q: a field has one or the other", ErrInvalid, name))
	case hasConst:
		if s, ok := c.text(cst); ok {
			f.isConst, f.constant = true, s
			c.checkLiteral(f, cst, "const", fixed)
		}
	case hasSrc:
		c.source(f, src, idx)
	}
	for _, k := range []string{"default", "values", "format", "required"} {
		if e, ok := m[k]; ok && !hasSrc {
			c.errAt(e.keyNode, fmt.Errorf("%s %w in field %q: it needs a source", k, ErrInvalid, name))
			delete(m, k)
		}
	}
	if e, ok := m["default"]; ok {
		if s, ok := c.text(e); ok {
			f.hasDefault, f.def = true, s
			c.checkLiteral(f, e, "default", fixed)
		}
	}
	if e, ok := m["required"]; ok {
		f.req, _ = c.boolean(e)
	}
	fe, hasFormat := m["format"]
	if ve, ok := m["values"]; ok {
		if hasFormat {
			c.errAt(fe.keyNode, fmt.Errorf("format %w with values in field %q: the values table gives the text", ErrInvalid, name))
			hasFormat = false
		}
		c.values(f, ve, fixed)
	}
	if hasFormat {
		c.format(f, fe, fixed)
	}
	if f.isConst && fixed && f.width > 0 {
		f.padded = string(mustFixed(f))
	}
	return f, nameNode, headerNode
}

// mustFixed renders a const field, which cannot fail once checked.
func mustFixed(f *field) []byte {
	b, _ := f.appendFixed(nil, nil)
	return b
}

// checkLiteral checks text the layout itself gives (a const, a default, a
// code of a values table) against the field's width.
func (c *compiler) checkLiteral(f *field, e entry, what string, fixed bool) {
	s, _ := yamlnode.Scalar(e.resolved)
	c.checkText(f, e.val, what, s, fixed)
}

func (c *compiler) checkText(f *field, at ast.Node, what, s string, fixed bool) {
	if fixed && strings.ContainsAny(s, "\r\n") {
		c.errAt(at, fmt.Errorf("%s of field %q %w: a fixed-width value cannot hold a line break", what, f.name, ErrInvalid))
	}
	if f.width > 0 && len(s) > f.width && (what == "const" || !f.cut) {
		c.errAt(at, fmt.Errorf("%s %q of field %q %w %d", what, s, f.name, ErrTooLong, f.width))
	}
}

// source resolves a field's source path.
func (c *compiler) source(f *field, e entry, idx int) {
	path, ok := c.nonEmpty(e)
	if !ok {
		return
	}
	spec, ok := sources[path]
	if !ok {
		c.errAt(e.val, fmt.Errorf("source %q %w%s", path, ErrUnknownPath, suggest(path, sourceNames())))
		return
	}
	if spec.in&(1<<idx) == 0 {
		c.errAt(e.val, fmt.Errorf("source %q %w: the %s record can use %s", path, ErrNotAvailable, recordTypes[idx], availableIn(idx)))
		return
	}
	f.src, f.srcPath = spec, path
}

// availableIn describes the sources a record may use.
func availableIn(idx int) string {
	switch idx {
	case iFileHeader:
		return "file.* (but not the counts, which only the trailer knows)"
	case iGroupHeader:
		return "file.* and group.* (but not the file counts)"
	case iMember:
		return "file.*, group.*, member.*, subscriber.*, change.* and enrollment.* (but not the file counts)"
	}
	return "file.* only"
}

// sourceNames lists every source path, sorted, for suggestions.
var sourceNames = sync.OnceValue(func() []string {
	names := make([]string, 0, len(sources))
	for k := range sources {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
})

// values compiles a field's values table: canonical value → carrier code.
func (c *compiler) values(f *field, e entry, fixed bool) {
	m, ok := e.resolved.(*ast.MappingNode)
	if !ok {
		if mv, isMV := e.resolved.(*ast.MappingValueNode); isMV {
			m = &ast.MappingNode{Values: []*ast.MappingValueNode{mv}}
		} else {
			c.errAt(e.val, fmt.Errorf("values of field %q %w: expected a mapping of source values to codes", f.name, ErrInvalid))
			return
		}
	}
	f.values = make(map[string]string, len(m.Values))
	for _, mv := range m.Values {
		key := c.keyText(mv.Key)
		if f.src != nil && f.src.enum != nil && !slices.Contains(f.src.enum, key) {
			c.errAt(mv.Key, fmt.Errorf("values key %q %w: %s has the values %s", key, ErrInvalid, f.srcPath, strings.Join(f.src.enum, ", ")))
			continue
		}
		code, ok := yamlnode.Scalar(c.resolve(mv.Value))
		if !ok {
			c.errAt(mv.Value, fmt.Errorf("values code for %q %w in field %q: expected text", key, ErrInvalid, f.name))
			continue
		}
		c.checkText(f, mv.Value, "values code", code, fixed)
		f.values[key] = code
	}
}

// format compiles a field's format and checks it fits the source and width.
func (c *compiler) format(f *field, e entry, fixed bool) {
	s, ok := c.nonEmpty(e)
	if !ok {
		return
	}
	ft, err := parseFormat(s)
	if err != nil {
		c.errAt(e.val, err)
		return
	}
	if f.src == nil {
		return
	}
	if !ft.accepts(f.src.typ) {
		c.errAt(e.val, fmt.Errorf("format %q %w for source %s: it needs %s, and the source is %s", s, ErrInvalid, f.srcPath, ft.needs(), f.src.typ))
		return
	}
	if n := ft.size(); fixed && n > f.width && f.width > 0 && !f.cut {
		c.errAt(e.val, fmt.Errorf("format %q writes %d bytes: it %w %d of field %q", s, n, ErrTooLong, f.width, f.name))
		return
	}
	f.format = ft
}
