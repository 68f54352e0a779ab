package transport

import (
	"errors"
	"path"
	"strings"
	"testing"
)

func TestCleanPath(t *testing.T) {
	tests := []struct {
		name      string
		allowRoot bool
		want      string
		unsafe    bool
	}{
		{name: "x.csv", want: "x.csv"},
		{name: "results/x.result.json", want: "results/x.result.json"},
		{name: "a//b/./c", want: "a/b/c"},
		{name: "dir/", want: "dir"},
		{name: ".hidden", want: ".hidden"},
		{name: "..x", want: "..x"},
		{name: "x..", want: "x.."},
		{name: "12:30 census.csv", want: "12:30 census.csv"},
		{name: "", allowRoot: true, want: ""},
		{name: ".", allowRoot: true, want: ""},
		{name: "./", allowRoot: true, want: ""},
		{name: "", unsafe: true},
		{name: ".", unsafe: true},
		{name: "./", unsafe: true},
		{name: "..", unsafe: true},
		{name: "../x", unsafe: true},
		{name: "a/../b", unsafe: true},
		{name: "a/..", unsafe: true},
		{name: "/etc/passwd", unsafe: true},
		{name: "/", allowRoot: true, unsafe: true},
		{name: "a\x00b", unsafe: true},
		{name: "a\tb", unsafe: true},
		{name: "a\x1bb", unsafe: true},
		{name: "a\x7fb", unsafe: true},
		{name: `a\b`, unsafe: true},
		{name: `..\x`, unsafe: true},
	}
	for _, tt := range tests {
		got, err := cleanPath(tt.name, tt.allowRoot)
		if tt.unsafe {
			if !errors.Is(err, ErrUnsafeName) {
				t.Errorf("cleanPath(%q) = %q, %v; want ErrUnsafeName", tt.name, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("cleanPath(%q) = %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}

func TestTempPath(t *testing.T) {
	for in, want := range map[string]string{
		"/in/x.csv":          "/in/.x.csv.tmp",
		"results/x.json":     "results/.x.json.tmp",
		"x":                  ".x.tmp",
		"/a/b/archive/y.834": "/a/b/archive/.y.834.tmp",
	} {
		if got := tempPath(in); got != want {
			t.Errorf("tempPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzCleanPath checks that an accepted name always stays inside the
// root and is free of control bytes.
func FuzzCleanPath(f *testing.F) {
	for _, seed := range []string{"x.csv", "a/b/c", "../x", "a/../../b", "/abs", "a\x00b", ".", "", "a//b/", `a\b`, "...", "a/./b"} {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	f.Fuzz(func(t *testing.T, name string, allowRoot bool) {
		got, err := cleanPath(name, allowRoot)
		if err != nil {
			if !errors.Is(err, ErrUnsafeName) {
				t.Fatalf("error %v does not wrap ErrUnsafeName", err)
			}
			return
		}
		if got == "" && !allowRoot {
			t.Fatalf("%q accepted as the root", name)
		}
		joined := path.Join("/root", got)
		if joined != "/root" && !strings.HasPrefix(joined, "/root/") {
			t.Fatalf("%q escapes the root: %q", name, joined)
		}
		for _, b := range []byte(got) {
			if b < 0x20 || b == 0x7f || b == '\\' {
				t.Fatalf("%q kept byte %#x", name, b)
			}
		}
		if again, err := cleanPath(cmpOr(got, "."), allowRoot); err != nil || again != got {
			t.Fatalf("cleaning %q again gave %q, %v", got, again, err)
		}
	})
}
