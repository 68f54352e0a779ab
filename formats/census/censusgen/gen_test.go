package censusgen

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/validate"
	"github.com/onboard/onboard/formats/census"
)

// exampleConfig is the repository's documented example configuration: the
// census must be valid for its partner acme and carrier bluecross.
func exampleConfig(t *testing.T) (*config.Partner, *config.Carrier) {
	t.Helper()
	exampleKeys(t, filepath.Join("..", "..", ".."))
	cfg, err := config.Load(filepath.Join("..", "..", "..", "config.example.yaml"))
	if err != nil {
		t.Fatalf("loading config.example.yaml: %v", err)
	}
	p := cfg.Partner("acme")
	if p == nil || p.Carrier != "bluecross" {
		t.Fatalf("config.example.yaml: no partner acme sending to bluecross")
	}
	return p, cfg.Carrier("bluecross")
}

func generate(t *testing.T, seed int64, groups, members int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Generate(&buf, seed, groups, members); err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return buf.Bytes()
}

// TestGenerateIsValid reads a generated census through the census-standard
// mapping and validates every group against the example carrier: no error,
// the requested shape, dependents, and every product line present.
func TestGenerateIsValid(t *testing.T) {
	p, c := exampleConfig(t)
	const groups, members = 6, 40
	data := generate(t, 7, groups, members)
	r, err := census.NewReader(bytes.NewReader(data), p.CompiledMapping, "gen.csv")
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	var n, deps, terminated int
	lines := map[string]int{}
	levels := map[string]bool{}
	rels := map[string]bool{}
	for {
		sg, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		n++
		g := sg.Group
		errs := append(sg.Errors, validate.Group(g, c.Validator, now)...)
		for _, e := range errs {
			t.Errorf("group %s: %s: %s", g.ExternalIdentifier, e.Parameter, e.Message)
		}
		rows := 0
		for _, s := range g.Subscribers {
			rows += 1 + len(s.Dependents)
			deps += len(s.Dependents)
			if s.Terminated() {
				terminated++
			}
			for _, e := range s.Enrollments {
				lines[e.ProductLine]++
				levels[e.CoverageLevel] = true
				if !strings.HasSuffix(e.StartDate, "-01") {
					t.Errorf("%s: coverage starts %s, not on a first of the month", s.ExternalIdentifier, e.StartDate)
				}
			}
			for _, d := range s.Dependents {
				rels[d.SubscriberRelationship] = true
			}
		}
		if rows != members {
			t.Errorf("group %s has %d members, want %d", g.ExternalIdentifier, rows, members)
		}
	}
	if n != groups {
		t.Errorf("%d groups, want %d", n, groups)
	}
	for _, pl := range model.ProductLines {
		if lines[pl] == 0 {
			t.Errorf("no %s enrollment in %d groups", pl, groups)
		}
	}
	for _, l := range model.CoverageLevels {
		if !levels[l] {
			t.Errorf("no %s coverage level", l)
		}
	}
	if deps < groups*members/4 || !rels["spouse"] || !rels["child"] {
		t.Errorf("%d dependents (relationships %v): want families", deps, rels)
	}
	if terminated == 0 {
		t.Log("no terminated member in this sample")
	}
}

// TestGenerateIsDeterministic: the same seed gives the same bytes, another
// seed other bytes of the same shape.
func TestGenerateIsDeterministic(t *testing.T) {
	a, b, other := generate(t, 42, 3, 25), generate(t, 42, 3, 25), generate(t, 43, 3, 25)
	if !bytes.Equal(a, b) {
		t.Error("the same seed gave different files")
	}
	if bytes.Equal(a, other) {
		t.Error("different seeds gave the same file")
	}
	rows := func(b []byte) int { return bytes.Count(b, []byte("\n")) }
	if rows(a) != 1+3*25 || rows(other) != rows(a) {
		t.Errorf("rows = %d and %d, want %d", rows(a), rows(other), 1+3*25)
	}
	header, _, _ := strings.Cut(string(a), "\n")
	if header != strings.Join(Header, ",") {
		t.Errorf("header = %q", header)
	}
}

// TestGenerateSSNsAreDistinct: no SSN repeats within a file.
func TestGenerateSSNsAreDistinct(t *testing.T) {
	data := generate(t, 1, 4, 50)
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n")[1:] {
		fields := splitCSV(line)
		ssn := strings.ReplaceAll(fields[colSSN], "-", "")
		if ssn == "" {
			continue
		}
		if seen[ssn] {
			t.Fatalf("SSN repeated on line %q", line)
		}
		seen[ssn] = true
	}
	if len(seen) < 150 {
		t.Errorf("%d SSNs in 200 members", len(seen))
	}
}

// splitCSV splits a generated line: only employer names are quoted.
func splitCSV(line string) []string {
	if i := strings.IndexByte(line, '"'); i >= 0 {
		j := strings.IndexByte(line[i+1:], '"') + i + 1
		line = line[:i] + strings.ReplaceAll(line[i+1:j], ",", ";") + line[j+1:]
	}
	return strings.Split(line, ",")
}

func TestGenerateRefusesBadShapes(t *testing.T) {
	for _, tc := range []struct{ groups, members int }{{-1, 10}, {1, 0}} {
		if err := Generate(io.Discard, 1, tc.groups, tc.members); err == nil {
			t.Errorf("Generate(%d, %d): no error", tc.groups, tc.members)
		}
	}
	var buf bytes.Buffer
	if err := Generate(&buf, 1, 0, 1); err != nil || !slices.Equal(splitCSV(strings.TrimSpace(buf.String())), Header) {
		t.Errorf("no groups: %v, %q", err, buf.String())
	}
}
