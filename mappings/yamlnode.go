package mappings

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/onboard/onboard/formats/yamlnode"
)

// decoder walks a parsed YAML document strictly, collecting every problem
// with its position instead of stopping at the first: mapping files are
// small and an operator fixes them faster seeing all mistakes at once.
type decoder struct {
	file  string
	probs Problems
}

func (d *decoder) errorf(n ast.Node, format string, args ...any) {
	line, col := yamlnode.Pos(n)
	d.probs = append(d.probs, Problem{File: d.file, Line: line, Column: col, Message: fmt.Sprintf(format, args...)})
}

// entries returns the key/value pairs of a mapping node, reporting a node
// of another kind as "what must be a mapping".
func (d *decoder) entries(n ast.Node, what string) ([]*ast.MappingValueNode, bool) {
	u := yamlnode.Unwrap(n)
	if kvs, ok := yamlnode.Pairs(u); ok {
		return kvs, true
	}
	if _, ok := u.(*ast.AliasNode); ok {
		d.errorf(n, "%s: aliases (*name) are not supported in mapping files", what)
		return nil, false
	}
	d.errorf(n, "%s must be a mapping (key: value lines)", what)
	return nil, false
}

// fields walks a mapping whose keys must all be in handle, reporting unknown
// and repeated keys. Keys are handled in file order.
func (d *decoder) fields(n ast.Node, what string, handle map[string]func(key, val ast.Node)) {
	kvs, ok := d.entries(n, what)
	if !ok {
		return
	}
	seen := map[string]bool{}
	for _, kv := range kvs {
		key, ok := d.scalar(kv.Key, what+" key")
		if !ok {
			continue
		}
		h, known := handle[key]
		if !known {
			d.errorf(kv.Key, "unknown key %q in %s; known keys are %s", key, what, knownKeys(handle))
			continue
		}
		if seen[key] {
			d.errorf(kv.Key, "key %q appears twice in %s", key, what)
			continue
		}
		seen[key] = true
		h(kv.Key, kv.Value)
	}
}

func knownKeys(handle map[string]func(key, val ast.Node)) string {
	keys := make([]string, 0, len(handle))
	for k := range handle {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return strings.Join(keys, ", ")
}

// scalar returns a scalar's text: the unquoted string, or the literal text
// of a number or boolean (so 01 stays "01" in a value table). Null is "".
func (d *decoder) scalar(n ast.Node, what string) (string, bool) {
	u := yamlnode.Unwrap(n)
	if u == nil {
		return "", true
	}
	if s, ok := yamlnode.Scalar(u); ok {
		return s, true
	}
	if _, ok := u.(*ast.AliasNode); ok {
		d.errorf(n, "%s: aliases (*name) are not supported in mapping files", what)
		return "", false
	}
	d.errorf(n, "%s must be a single value, not a list or mapping", what)
	return "", false
}

// str is scalar for values that must be text.
func (d *decoder) str(n ast.Node, what string) (string, bool) {
	return d.scalar(n, what)
}

func (d *decoder) boolean(n ast.Node, what string) (bool, bool) {
	if b, ok := yamlnode.Unwrap(n).(*ast.BoolNode); ok {
		return b.Value, true
	}
	d.errorf(n, "%s must be true or false", what)
	return false, false
}

func (d *decoder) integer(n ast.Node, what string) (int, bool) {
	if v, ok := yamlnode.Unwrap(n).(*ast.IntegerNode); ok {
		if i, err := strconv.Atoi(v.GetToken().Value); err == nil {
			return i, true
		}
	}
	d.errorf(n, "%s must be a whole number", what)
	return 0, false
}

// strings returns a list of scalars; a single scalar is a list of one.
func (d *decoder) strings(n ast.Node, what string) ([]string, []ast.Node, bool) {
	if seq, ok := yamlnode.Unwrap(n).(*ast.SequenceNode); ok {
		out := make([]string, 0, len(seq.Values))
		nodes := make([]ast.Node, 0, len(seq.Values))
		good := true
		for _, item := range seq.Values {
			s, ok := d.scalar(item, what+" entry")
			good = good && ok
			out = append(out, s)
			nodes = append(nodes, item)
		}
		return out, nodes, good
	}
	s, ok := d.scalar(n, what)
	return []string{s}, []ast.Node{n}, ok
}

// sequence returns the items of a list.
func (d *decoder) sequence(n ast.Node, what string) ([]ast.Node, bool) {
	switch v := yamlnode.Unwrap(n).(type) {
	case *ast.SequenceNode:
		return v.Values, true
	case *ast.NullNode:
		return nil, true
	}
	d.errorf(n, "%s must be a list", what)
	return nil, false
}
