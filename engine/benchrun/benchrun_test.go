package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestToCRLF(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"a,b\nc,d\n", "a,b\r\nc,d\r\n"},
		{"a,b\r\nc,d", "a,b\r\nc,d"},
		{"", ""},
		{strings.Repeat("x", 300<<10) + "\n", strings.Repeat("x", 300<<10) + "\r\n"}, // longer than the buffer
	} {
		var out bytes.Buffer
		if err := toCRLF(&out, strings.NewReader(tt.in)); err != nil || out.String() != tt.want {
			t.Errorf("toCRLF(%.20q) = %.20q, %v; want %.20q", tt.in, out.String(), err, tt.want)
		}
	}
}

func TestReadLog(t *testing.T) {
	log := `{"time":"2027-01-04T08:00:01Z","level":"INFO","msg":"starting"}
progress: 50%
{"time":"2027-01-04T08:00:05Z","level":"INFO","msg":"file processed","file":"census.csv","outcome":"accepted","groups_accepted":3,"groups_rejected":0,"errors":0}
{"time":"2027-01-04T08:00:09Z","level":"INFO","msg":"transmission delivered","groups":3,"members":1500}
`
	ev, err := readLog(strings.NewReader(log))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2027, 1, 4, 8, 0, 5, 0, time.UTC)
	if !ev.file.at.Equal(at) || ev.file.File != "census.csv" || ev.file.GroupsAccepted != 3 || ev.file.Outcome != "accepted" {
		t.Errorf("file: %+v", ev.file)
	}
	if ev.sent.at.Sub(ev.file.at) != 4*time.Second || ev.sent.Members != 1500 {
		t.Errorf("sent: %+v", ev.sent)
	}
}

// TestResultCounts reads the counts after a long groups array, as the
// intake writes them.
func TestResultCounts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.json")
	doc := `{"file":"census.csv","groups":[` + strings.Repeat(`{"external_identifier":"G","subscribers":[{"id":"x"}]},`, 1000) +
		`{"external_identifier":"G"}],"outcome":"accepted","counts":{"groups":1001,"created":1000,"unchanged":1},"errors":[]}`
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := resultCounts(path)
	if err != nil || c["groups"] != 1001 || c["created"] != 1000 || c["unchanged"] != 1 {
		t.Fatalf("counts %v, %v", c, err)
	}
	if err := os.WriteFile(path, []byte(`{"file":"x","groups":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := resultCounts(path); err == nil {
		t.Error("a result without counts: no error")
	}
}

func TestTargets(t *testing.T) {
	run := func(members int, floor, intake, transmit, redrop time.Duration, rss int64) sizeResult {
		r := sizeResult{members: members}
		r.floor.wall = floor
		r.drop.intake, r.drop.transmit, r.drop.maxRSS = intake, transmit, rss
		r.firstIntake = intake
		r.redrop.intake, r.redrop.maxRSS = redrop, rss
		return r
	}
	big := run(1_000_000, 10*time.Second, 12*time.Second, 9*time.Second, 7*time.Second, 200<<20)
	big.hasPG = true
	big.pg.intake, big.pg.transmit, big.pg.maxRSS = 40*time.Second, 23*time.Second, 300<<20
	got := targets([]sizeResult{
		run(100_000, time.Second, time.Second, time.Second, 400*time.Millisecond, 100<<20),
		big,
	})
	want := map[string]bool{
		"1,000,000 members: intake + transmission within 2× the floor":            false, // 21 s against 10
		"1,000,000 members: peak RSS under 256 MiB":                               true,
		"peak RSS at 1,000,000 no more than 1.5× at 100,000":                      false, // 2×
		"100,000 members: unchanged re-drop under 0.5× the first intake":          true,
		"1,000,000 members: unchanged re-drop under 0.5× the first intake":        false,
		"1,000,000 members on PostgreSQL: intake + transmission within 3× SQLite": true,  // 63 s against 21
		"1,000,000 members on PostgreSQL: peak RSS under 256 MiB":                 false, // 300 MiB
	}
	if len(got) != len(want) {
		t.Fatalf("%d targets: %+v", len(got), got)
	}
	for _, tg := range got {
		if ok, known := want[tg.name]; !known || ok != tg.ok || tg.skipped {
			t.Errorf("target %q: ok %v skipped %v (measured %s)", tg.name, tg.ok, tg.skipped, tg.measured)
		}
	}
	var out bytes.Buffer
	printTable(&out, []sizeResult{run(100_000, time.Second, time.Second, time.Second, 400*time.Millisecond, 100<<20)})
	if !strings.Contains(out.String(), "100,000") || !strings.Contains(out.String(), "2.00 × floor") {
		t.Errorf("table:\n%s", out.String())
	}
}

// TestMedianRun: the median round by a key (the lower middle of an even
// count), whatever the order of the rounds, and the largest peak RSS.
func TestMedianRun(t *testing.T) {
	rounds := []onboardRun{{intake: 3 * time.Second}, {intake: time.Second}, {intake: 2 * time.Second}}
	rounds[0].maxRSS, rounds[1].maxRSS, rounds[2].maxRSS = 10, 30, 20
	byIntake := func(d onboardRun) time.Duration { return d.intake }
	if got := medianRun(rounds, byIntake); got.intake != 2*time.Second {
		t.Errorf("median of 3, 1, 2 s: %v", got.intake)
	}
	if got := medianRun(rounds[:2], byIntake); got.intake != time.Second {
		t.Errorf("median of 3, 1 s: %v, want the lower", got.intake)
	}
	if rounds[0].intake != 3*time.Second {
		t.Error("medianRun reordered its argument")
	}
	if got := largestRSS(rounds, func(d onboardRun) int64 { return d.maxRSS }); got != 30 {
		t.Errorf("largest RSS %d, want 30", got)
	}
}

func TestGroupDigits(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -5000: "-5,000"} {
		if got := group(n); got != want {
			t.Errorf("group(%d) = %q, want %q", n, got, want)
		}
	}
}
