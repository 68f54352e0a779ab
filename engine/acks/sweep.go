package acks

import (
	"os"
	"path/filepath"
	"strings"
)

// sweepStaged removes, on an Acker's first run, the staged copies (ack-*)
// that a process killed while reading an acknowledgement left in the
// carrier's staging folder, where nothing else removes them. Only copies
// older than the Acker are removed: a run of another process now has
// newer ones, or holds them open.
func (a *Acker) sweepStaged() {
	a.sweepOnce.Do(func() {
		entries, err := os.ReadDir(a.staging)
		if err != nil {
			return
		}
		n := 0
		for _, e := range entries {
			if !e.Type().IsRegular() || !strings.HasPrefix(e.Name(), "ack-") {
				continue
			}
			if info, err := e.Info(); err == nil && info.ModTime().Before(a.started) {
				if os.Remove(filepath.Join(a.staging, e.Name())) == nil {
					n++
				}
			}
		}
		if n > 0 {
			a.log.Info("removed staged copies an interrupted run left", "carrier", a.carrier.ID, "files", n)
		}
	})
}
