// Package yamlnode holds the few helpers that every strict YAML decoder in
// onboard needs when it walks a github.com/goccy/go-yaml syntax tree itself
// (the engine config, partner mappings, fixed-width layouts): where a node
// starts, the text of a scalar, the pairs of a mapping, anchors and aliases
// followed, and the known name closest to a misspelt one.
//
// Those decoders walk the tree rather than call yaml.Unmarshal so they can
// report every mistake of a file at once, each at its line and column; this
// package keeps them agreeing on what "line and column" and "a scalar" mean.
// It reports nothing itself: each decoder words its own messages.
//
// Example: report the unknown keys of a file's top-level mapping.
//
//	file, err := parser.ParseBytes(data, 0)
//	if err != nil {
//		return err
//	}
//	top, _ := yamlnode.Resolve(file.Docs[0].Body, yamlnode.Anchors(file.Docs[0].Body))
//	pairs, _ := yamlnode.Pairs(top)
//	for _, kv := range pairs {
//		key, _ := yamlnode.Scalar(kv.Key)
//		if slices.Contains(known, key) {
//			continue
//		}
//		line, col := yamlnode.Pos(kv.Key)
//		hint := ""
//		if best, ok := yamlnode.Closest(key, known, 2); ok {
//			hint = fmt.Sprintf(" (did you mean %q?)", best)
//		}
//		fmt.Printf("%d:%d: unknown key %q%s\n", line, col, key, hint)
//	}
package yamlnode
