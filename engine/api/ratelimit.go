package api

import (
	"math"
	"sync"
	"time"
)

// limiter is a token bucket per key: rate tokens a second, up to burst.
type limiter struct {
	mu      sync.Mutex
	rate    float64
	burst   float64
	buckets map[[32]byte]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(rate float64) *limiter {
	return &limiter{rate: rate, burst: math.Max(2*rate, 1), buckets: map[[32]byte]*bucket{}}
}

// take spends a token of the key's bucket; when none is left it says how
// long until one is.
func (l *limiter) take(key [32]byte, now time.Time) (ok bool, retry time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}
