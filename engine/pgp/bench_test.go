package pgp

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/pgp/pgptest"
)

// census is an endless census-like stream of n bytes.
type census struct{ left int64 }

func (c *census) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, io.EOF
	}
	const row = "GCM-001,Gulf Coast Marine,E1001,,employee,Zoe,Q,Martin,123-45-6789,1985-04-12,F,2019-03-01,full_time,52000\n"
	n := 0
	for n < len(p) && c.left > 0 {
		k := copy(p[n:], row[int(c.left)%len(row):])
		if int64(k) > c.left {
			k = int(c.left)
		}
		n += k
		c.left -= int64(k)
	}
	return n, nil
}

// BenchmarkDecrypt streams a 256 MiB signed, compressed message from a
// file through Decrypt and reports its throughput and the peak heap in
// use while it runs: the plaintext and the ciphertext are never held.
func BenchmarkDecrypt(b *testing.B) {
	const size = 256 << 20
	dir := b.TempDir()
	onboard := pgptest.NewKey(b, dir, "onboard", "")
	partner := pgptest.NewKey(b, dir, "partner", "")
	enc, err := LoadEncryptor(onboard.PublicFile, partner.PrivateFile, "")
	if err != nil {
		b.Fatal(err)
	}
	msgPath := filepath.Join(dir, "census.csv.pgp")
	f, _ := os.Create(msgPath)
	w, err := enc.Encrypt(f, "census.csv")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(w, &census{left: size}); err != nil {
		b.Fatal(err)
	}
	w.Close()
	f.Close()
	dec, err := LoadDecryptor(onboard.PrivateFile, "", partner.PublicFile)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
		}
	}()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in, _ := os.Open(msgPath)
		n, err := dec.Decrypt(io.Discard, in, 1<<31)
		in.Close()
		if err != nil || n != size {
			b.Fatalf("decrypted %d bytes: %v", n, err)
		}
	}
	b.StopTimer()
	close(stop)
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
}
