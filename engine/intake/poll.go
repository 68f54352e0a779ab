package intake

import (
	"strings"
	"sync"
	"time"

	"github.com/onboard/onboard/engine/transport"
)

// ignored reports whether a name is never taken as a partner file: hidden
// files, files still being uploaded under a temporary name, and done markers.
func ignored(name string) bool {
	if name == "" || strings.HasPrefix(name, ".") {
		return true
	}
	lower := strings.ToLower(name)
	for _, suf := range []string{".tmp", ".part", ".partial", ".filepart", ".done"} {
		if strings.HasSuffix(lower, suf) {
			return true
		}
	}
	return false
}

// observation is what the last listings said of a file.
type observation struct {
	size    int64
	modTime time.Time
	since   time.Time // when this size and time were first seen
}

// settler decides when a file is complete: its size and modification time
// unchanged for the settle duration across listings.
type settler struct {
	mu   sync.Mutex
	seen map[string]map[string]observation // partner → name → observation
}

func newSettler() *settler { return &settler{seen: map[string]map[string]observation{}} }

// observe records a listing and returns the files that are complete and
// the earliest time an incomplete one could become complete (zero if none).
func (s *settler) observe(partner string, files []transport.FileInfo, settle time.Duration, now time.Time) (ready []transport.FileInfo, next time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	prev := s.seen[partner]
	cur := make(map[string]observation, len(files))
	for _, f := range files {
		o, ok := prev[f.Name]
		if !ok || o.size != f.Size || !o.modTime.Equal(f.ModTime) {
			o = observation{size: f.Size, modTime: f.ModTime, since: now}
		}
		cur[f.Name] = o
		at := o.since.Add(settle)
		if settle <= 0 || !now.Before(at) {
			ready = append(ready, f)
			continue
		}
		if next.IsZero() || at.Before(next) {
			next = at
		}
	}
	s.seen[partner] = cur
	return ready, next
}

// forget drops a file from the observations once it has been taken.
func (s *settler) forget(partner, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.seen[partner], name)
}
