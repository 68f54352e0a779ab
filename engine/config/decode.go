package config

import (
	"encoding"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
	"github.com/onboard/onboard/formats/yamlnode"
)

// The decoder turns the YAML syntax tree into Config values itself, rather
// than through yaml.Decoder: the library's decoder stops at the first error,
// and operators want every problem at once. It is strict: an unknown key, a
// value of the wrong type, or a structure where a value belongs (and the
// reverse) is a problem at the library's line and column. ${VAR} references
// are expanded in each scalar's text as it is decoded (expand.go), so a
// variable's value can never change the YAML structure, and references in
// comments are not expanded.

// position is a 1-based line and column.
type position struct{ line, col int }

// decoder decodes one config file.
type decoder struct {
	file    string
	env     func(string) (string, bool)
	anchors map[string]ast.Node
	// pos records where each decoded path was written: the value of a
	// scalar, the key of a mapping or list.
	pos   map[string]position
	probs Problems
	// unset records the unset variables reported, by position, so a
	// reference reached twice through an alias is reported once.
	unset map[position]bool
	// bad marks the paths whose value could not be decoded; checks of
	// their meaning are skipped, so one mistake is reported once.
	bad map[string]bool
	// scalars holds the node of each scalar decoded, by path.
	scalars map[string]ast.Node
}

func newDecoder(file string, env func(string) (string, bool)) *decoder {
	return &decoder{file: file, env: env, anchors: map[string]ast.Node{}, pos: map[string]position{},
		unset: map[position]bool{}, bad: map[string]bool{}, scalars: map[string]ast.Node{}}
}

// problem records a problem found while decoding, at a position, and marks
// path bad.
func (d *decoder) problem(at position, path, format string, args ...any) {
	d.bad[path] = true
	d.add(at, path, format, args...)
}

func (d *decoder) add(at position, path, format string, args ...any) {
	d.probs = append(d.probs, Problem{File: d.file, Line: at.line, Column: at.col, Path: path, Message: fmt.Sprintf(format, args...)})
}

// problemAt records a problem with the meaning of a decoded value, at the
// position of path or of its nearest decoded ancestor when path itself is
// absent (a missing required key). A path that could not be decoded (or
// lies under one) is not reported again.
func (d *decoder) problemAt(path, format string, args ...any) {
	for p := path; p != ""; p = parent(p) {
		if d.bad[p] {
			return
		}
	}
	d.add(d.where(path), path, format, args...)
}

func (d *decoder) where(path string) position {
	for p := path; p != ""; p = parent(p) {
		if at, ok := d.pos[p]; ok {
			return at
		}
	}
	return position{1, 1}
}

// parent strips the last segment of a dotted path: a.b[0].c → a.b[0] → a.b.
func parent(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func posOf(n ast.Node) position { return tokenPos(n.GetToken()) }

func tokenPos(tk *token.Token) position {
	line, col := yamlnode.TokenPos(tk)
	return position{line, col}
}

// start is where a node begins as a reader sees it: a block mapping by its
// first key (the library positions it at the first ':').
func start(n ast.Node) position {
	n = yamlnode.Unwrap(n)
	if v, ok := n.(*ast.MappingNode); ok && len(v.Values) > 0 && !v.IsFlowStyle {
		return posOf(v.Values[0].Key)
	}
	return posOf(n)
}

// resolve looks through anchors, aliases and tags to the node holding the
// value; nil when an alias names no anchor (reported).
func (d *decoder) resolve(n ast.Node, path string) ast.Node {
	r, ok := yamlnode.Resolve(n, d.anchors)
	if !ok {
		var name string
		if a, _ := r.(*ast.AliasNode); a != nil && a.Value != nil {
			name = a.Value.GetToken().Value
		}
		d.problem(posOf(r), path, "alias *%s names no anchor (&%s)", name, name)
		return nil
	}
	return r
}

func isNull(n ast.Node) bool {
	_, ok := n.(*ast.NullNode)
	return ok
}

// describe names a node's shape for "must be X, not Y" messages.
func describe(n ast.Node) string {
	switch n.(type) {
	case *ast.MappingNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	}
	return "a single value"
}

var (
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	secretType      = reflect.TypeFor[Secret]()
)

// decode decodes n into v, the value at path.
func (d *decoder) decode(n ast.Node, v reflect.Value, path string) {
	n = d.resolve(n, path)
	if n == nil {
		return
	}
	if v.Kind() != reflect.Pointer && v.Kind() != reflect.Struct && v.Kind() != reflect.Slice && v.Kind() != reflect.Map {
		// A scalar is located by its value.
		d.pos[path] = posOf(n)
		d.scalars[path] = n
	} else if _, ok := d.pos[path]; !ok {
		d.pos[path] = start(n)
	}

	if v.Addr().Type().Implements(textUnmarshaler) {
		s, ok := d.text(n, path, "a duration such as 30s")
		if !ok || s == "" {
			return
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			d.problem(posOf(n), path, "%q %v", s, errDuration)
		}
		return
	}

	switch v.Kind() {
	case reflect.Pointer:
		if isNull(n) {
			v.SetZero()
			return
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, v.Elem(), path)
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.Slice:
		d.decodeSlice(n, v, path)
	case reflect.Map:
		d.decodeMap(n, v, path)
	case reflect.String:
		if v.Type() == secretType {
			d.checkSecret(n, path)
		}
		if s, ok := d.text(n, path, "a string"); ok {
			v.SetString(s)
		}
	case reflect.Bool:
		if s, ok := d.text(n, path, "true or false"); ok && s != "" {
			switch strings.ToLower(s) {
			case "true":
				v.SetBool(true)
			case "false":
				v.SetBool(false)
			default:
				d.problem(posOf(n), path, "must be true or false, not %q", s)
			}
		}
	case reflect.Int, reflect.Int64:
		if s, ok := d.text(n, path, "a whole number"); ok && s != "" {
			i, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				d.problem(posOf(n), path, "must be a whole number, not %q", s)
				return
			}
			v.SetInt(i)
		}
	case reflect.Float64:
		if s, ok := d.text(n, path, "a number"); ok && s != "" {
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				d.problem(posOf(n), path, "must be a number, not %q", s)
				return
			}
			v.SetFloat(f)
		}
	default:
		d.problem(posOf(n), path, "cannot be decoded (internal: unsupported type %s)", v.Type())
	}
}

// text returns a scalar's text with ${VAR} references expanded; a mapping
// or list where a single value belongs is a problem.
func (d *decoder) text(n ast.Node, path, want string) (string, bool) {
	s, ok := yamlnode.Scalar(n)
	if !ok {
		d.problem(start(n), path, "must be %s, not %s", want, describe(n))
		return "", false
	}
	return d.expand(s, n, path)
}

// entries returns the key/value pairs of a mapping, with the pairs of any
// merge key (<<: *anchor) first so the mapping's own keys override them.
func (d *decoder) entries(n ast.Node, path string, depth int) []*ast.MappingValueNode {
	m, ok := n.(*ast.MappingNode)
	if !ok || depth > 8 {
		return nil
	}
	var merged, own []*ast.MappingValueNode
	for _, mv := range m.Values {
		if _, isMerge := mv.Key.(*ast.MergeKeyNode); !isMerge {
			own = append(own, mv)
			continue
		}
		src := d.resolve(mv.Value, path)
		switch s := src.(type) {
		case *ast.MappingNode:
			merged = append(merged, d.entries(s, path, depth+1)...)
		case *ast.SequenceNode:
			for _, e := range s.Values {
				merged = append(merged, d.entries(d.resolve(e, path), path, depth+1)...)
			}
		case nil:
		default:
			d.problem(posOf(mv.Key), path, "<< must merge a mapping, not %s", describe(src))
		}
	}
	return append(merged, own...)
}

// mapping checks that n is a mapping (or null) and returns its entries.
func (d *decoder) mapping(n ast.Node, path string) ([]*ast.MappingValueNode, bool) {
	if isNull(n) {
		return nil, true
	}
	if _, ok := n.(*ast.MappingNode); !ok {
		d.problem(start(n), path, "must be a mapping (key: value lines), not %s", describe(n))
		return nil, false
	}
	return d.entries(n, path, 0), true
}

// field is a YAML key of a struct: its name and index path (inline structs
// contribute their fields).
type field struct {
	name  string
	index []int
}

func fieldsOf(t reflect.Type) []field {
	var out []field
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if opts == "inline" {
			for _, sub := range fieldsOf(f.Type) {
				out = append(out, field{sub.name, append([]int{i}, sub.index...)})
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out = append(out, field{name, []int{i}})
	}
	return out
}

func (d *decoder) decodeStruct(n ast.Node, v reflect.Value, path string) {
	entries, ok := d.mapping(n, path)
	if !ok {
		return
	}
	fields := fieldsOf(v.Type())
	for _, mv := range entries {
		key, ok := yamlnode.Scalar(mv.Key)
		if !ok {
			d.problem(posOf(mv.Key), path, "keys must be plain names, not %s", describe(mv.Key))
			continue
		}
		i := slices.IndexFunc(fields, func(f field) bool { return f.name == key })
		if i < 0 && path == "" && strings.HasPrefix(key, "x-") {
			continue // an extension key holding anchors for the rest of the file
		}
		if i < 0 {
			d.problem(posOf(mv.Key), join(path, key), "unknown key %q; %s", key, suggest(key, fields))
			continue
		}
		p := join(path, key)
		d.pos[p] = posOf(mv.Key)
		d.decode(mv.Value, v.FieldByIndex(fields[i].index), p)
	}
}

// suggest names the closest known key, or lists them all.
func suggest(key string, fields []field) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	if best, ok := yamlnode.Closest(key, names, 2); ok {
		return fmt.Sprintf("did you mean %q?", best)
	}
	return "known keys: " + strings.Join(names, ", ")
}

func (d *decoder) decodeSlice(n ast.Node, v reflect.Value, path string) {
	if isNull(n) {
		v.SetZero()
		return
	}
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		d.problem(start(n), path, "must be a list (lines starting with -), not %s", describe(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(seq.Values), len(seq.Values))
	for i, e := range seq.Values {
		p := path + "[" + strconv.Itoa(i) + "]"
		if r := d.resolve(e, p); r != nil {
			d.pos[p] = start(r)
		}
		d.decode(e, s.Index(i), p)
	}
	v.Set(s)
}

func (d *decoder) decodeMap(n ast.Node, v reflect.Value, path string) {
	entries, ok := d.mapping(n, path)
	if !ok || entries == nil {
		return
	}
	m := reflect.MakeMapWithSize(v.Type(), len(entries))
	for _, mv := range entries {
		key, ok := yamlnode.Scalar(mv.Key)
		if !ok {
			d.problem(posOf(mv.Key), path, "keys must be plain names, not %s", describe(mv.Key))
			continue
		}
		p := join(path, key)
		d.pos[p] = posOf(mv.Key)
		elem := reflect.New(v.Type().Elem()).Elem()
		d.decode(mv.Value, elem, p)
		m.SetMapIndex(reflect.ValueOf(key).Convert(v.Type().Key()), elem)
	}
	v.Set(m)
}

// quoted reports whether a scalar was written in quotes (its text starts
// one column after the token).
func quoted(n ast.Node) bool {
	tk := n.GetToken()
	return tk != nil && (tk.Type == token.DoubleQuoteType || tk.Type == token.SingleQuoteType)
}
