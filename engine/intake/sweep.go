package intake

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// stagedSweep removes, once per partner and process, the staged copies
// (file-*) that a process killed while taking a file left in the partner's
// staging folder: whole copies of partner files, personal data, that
// nothing else removes. Only copies older than this process are removed:
// a copy another process is writing now is newer, and one it has finished
// is open for reading, which a removal does not disturb.
type stagedSweep struct {
	started time.Time
	mu      sync.Mutex
	done    map[string]bool
}

func newStagedSweep() *stagedSweep {
	return &stagedSweep{started: time.Now(), done: map[string]bool{}}
}

// sweep removes a partner's stale staged copies the first time it is
// called for dir, and returns how many it removed.
func (s *stagedSweep) sweep(dir string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done[dir] {
		return 0
	}
	s.done[dir] = true
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasPrefix(e.Name(), "file-") {
			continue
		}
		if info, err := e.Info(); err == nil && info.ModTime().Before(s.started) {
			if os.Remove(filepath.Join(dir, e.Name())) == nil {
				n++
			}
		}
	}
	return n
}
