package yamlnode_test

import (
	"fmt"
	"slices"

	"github.com/goccy/go-yaml/parser"
	"github.com/onboard/onboard/formats/yamlnode"
)

func Example() {
	data := []byte("x-base: &base\n  inbox: in/\nsite: *base\noutbx: out/\n")
	known := []string{"inbox", "outbox", "site", "x-base"}
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	body := file.Docs[0].Body
	anchors := yamlnode.Anchors(body)
	pairs, _ := yamlnode.Pairs(body)
	for _, kv := range pairs {
		key, _ := yamlnode.Scalar(kv.Key)
		if !slices.Contains(known, key) {
			line, col := yamlnode.Pos(kv.Key)
			hint := ""
			if best, ok := yamlnode.Closest(key, known, 2); ok {
				hint = fmt.Sprintf(" (did you mean %q?)", best)
			}
			fmt.Printf("%d:%d: unknown key %q%s\n", line, col, key, hint)
			continue
		}
		value, _ := yamlnode.Resolve(kv.Value, anchors)
		line, col := yamlnode.Pos(value)
		fmt.Printf("%s: value at %d:%d\n", key, line, col)
	}
	// Output:
	// x-base: value at 2:3
	// site: value at 2:3
	// 4:1: unknown key "outbx" (did you mean "outbox"?)
}
