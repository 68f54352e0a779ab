package x12

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// seedCorpus adds every file under testdata/ to f.
func seedCorpus(f *testing.F) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(""))
	f.Add([]byte("ISA*"))
	f.Add([]byte(isa('|', '!', '>', '\n') + "TA1|1|2|3|A|000\n"))
}

func FuzzReader(f *testing.F) {
	seedCorpus(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		rd := NewReader(bytes.NewReader(data))
		prevPos := 0
		for i := 0; i < 1e5; i++ {
			seg, err := rd.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				if _, err2 := rd.Next(); err2 != err {
					t.Fatalf("error not final: %v then %v", err, err2)
				}
				return
			}
			if len(seg.ID) < 2 || len(seg.ID) > 3 {
				t.Fatalf("segment id %q", seg.ID)
			}
			if seg.ID != "ISA" && seg.Pos != prevPos+1 {
				t.Fatalf("%s at position %d after %d", seg.ID, seg.Pos, prevPos)
			}
			if seg.Line < 1 || seg.Offset < 0 || seg.Offset > int64(len(data)) {
				t.Fatalf("%s at line %d offset %d of %d bytes", seg.ID, seg.Line, seg.Offset, len(data))
			}
			prevPos = seg.Pos
		}
		t.Fatal("reader did not end")
	})
}

func FuzzReadAck(f *testing.F) {
	seedCorpus(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		acks, err := ReadAcks(bytes.NewReader(data))
		if err != nil {
			if acks != nil {
				t.Fatal("acks returned with an error")
			}
			return
		}
		for _, a := range acks {
			if a.Kind != KindTA1 && a.Kind != Kind999 && a.Kind != Kind997 {
				t.Fatalf("kind %q", a.Kind)
			}
			for _, s := range a.Sets {
				for _, e := range s.Errors {
					if e.Message == "" {
						t.Fatal("error without a message")
					}
				}
			}
		}
		_, _ = ReadAck(bytes.NewReader(data))
	})
}

func FuzzRead834(f *testing.F) {
	seedCorpus(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		ic, err := Read834(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, err := range ic.Validate() {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
		}
	})
}
