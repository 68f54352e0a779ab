package fixedwidth

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedFiles adds every file matching the patterns as a seed.
func seedFiles(f *testing.F, patterns ...string) {
	f.Helper()
	for _, p := range patterns {
		paths, err := filepath.Glob(p)
		if err != nil || len(paths) == 0 {
			f.Fatalf("no seeds match %s", p)
		}
		for _, path := range paths {
			data, err := os.ReadFile(path)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
}

func FuzzCompileLayout(f *testing.F) {
	seedFiles(f, "testdata/layouts/*.yaml", exampleFixed, exampleCSV)
	f.Add([]byte(base))
	f.Add([]byte("kind: csv\nrecords: {member: [{name: a, source: file.created, format: YYYY}]}\n"))
	groups := testChanges()
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := CompileLayout(data, "fuzz.yaml")
		if err != nil {
			var les LayoutErrors
			if !errors.As(err, &les) || len(les) == 0 {
				t.Fatalf("error is not LayoutErrors: %v", err)
			}
			for _, e := range les {
				if e.Line < 1 || e.Column < 1 || !strings.HasPrefix(e.Error(), "fuzz.yaml:") {
					t.Fatalf("bad position: %v", e)
				}
			}
			return
		}
		// A layout that compiles writes without panicking, and every
		// fixed-width line it writes is one of its records' widths.
		var buf bytes.Buffer
		w := NewWriter(&buf, l, testFile)
		for _, gc := range groups {
			_ = w.WriteGroup(gc)
		}
		if err := w.Close(); err != nil || l.Kind != KindFixedWidth {
			return
		}
		widths := map[int]bool{}
		for _, rt := range recordTypes {
			if l.record(rt) != nil {
				widths[l.Width(rt)] = true
			}
		}
		for i, line := range strings.SplitAfter(buf.String(), l.LineEnding) {
			if line == "" {
				continue
			}
			if n := len(line) - len(l.LineEnding); !widths[n] {
				t.Fatalf("line %d is %d bytes, not a record width %v: %q", i+1, n, widths, line)
			}
		}
	})
}

func FuzzReader(f *testing.F) {
	seedFiles(f, "testdata/*.golden")
	f.Add([]byte("HSNDR\nGG1  \nD0001\nT0401\n"))
	f.Add([]byte("\ufeffMember ID,Last Name\r\nE1,\"Doe\"\"s\"\r\n"))
	layouts := []*Layout{
		loadLayout(f, exampleFixed),
		loadLayout(f, exampleCSV),
		loadLayout(f, "testdata/layouts/small-fixed.yaml"),
		loadLayout(f, "testdata/layouts/csv-trailer.yaml"),
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, l := range layouts {
			r := NewReader(bytes.NewReader(data), l)
			for n := 0; ; n++ {
				if n > len(data)+2 {
					t.Fatalf("%s: more reads than lines", l.Name)
				}
				rec, err := r.Read()
				if err == io.EOF {
					break
				}
				var re *ReadError
				if err != nil && !errors.As(err, &re) {
					t.Fatalf("%s: error is not a *ReadError: %v", l.Name, err)
				}
				if rec.Fields != nil && len(rec.Fields) != len(l.Fields(rec.Type)) {
					t.Fatalf("%s: %s record with %d fields", l.Name, rec.Type, len(rec.Fields))
				}
			}
		}
	})
}
