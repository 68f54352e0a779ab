package fixedwidth

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/onboard/onboard/formats/yamlnode"
)

// The layout is decoded by walking go-yaml's syntax tree rather than by
// yaml.Unmarshal: a strict decoder stops at the first mistake, and an
// operator fixing a layout wants every mistake, each with its line and column.

// compiler collects the mistakes of one layout file.
type compiler struct {
	file    string
	errs    LayoutErrors
	anchors map[string]ast.Node
	merging map[ast.Node]bool // the mappings being merged, to refuse a cycle
	merges  int
}

// maxMerges bounds merge-key expansion, so aliases of aliases of merges
// cannot make a small file cost billions of steps.
const maxMerges = 10000

// entry is one key of a YAML mapping.
type entry struct {
	key      string
	keyNode  ast.Node
	val      ast.Node
	resolved ast.Node
}

func (c *compiler) errAt(n ast.Node, err error) {
	line, col := yamlnode.Pos(n)
	c.errs = append(c.errs, &LayoutError{File: c.file, Line: line, Column: col, Err: err})
}

// syntaxError records a go-yaml parse error at its token.
func (c *compiler) syntaxError(err error) {
	line, col, msg := 1, 1, err.Error()
	var ye yaml.Error
	if errors.As(err, &ye) {
		msg = ye.GetMessage()
		line, col = yamlnode.TokenPos(ye.GetToken())
	}
	c.errs = append(c.errs, &LayoutError{File: c.file, Line: line, Column: col,
		Err: fmt.Errorf("the file %w: %s", ErrSyntax, msg)})
}

// resolve follows anchors, aliases and tags to the node that holds the
// value; an alias naming no anchor is returned as it is.
func (c *compiler) resolve(n ast.Node) ast.Node {
	r, _ := yamlnode.Resolve(n, c.anchors)
	return r
}

// mapping returns the keys of a mapping node, reporting unknown keys
// (known lists the keys allowed, in the order the message lists them).
func (c *compiler) mapping(n ast.Node, what string, known []string) (map[string]entry, bool) {
	values, ok := yamlnode.Pairs(c.resolve(n))
	if !ok {
		c.errAt(n, fmt.Errorf("%s %w: expected a mapping of %s", what, ErrInvalid, strings.Join(known, ", ")))
		return nil, false
	}
	out := make(map[string]entry, len(values))
	// Merge keys (<<: *anchor) first, so the mapping's own keys win.
	for _, mv := range values {
		if !mv.Key.IsMergeKey() {
			continue
		}
		merged := []ast.Node{mv.Value}
		if seq, ok := c.resolve(mv.Value).(*ast.SequenceNode); ok {
			merged = seq.Values
		}
		for _, mn := range merged {
			target := c.resolve(mn)
			if c.merging[target] {
				c.errAt(mv.Key, fmt.Errorf("merge key %w: it merges the mapping that holds it", ErrInvalid))
				continue
			}
			if c.merges++; c.merges > maxMerges {
				if c.merges == maxMerges+1 {
					c.errAt(mv.Key, fmt.Errorf("merge key %w: the layout merges more than %d mappings", ErrInvalid, maxMerges))
				}
				continue
			}
			c.merging[target] = true
			m, ok := c.mapping(mn, what, known)
			delete(c.merging, target)
			if ok {
				for k, e := range m {
					out[k] = e
				}
			}
		}
	}
	for _, mv := range values {
		if mv.Key.IsMergeKey() {
			continue
		}
		key := c.keyText(mv.Key)
		if known != nil && !slices.Contains(known, key) {
			msg := fmt.Errorf("%q %w of %s%s; known keys: %s", key, ErrUnknownKey, what, suggest(key, known), strings.Join(known, ", "))
			c.errAt(mv.Key, msg)
			continue
		}
		out[key] = entry{key: key, keyNode: mv.Key, val: mv.Value, resolved: c.resolve(mv.Value)}
	}
	return out, true
}

func (c *compiler) keyText(k ast.MapKeyNode) string {
	var n ast.Node = k
	if mk, ok := k.(*ast.MappingKeyNode); ok {
		n = mk.Value
	}
	s, _ := yamlnode.Scalar(c.resolve(n))
	return s
}

// text reads a scalar key's value as text.
func (c *compiler) text(e entry) (string, bool) {
	s, ok := yamlnode.Scalar(e.resolved)
	if !ok {
		c.errAt(e.val, fmt.Errorf("%s %w: expected text", e.key, ErrInvalid))
	}
	return s, ok
}

// nonEmpty reads a scalar key's value as text that may not be empty.
func (c *compiler) nonEmpty(e entry) (string, bool) {
	s, ok := c.text(e)
	if ok && s == "" {
		c.errAt(e.val, fmt.Errorf("%s %w: it may not be empty", e.key, ErrInvalid))
		return "", false
	}
	return s, ok
}

// integer reads a whole number from lo to hi.
func (c *compiler) integer(e entry, lo, hi int) (int, bool) {
	var n int64
	ok := false
	if in, isInt := e.resolved.(*ast.IntegerNode); isInt {
		switch v := in.Value.(type) {
		case int64:
			n, ok = v, true
		case uint64:
			if v <= uint64(hi) {
				n, ok = int64(v), true
			} else {
				n, ok = int64(hi)+1, true
			}
		}
	}
	if !ok || n < int64(lo) || n > int64(hi) {
		s, _ := yamlnode.Scalar(e.resolved)
		if _, isInt := e.resolved.(*ast.IntegerNode); !isInt {
			s = strconv.Quote(s)
		}
		c.errAt(e.val, fmt.Errorf("%s %s %w: expected a whole number from %d to %d", e.key, s, ErrInvalid, lo, hi))
		return 0, false
	}
	return int(n), true
}

// boolean reads true or false.
func (c *compiler) boolean(e entry) (bool, bool) {
	b, ok := e.resolved.(*ast.BoolNode)
	if !ok {
		s, _ := yamlnode.Scalar(e.resolved)
		c.errAt(e.val, fmt.Errorf("%s %q %w: expected true or false", e.key, s, ErrInvalid))
		return false, false
	}
	return b.Value, true
}

// oneOf reads one of a few words.
func (c *compiler) oneOf(e entry, words ...string) (string, bool) {
	s, ok := c.text(e)
	if !ok {
		return "", false
	}
	if !slices.Contains(words, s) {
		c.errAt(e.val, fmt.Errorf("%s %q %w: expected %s", e.key, s, ErrInvalid, orList(words)))
		return "", false
	}
	return s, true
}

func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// suggest returns ` (did you mean "x"?)` for the closest known word within
// two edits, or "".
func suggest(s string, known []string) string {
	if best, ok := yamlnode.Closest(s, known, 2); ok {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}
