package api

import (
	"testing"
	"time"
)

// TestLimiter: a key bursts to twice its rate, then waits for tokens;
// keys do not share buckets.
func TestLimiter(t *testing.T) {
	l := newLimiter(5)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a, b := [32]byte{1}, [32]byte{2}
	for i := 0; i < 10; i++ {
		if ok, _ := l.take(a, now); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	ok, retry := l.take(a, now)
	if ok || retry <= 0 || retry > 200*time.Millisecond {
		t.Fatalf("11th request: ok %v, retry %s; want refused, a token in 200ms", ok, retry)
	}
	if ok, _ := l.take(b, now); !ok {
		t.Fatal("another key was refused")
	}
	if ok, _ := l.take(a, now.Add(retry)); !ok {
		t.Fatal("refused after waiting Retry-After")
	}
}
