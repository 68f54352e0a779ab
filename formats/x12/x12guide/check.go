package x12guide

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// MapsEnv names an environment variable that overrides where the maps are.
const MapsEnv = "ONBOARD_X12_MAPS"

// MapsDir finds the implementation guide maps: $ONBOARD_X12_MAPS, else
// ../shared/x12-maps/ beside the repository root (the nearest directory
// upward from the working directory that holds go.mod).
func MapsDir() (string, error) {
	if d := os.Getenv(MapsEnv); d != "" {
		return d, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("finding the implementation guide maps: %w", err)
	}
	for dir := wd; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			maps := filepath.Join(dir, "..", "shared", "x12-maps")
			if _, err := os.Stat(filepath.Join(maps, Map834)); err != nil {
				return "", fmt.Errorf("%w: %s (set %s)", errNoMaps, maps, MapsEnv)
			}
			return maps, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%w: no go.mod above %s (set %s)", errNoMaps, wd, MapsEnv)
		}
		dir = parent
	}
}

var (
	loadMu sync.Mutex
	loaded = map[string]*Guides{}
)

// Default loads the maps from MapsDir, once per process.
func Default() (*Guides, error) {
	dir, err := MapsDir()
	if err != nil {
		return nil, err
	}
	loadMu.Lock()
	defer loadMu.Unlock()
	if g, ok := loaded[dir]; ok {
		return g, nil
	}
	g, err := Load(dir)
	if err != nil {
		return nil, err
	}
	loaded[dir] = g
	return g, nil
}

// Validate checks data against the maps of MapsDir (see Guides.Validate).
func Validate(data []byte, opts Options) ([]Problem, error) {
	g, err := Default()
	if err != nil {
		return nil, err
	}
	return g.Validate(data, opts)
}

// TB is the part of testing.TB that Check uses (so that this package,
// which the carrier simulator links, does not import testing).
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Skipf(format string, args ...any)
}

// Check fails t when data does not pass the implementation guide: every
// problem is listed (the first 40). When the maps are missing it skips the
// test, and fails it under CI=true.
func Check(t TB, data []byte, opts Options) {
	t.Helper()
	g, err := Default()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("x12guide: %v", err)
		}
		t.Skipf("x12guide: %v", err)
		return
	}
	problems, err := g.Validate(data, opts)
	if err != nil {
		t.Errorf("x12guide: %v", err)
	}
	if len(problems) > 0 {
		t.Errorf("x12guide: the file does not pass the implementation guide (%d problems):\n%s", len(problems), Format(problems, 40))
	}
}

// CheckFile is Check on a file's contents.
func CheckFile(t TB, path string, opts Options) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("x12guide: %v", err)
		return
	}
	Check(t, data, opts)
}

// Format lists problems one a line, at most limit of them (0: all).
func Format(problems []Problem, limit int) string {
	var b strings.Builder
	for i, p := range problems {
		if limit > 0 && i == limit {
			fmt.Fprintf(&b, "  … and %d more\n", len(problems)-limit)
			break
		}
		b.WriteString("  " + p.String() + "\n")
	}
	return b.String()
}
