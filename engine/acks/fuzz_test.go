package acks

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// seeds adds every acknowledgement fixture of testdata/ to f.
func seeds(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range files {
		if filepath.Base(p) == "census-small.csv" {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// FuzzReadResults: any input gives rows that keep the reader's promises,
// or an error that says the file is unreadable; never a panic.
func FuzzReadResults(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ReadResults(bytes.NewReader(data), map[string]string{ColSubscriber: "Member ID"})
		if err != nil {
			if !errors.Is(err, ErrUnreadable) {
				t.Fatalf("error %v does not unwrap to ErrUnreadable", err)
			}
			return
		}
		if len(rows) == 0 {
			t.Fatal("no rows and no error")
		}
		for _, r := range rows {
			if r.GroupExternalIdentifier == "" || (r.Result != ResultAccepted && r.Result != ResultRejected) || r.Line < 2 {
				t.Fatalf("row breaks the reader's promises: %+v", r)
			}
		}
	})
}

// FuzzReadFile: the stage's reader (X12 or result file by content) never
// panics, and every failure is ErrUnreadable.
func FuzzReadFile(f *testing.F) {
	seeds(f)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "ack")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		doc, err := readFile(p, nil)
		if err != nil {
			if !errors.Is(err, ErrUnreadable) {
				t.Fatalf("error %v does not unwrap to ErrUnreadable", err)
			}
			return
		}
		if (doc.acks == nil) == (doc.rows == nil) {
			t.Fatalf("document is neither X12 nor a result file: %+v", doc)
		}
	})
}
