package census

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/onboard/onboard/formats/census/censusgen"
	"github.com/onboard/onboard/mappings"
)

// readWith reads every group of data with a reader from open, and returns
// the groups (JSON, sources included) and the error that ended the reading
// (nil at the end of the file), whether open or Next returned it.
func readWith(t testing.TB, open func(io.ReadSeeker, *mappings.Mapping, string, ...Option) (*Reader, error), m *mappings.Mapping, data []byte) ([]string, error) {
	t.Helper()
	r, err := open(bytes.NewReader(data), m, "test.csv")
	if err != nil {
		return nil, err
	}
	var out []string
	for {
		sg, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		b, err := json.Marshal(sg)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
}

// streamMatchesIndex checks that a streaming reader returns what an
// indexing one does, or ErrNotContiguous; it reports which.
func streamMatchesIndex(t testing.TB, m *mappings.Mapping, data []byte) (contiguous bool) {
	t.Helper()
	want, wantErr := readWith(t, NewReader, m, data)
	got, gotErr := readWith(t, NewStreamReader, m, data)
	if errors.Is(gotErr, ErrNotContiguous) {
		return false
	}
	if (wantErr == nil) != (gotErr == nil) || (wantErr != nil && wantErr.Error() != gotErr.Error()) {
		t.Fatalf("streaming ends with %v, indexing with %v", gotErr, wantErr)
	}
	if wantErr != nil {
		return true // an indexing reader fails before any group: only the errors compare
	}
	if len(got) != len(want) {
		t.Fatalf("streaming read %d groups, indexing %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("group %d differs:\nstreaming %s\nindexing  %s", i, got[i], want[i])
		}
	}
	return true
}

// TestStreamReaderMatchesIndexingReader: on contiguous censuses (the
// samples, a generated one, blank rows, quoted newlines, BOM and CRLF,
// broken files) a streaming reader returns exactly what an indexing one
// does; on a census whose group rows are apart, it says so.
func TestStreamReaderMatchesIndexingReader(t *testing.T) {
	m := standard(t)
	small := readFile(t, "census-small.csv")
	var gen bytes.Buffer
	if err := censusgen.Generate(&gen, 7, 20, 30); err != nil {
		t.Fatal(err)
	}
	header, rows, _ := strings.Cut(string(small), "\n")
	lines := strings.Split(strings.TrimRight(rows, "\n"), "\n")
	contiguous := map[string][]byte{
		"census-small":         small,
		"generated":            gen.Bytes(),
		"bom and crlf":         append([]byte("\xef\xbb\xbf"), strings.ReplaceAll(string(small), "\n", "\r\n")...),
		"blank rows":           []byte(header + "\n\n" + strings.Join(lines, "\n,,,\n") + "\n\n"),
		"header only":          []byte(header + "\n"),
		"empty":                nil,
		"broken at the end":    append(append([]byte{}, small...), "x,\"y\n"...),
		"not utf-8 at the end": append(append([]byte{}, small...), "\xff\xfe,1\n"...),
		"short row":            []byte(header + "\n" + lines[0] + "\nG1,short\n"),
	}
	for name, data := range contiguous {
		t.Run(name, func(t *testing.T) {
			if !streamMatchesIndex(t, m, data) {
				t.Fatal("a contiguous census read as not contiguous")
			}
		})
	}
	// The first group's first row moved after the second group's rows.
	var apart []string
	first := strings.SplitN(lines[0], ",", 2)[0]
	for _, l := range lines[1:] {
		apart = append(apart, l)
	}
	apart = append(apart, lines[0])
	data := []byte(header + "\n" + strings.Join(apart, "\n") + "\n")
	if strings.HasPrefix(lines[len(lines)-1], first+",") {
		t.Fatalf("census-small's last row is of the first group %s: the test needs two groups", first)
	}
	if streamMatchesIndex(t, m, data) {
		t.Fatal("a census whose group rows are apart read as contiguous")
	}
}

// FuzzStreamReader: on any input a streaming reader returns what an
// indexing one does, or ErrNotContiguous; it never panics.
func FuzzStreamReader(f *testing.F) {
	f.Add(readFile(f, "census-small.csv"))
	f.Add([]byte("group_id,member_id\nG1,M1\nG2,M2\nG1,M3\n"))
	f.Add([]byte("\"a\nb\",c\n"))
	m := standard(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		streamMatchesIndex(t, m, data)
	})
}

// TestGroupDigests: a group's digest is the same for the same rows in other
// bytes (CRLF, quoted fields), differs when a field of its rows does (and
// only that group's), and differs under another mapping.
func TestGroupDigests(t *testing.T) {
	m := standard(t)
	small := readFile(t, "census-small.csv")
	digests := func(m *mappings.Mapping, data []byte) map[string]string {
		t.Helper()
		out := map[string]string{}
		for _, sg := range readAll(t, m, data) {
			if len(sg.Digest) != 32 {
				t.Fatalf("group %s: digest of %d bytes", sg.Group.ExternalIdentifier, len(sg.Digest))
			}
			out[sg.Group.ExternalIdentifier] = fmt.Sprintf("%x", sg.Digest)
		}
		return out
	}
	base := digests(m, small)
	if len(base) != 2 {
		t.Fatalf("%d groups", len(base))
	}
	crlf := strings.ReplaceAll(string(small), "\n", "\r\n")
	quoted := strings.Replace(string(small), "Alvarez", `"Alvarez"`, -1)
	for name, data := range map[string]string{"crlf": crlf, "quoted": quoted} {
		if got := digests(m, []byte(data)); fmt.Sprint(got) != fmt.Sprint(base) {
			t.Errorf("%s: digests %v, want %v", name, got, base)
		}
	}
	changed := digests(m, []byte(strings.Replace(string(small), "Maria", "Mariah", 1)))
	if changed["GCM-001"] == base["GCM-001"] {
		t.Error("a changed first name left GCM-001's digest as it was")
	}
	for ext, d := range base {
		if ext != "GCM-001" && changed[ext] != d {
			t.Errorf("group %s's digest changed with another group's row", ext)
		}
	}
	src, err := os.ReadFile("../../mappings/census-standard.yaml")
	if err != nil {
		t.Fatal(err)
	}
	other, err := mappings.Compile(src, "partner-copy.yaml") // the same columns, another mapping
	if err != nil {
		t.Fatal(err)
	}
	if got := digests(other, small); got["GCM-001"] == base["GCM-001"] {
		t.Error("another mapping gives the same digest")
	}
}
