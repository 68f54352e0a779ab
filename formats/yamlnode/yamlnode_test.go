package yamlnode

import (
	"fmt"
	"strings"
	"testing"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// body parses src and returns its first document's body.
func body(t *testing.T, src string) ast.Node {
	t.Helper()
	f, err := parser.ParseBytes([]byte(src), 0)
	if err != nil {
		t.Fatalf("parsing %q: %v", src, err)
	}
	return f.Docs[0].Body
}

// value returns the value of key in the top-level mapping of src.
func value(t *testing.T, src, key string) ast.Node {
	t.Helper()
	pairs, ok := Pairs(Unwrap(body(t, src)))
	if !ok {
		t.Fatalf("%q is not a mapping", src)
	}
	for _, kv := range pairs {
		if k, _ := Scalar(kv.Key); k == key {
			return kv.Value
		}
	}
	t.Fatalf("%q has no key %q", src, key)
	return nil
}

func TestPos(t *testing.T) {
	tests := []struct {
		name, src, key string
		line, col      int
	}{
		{"scalar", "a: 1\nb:   hello\n", "b", 2, 6},
		{"block mapping at its first key", "a:\n  x: 1\n  y: 2\n", "a", 2, 3},
		{"flow mapping at its brace", "a: {x: 1}\n", "a", 1, 4},
		{"list at its dash", "a:\n  - 1\n", "a", 2, 3},
		{"anchor at its &", "a: &n\n  x: 1\n", "a", 1, 4},
		{"quoted string at its quote", "a: \"q\"\n", "a", 1, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line, col := Pos(value(t, tt.src, tt.key))
			if line != tt.line || col != tt.col {
				t.Errorf("Pos = %d:%d, want %d:%d", line, col, tt.line, tt.col)
			}
		})
	}
	if line, col := Pos(nil); line != 1 || col != 1 {
		t.Errorf("Pos(nil) = %d:%d, want 1:1", line, col)
	}
	if line, col := TokenPos(nil); line != 1 || col != 1 {
		t.Errorf("TokenPos(nil) = %d:%d, want 1:1", line, col)
	}
	pairs, _ := Pairs(body(t, "a: 1\nb: 2\n"))
	if line, col := Pos(pairs[1]); line != 2 || col != 1 {
		t.Errorf("Pos(pair b) = %d:%d, want its key at 2:1", line, col)
	}
}

func TestScalar(t *testing.T) {
	tests := []struct {
		src    string
		want   string
		scalar bool
	}{
		{"v: hello", "hello", true},
		{"v: 'quoted'", "quoted", true},
		{"v: 007", "007", true},
		{"v: 1.50", "1.50", true},
		{"v: yes", "yes", true},
		{"v: true", "true", true},
		{"v: .inf", ".inf", true},
		{"v: ~", "", true},
		{"v:", "", true},
		{"v: |\n  two\n  lines\n", "two\nlines\n", true},
		{"v: [1]", "", false},
		{"v: {a: 1}", "", false},
		{"v: &x 1", "", false}, // anchors are not looked through
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			got, ok := Scalar(value(t, tt.src, "v"))
			if got != tt.want || ok != tt.scalar {
				t.Errorf("Scalar = %q, %v; want %q, %v", got, ok, tt.want, tt.scalar)
			}
		})
	}
	if _, ok := Scalar(nil); ok {
		t.Error("Scalar(nil) is a scalar, want not")
	}
}

func TestUnwrapAndResolve(t *testing.T) {
	src := "a: &x !!str hello\nb: *x\nc: *nope\nd: &m\n  k: v\n"
	if s, ok := Scalar(Unwrap(value(t, src, "a"))); !ok || s != "hello" {
		t.Errorf("Unwrap(&x !!str hello) = %q, %v; want hello", s, ok)
	}
	if _, ok := Unwrap(value(t, src, "b")).(*ast.AliasNode); !ok {
		t.Error("Unwrap followed an alias, want it returned as is")
	}
	if _, ok := Pairs(Unwrap(value(t, src, "d"))); !ok {
		t.Error("Unwrap(&m mapping) is not a mapping")
	}

	anchors := Anchors(body(t, src))
	if len(anchors) != 2 {
		t.Errorf("Anchors found %d, want 2 (x and m)", len(anchors))
	}
	n, ok := Resolve(value(t, src, "b"), anchors)
	if s, _ := Scalar(n); !ok || s != "hello" {
		t.Errorf("Resolve(*x) = %q, %v; want hello, true", s, ok)
	}
	n, ok = Resolve(value(t, src, "c"), anchors)
	if _, isAlias := n.(*ast.AliasNode); ok || !isAlias {
		t.Errorf("Resolve(*nope) = %T, %v; want the alias, false", n, ok)
	}
	if n, ok := Resolve(nil, anchors); n != nil || !ok {
		t.Errorf("Resolve(nil) = %v, %v; want nil, true", n, ok)
	}
}

func TestResolveBounded(t *testing.T) {
	// An anchor naming its own alias is a cycle, which must not loop.
	src := "x: *a\n"
	alias := value(t, src, "x")
	anchors := map[string]ast.Node{"a": alias}
	n, ok := Resolve(alias, anchors)
	if _, isAlias := n.(*ast.AliasNode); !ok || !isAlias {
		t.Errorf("Resolve(cycle) = %T, %v; want an alias, true after the bound", n, ok)
	}
}

func TestPairs(t *testing.T) {
	pairs, ok := Pairs(body(t, "b: 1\na: 2\n<<: {c: 3}\n"))
	if !ok || len(pairs) != 3 {
		t.Fatalf("Pairs = %d pairs, %v; want 3, true", len(pairs), ok)
	}
	var keys []string
	for _, kv := range pairs[:2] {
		k, _ := Scalar(kv.Key)
		keys = append(keys, k)
	}
	if !pairs[2].Key.IsMergeKey() {
		keys = append(keys, "not a merge key")
	}
	if got := strings.Join(keys, ","); got != "b,a" {
		t.Errorf("keys = %s, want b,a then the merge key (file order)", got)
	}
	lone := &ast.MappingValueNode{}
	if got, ok := Pairs(lone); !ok || len(got) != 1 || got[0] != lone {
		t.Error("Pairs(lone pair) is not a mapping of one")
	}
	if _, ok := Pairs(value(t, "v: [1]", "v")); ok {
		t.Error("Pairs(list) is a mapping, want not")
	}
}

func TestClosest(t *testing.T) {
	known := []string{"inbox", "outbox", "archive", "name"}
	long := strings.Repeat("k", 65)
	tests := []struct {
		s        string
		maxEdits int
		want     string
		found    bool
	}{
		{"inbx", 2, "inbox", true},
		{"inboxx", 2, "inbox", true},
		{"archiv", 2, "archive", true},
		{"nmae", 2, "name", true}, // a swap is two edits
		{"nmae", 1, "", false},
		{"zzzzz", 2, "", false},
		{"outbox", 0, "outbox", true},
		{"xnbox", 3, "inbox", true}, // inbox before outbox: the first of equals wins
		{"", 2, "", false},
		{long, 3, "", false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%.10s/%d", tt.s, tt.maxEdits), func(t *testing.T) {
			got, ok := Closest(tt.s, known, tt.maxEdits)
			if got != tt.want || ok != tt.found {
				t.Errorf("Closest(%q, %d) = %q, %v; want %q, %v", tt.s, tt.maxEdits, got, ok, tt.want, tt.found)
			}
		})
	}
	// Over 64 bytes, even an exact match is not compared.
	if _, ok := Closest(long, []string{long}, 3); ok {
		t.Error("Closest compared a string over 64 bytes")
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"", "abc", 3}, {"abc", "", 3}, {"kitten", "sitting", 3},
		{"flaw", "lawn", 2}, {"same", "same", 0},
	}
	for _, tt := range tests {
		if got := distance(tt.a, tt.b); got != tt.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
