package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary text to the loader: it must never panic, and
// every problem it reports must have a position.
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.yaml")
	seeds = append(seeds, "../../config.example.yaml")
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	env := envOf(map[string]string{"ACME_HOST": "h", "SET_VAR": "x"})
	f.Fuzz(func(t *testing.T, data []byte) {
		// Named in testdata, so relative references resolve to the fixtures.
		_, err := loadData("testdata/fuzz.yaml", data, env)
		if err == nil {
			return
		}
		var probs Problems
		if !errors.As(err, &probs) || len(probs) == 0 {
			t.Fatalf("error is not a list of problems: %v", err)
		}
		for _, p := range probs {
			if p.Line < 1 || p.Column < 1 || p.File == "" || p.Message == "" {
				t.Errorf("problem without a position or message: %+v", p)
			}
		}
	})
}
