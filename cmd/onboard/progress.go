package main

import (
	"fmt"
	"io"
)

// progressPrinter shows a file's progress on one terminal line.
func progressPrinter(w io.Writer) func(name string, done, total int64) {
	return func(name string, done, total int64) {
		pct := 100.0
		if total > 0 {
			pct = float64(done) * 100 / float64(total)
		}
		fmt.Fprintf(w, "\r%s: %.1f MB of %.1f MB (%.0f%%)", name, float64(done)/1e6, float64(total)/1e6, pct)
		if done >= total {
			fmt.Fprintln(w)
		}
	}
}
