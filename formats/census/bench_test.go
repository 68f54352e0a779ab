package census

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/model"
)

// writeCensus writes a census of rows rows in the census-standard layout:
// groups of 50 rows, each employee followed by a spouse or not.
func writeCensus(tb testing.TB, path string, rows int) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, header(nil))
	for i := 0; i < rows; i++ {
		g := i / 50
		group := fmt.Sprintf("G%05d,Employer %d LLC,59-%07d,1999-08-13,private_sector", g, g, g)
		emp := fmt.Sprintf("E%07d", i-i%2)
		if i%2 == 0 {
			loc := fmt.Sprintf("L%d-%d,physical,%d Main St,,Springfield,FL,32435,12131", g, i%3, i%3)
			fmt.Fprintf(w, "%s,%s,%s,,employee,First%d,M,Last%d,412-55-%04d,03/02/1984,F,2015-06-01,full_time,\"58,000.00\",%d Oak Ave,Springfield,FL,32435,BC-PPO-500,ES,BC-DEN-STD,ES,BC-VIS-BASIC,EE,BC-LIFE-50K,BC-ADD-50K,2027-01-01,\n",
				group, loc, emp, i, i, i%10000, i)
		} else {
			fmt.Fprintf(w, "%s,,,,,,,,,%s-S,%s,spouse,Spouse%d,,Last%d,412-56-%04d,1982-11-20,M,,,,,,,,BC-PPO-500,,BC-DEN-STD,,,,,,2027-01-01,\n",
				group, emp, emp, i, i, i%10000)
		}
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
}

func TestGeneratedCensusIsClean(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gen.csv")
	writeCensus(t, path, 200)
	data, _ := os.ReadFile(path)
	groups := readAll(t, standard(t), data)
	if len(groups) != 4 || len(groups[3].Group.Subscribers) != 25 || len(groups[3].Group.Subscribers[0].Dependents) != 1 {
		t.Fatalf("%d groups", len(groups))
	}
	for _, g := range groups {
		if len(g.Errors) != 0 {
			t.Fatalf("%s: %v", g.Group.ExternalIdentifier, g.Errors[0])
		}
	}
}

// BenchmarkRead100k reads a 100,000-row census; peak-heap-MB is the largest
// live heap seen between groups, which stays far below the file's size
// because only the row index and one group are held.
func BenchmarkRead100k(b *testing.B) {
	path := filepath.Join(b.TempDir(), "census-100k.csv")
	writeCensus(b, path, 100_000)
	fi, _ := os.Stat(path)
	m := standard(b)
	b.SetBytes(fi.Size())
	b.ReportAllocs()
	var peak uint64
	var ms runtime.MemStats
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		r, err := NewReader(f, m, "census-100k.csv")
		if err != nil {
			b.Fatal(err)
		}
		for n := 0; ; n++ {
			sg, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if len(sg.Errors) > 0 {
				b.Fatal(sg.Errors[0])
			}
			if n%200 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
		}
		f.Close()
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(fi.Size())/(1<<20), "file-MB")
}

// FuzzReader: no input makes the reader panic, loop, or fail other than
// with a file_invalid model.Error.
func FuzzReader(f *testing.F) {
	small := readFile(f, "census-small.csv")
	f.Add(small)
	f.Add([]byte("\ufeff" + strings.ReplaceAll(string(small), "\n", "\r\n")))
	f.Add(small[:len(small)/2])
	f.Add([]byte(strings.Replace(string(small), "Jorge", "\"Jorge", 1)))
	f.Add([]byte(strings.Replace(string(small), ",E1001,spouse", ",E1001-C1,spouse", 1)))
	f.Add(readFile(f, "acme.csv"))
	f.Add([]byte{})
	f.Add([]byte("\x00\x01PK"))
	m := standard(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data), m, "fuzz.csv")
		if err != nil {
			var me model.Error
			if !errors.As(err, &me) || me.ErrorType != model.ErrFileInvalid {
				t.Fatalf("NewReader: %T %v", err, err)
			}
			return
		}
		for n := 0; ; n++ {
			if n > len(data) {
				t.Fatalf("more groups than bytes")
			}
			sg, err := r.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				t.Fatalf("Next: %v", err)
			}
			for _, e := range sg.Errors {
				if e.Source == nil || e.Source.Line < 2 || e.Message == "" {
					t.Fatalf("row error without a line: %+v", e)
				}
			}
		}
	})
}
