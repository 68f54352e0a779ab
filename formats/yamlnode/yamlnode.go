package yamlnode

import (
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// maxResolve bounds how many anchors, tags and aliases Resolve follows, so
// an alias of an alias of ... ends, and a cycle cannot loop.
const maxResolve = 32

// Pos returns where a node starts as a reader sees it, 1-based: a block
// mapping at its first key (go-yaml places it at the first ':'), a
// key/value pair at its key. A nil node, or one without a position, is at
// 1:1. Anchors and tags are not looked through: an anchored node starts at
// its &name.
func Pos(n ast.Node) (line, col int) {
	switch v := n.(type) {
	case nil:
		return 1, 1
	case *ast.MappingNode:
		if len(v.Values) > 0 && !v.IsFlowStyle {
			return Pos(v.Values[0].Key)
		}
	case *ast.MappingValueNode:
		return Pos(v.Key)
	}
	return TokenPos(n.GetToken())
}

// TokenPos returns a token's 1-based line and column, or 1:1 when the
// token or its position is missing.
func TokenPos(tk *token.Token) (line, col int) {
	if tk == nil || tk.Position == nil {
		return 1, 1
	}
	return tk.Position.Line, tk.Position.Column
}

// Unwrap looks through anchors (&name) and tags (!!str) to the node they
// decorate. Aliases are returned as they are; see Resolve.
func Unwrap(n ast.Node) ast.Node {
	for {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		default:
			return n
		}
	}
}

// Anchors returns the node each &name of the tree under root decorates, by
// name; a name defined twice maps to its last definition.
func Anchors(root ast.Node) map[string]ast.Node {
	out := map[string]ast.Node{}
	for _, n := range ast.Filter(ast.AnchorType, root) {
		if a, ok := n.(*ast.AnchorNode); ok && a.Name != nil {
			out[a.Name.GetToken().Value] = a.Value
		}
	}
	return out
}

// Resolve follows anchors, tags and aliases (through anchors, as returned
// by Anchors) to the node that holds the value, for at most 32 steps. When
// an alias names no anchor, Resolve returns that alias and false.
func Resolve(n ast.Node, anchors map[string]ast.Node) (ast.Node, bool) {
	for range maxResolve {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		case *ast.AliasNode:
			if v.Value == nil {
				return n, false
			}
			target, ok := anchors[v.Value.GetToken().Value]
			if !ok {
				return n, false
			}
			n = target
		default:
			return n, true
		}
	}
	return n, true
}

// Scalar returns a scalar's text as written, and whether n is a scalar: a
// string unquoted, a number or boolean as its literal text (so 007 stays
// "007", not 7), a null (~, null, or a key with no value) as "". Anchors,
// tags and aliases are not looked through.
func Scalar(n ast.Node) (string, bool) {
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		if v.Value == nil {
			return "", true
		}
		return v.Value.Value, true
	case *ast.NullNode:
		return "", true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		return n.GetToken().Value, true
	}
	return "", false
}

// Pairs returns the key/value pairs of a mapping in file order, and false
// when n is not a mapping. A lone key/value pair, which go-yaml may leave
// unwrapped, is a mapping of one. Merge keys (<<) are returned as pairs
// like any other: what a merge means is the caller's to decide.
func Pairs(n ast.Node) ([]*ast.MappingValueNode, bool) {
	switch v := n.(type) {
	case *ast.MappingNode:
		return v.Values, true
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{v}, true
	}
	return nil, false
}
