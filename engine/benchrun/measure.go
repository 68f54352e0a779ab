package main

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/onboard/onboard/formats/census/censusgen"
)

// sizeResult is everything measured for one census size.
type sizeResult struct {
	members  int
	groups   int
	csvBytes int64
	x12Bytes int64
	floor    floorRun
	drop     onboardRun
	redrop   onboardRun
	// firstIntake is the median of the first drops' intakes, which the
	// re-drop is compared with (drop is the median by intake+transmit).
	firstIntake time.Duration
	runs        int
	// pg is the first drop on PostgreSQL (the median round), when measured.
	pg    onboardRun
	hasPG bool
}

// floorRun is the floor child's measurement.
type floorRun struct {
	childRun
	floorReport
}

// onboardRun is one `onboard once`, split into its stages by its logs.
type onboardRun struct {
	childRun
	intake   time.Duration // start → "file processed"
	transmit time.Duration // "file processed" → "transmission delivered" (0: nothing sent)
	file     fileLog
	sent     transmitLog
}

// measure runs the floor, the first drop and the re-drop of one size.
func measure(ctx context.Context, o options, self string, groups int, stderr io.Writer) (r sizeResult, err error) {
	r = sizeResult{groups: groups, members: groups * o.groupSize}
	src, err := ensureCensus(o.dir, o.seed, groups, o.groupSize, stderr)
	if err != nil {
		return r, err
	}
	fi, err := os.Stat(src)
	if err != nil {
		return r, err
	}
	r.csvBytes = fi.Size()
	dir := filepath.Join(o.dir, fmt.Sprintf("run-%d", r.members))
	defer func() {
		if err == nil && !o.keep {
			os.RemoveAll(dir) // kept after a failure: its logs say why
		}
	}()
	// Each measurement is a round of its own on a fresh folder; on a shared
	// machine one round can be a quarter slower than the next, so each kind
	// is reported as its median round (and peak RSS as the largest).
	var floors []floorRun
	var drops, redrops, pgDrops []onboardRun
	for round := 1; round <= o.runs; round++ {
		if err := newRunDir(dir); err != nil {
			return r, err
		}
		fmt.Fprintf(stderr, "benchrun: %d members, round %d of %d: onboard once (first drop)\n", r.members, round, o.runs)
		if err := linkOrCopy(src, filepath.Join(dir, "in", "census.csv")); err != nil {
			return r, err
		}
		drop, err := runOnboard(ctx, self, o.onboard, dir, "drop")
		if err != nil {
			return r, err
		}
		if err := drop.check(dir, r.groups, "created"); err != nil {
			return r, err
		}
		if r.x12Bytes, err = folderSize(filepath.Join(dir, "inbox")); err != nil {
			return r, err
		}

		fmt.Fprintf(stderr, "benchrun: %d members, round %d of %d: floor\n", r.members, round, o.runs)
		floor, err := runFloor(ctx, self, src, dir, r.x12Bytes)
		if err != nil {
			return r, err
		}
		if floor.Rows != r.members {
			return r, fmt.Errorf("the floor inserted %d rows of %d", floor.Rows, r.members)
		}

		fmt.Fprintf(stderr, "benchrun: %d members, round %d of %d: onboard once (unchanged re-drop, CRLF)\n", r.members, round, o.runs)
		if err := writeCRLF(src, filepath.Join(dir, "in", "census-crlf.csv")); err != nil {
			return r, err
		}
		redrop, err := runOnboard(ctx, self, o.onboard, dir, "redrop")
		if err != nil {
			return r, err
		}
		if err := redrop.check(dir, r.groups, "unchanged"); err != nil {
			return r, err
		}
		floors, drops, redrops = append(floors, floor), append(drops, drop), append(redrops, redrop)

		if o.postgres != "" {
			fmt.Fprintf(stderr, "benchrun: %d members, round %d of %d: onboard once on PostgreSQL (first drop)\n", r.members, round, o.runs)
			pg, err := measurePostgres(ctx, o, self, src, dir+"-pg", r.groups)
			if err != nil {
				return r, err
			}
			pgDrops = append(pgDrops, pg)
		}
	}
	if len(pgDrops) > 0 {
		r.pg, r.hasPG = medianRun(pgDrops, func(d onboardRun) time.Duration { return d.intake + d.transmit }), true
		r.pg.maxRSS = largestRSS(pgDrops, func(d onboardRun) int64 { return d.maxRSS })
	}
	r.floor = medianRun(floors, func(f floorRun) time.Duration { return f.wall })
	r.floor.maxRSS = largestRSS(floors, func(f floorRun) int64 { return f.maxRSS })
	r.drop = medianRun(drops, func(d onboardRun) time.Duration { return d.intake + d.transmit })
	r.drop.maxRSS = largestRSS(drops, func(d onboardRun) int64 { return d.maxRSS })
	r.firstIntake = medianRun(drops, func(d onboardRun) time.Duration { return d.intake }).intake
	r.runs = o.runs
	r.redrop = medianRun(redrops, func(d onboardRun) time.Duration { return d.intake })
	r.redrop.maxRSS = largestRSS(redrops, func(d onboardRun) int64 { return d.maxRSS })
	if o.pprof != "" {
		if err := profileSize(ctx, o, self, src, r.members, stderr); err != nil {
			return r, err
		}
	}
	return r, nil
}

// medianRun returns the run with the median key (the lower middle of an
// even count).
func medianRun[T any](runs []T, key func(T) time.Duration) T {
	sorted := slices.Clone(runs)
	slices.SortStableFunc(sorted, func(a, b T) int { return cmp.Compare(key(a), key(b)) })
	return sorted[(len(sorted)-1)/2]
}

// largestRSS returns the largest peak RSS of the runs.
func largestRSS[T any](runs []T, rss func(T) int64) int64 {
	var m int64
	for _, r := range runs {
		m = max(m, rss(r))
	}
	return m
}

// ensureCensus returns the generated census of this shape, generating it
// unless an earlier run left it (generation is deterministic).
func ensureCensus(dir string, seed int64, groups, groupSize int, stderr io.Writer) (string, error) {
	path := filepath.Join(dir, fmt.Sprintf("census-s%d-%dx%d.csv", seed, groups, groupSize))
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	fmt.Fprintf(stderr, "benchrun: generating %d groups of %d members\n", groups, groupSize)
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return "", fmt.Errorf("creating census: %w", err)
	}
	err = censusgen.Generate(f, seed, groups, groupSize)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return "", err
	}
	return path, os.Rename(tmp, path)
}

// configYAML is the run's onboard configuration: the example carrier
// bluecross (config.example.yaml), local folders, no settling.
const configYAML = `state:
  sqlite: state/onboard.db
  postgres: '%s'
http:
  listen: ""
reports:
  dir: reports
partners:
  - id: bench
    name: Bench Partner
    inbound: {dir: in, settle: 0s}
    outbound: {dir: out}
    mapping: census-standard
    census: full
    carrier: bluecross
carriers:
  - id: bluecross
    name: Blue Cross Example
    format: x12-834
    mode: change
    inbox: {dir: inbox}
    acks: {dir: acks}
    x12: {sender_qualifier: ZZ, sender_id: ONBOARD, receiver_qualifier: ZZ, receiver_id: BLUECROSS, usage: T,
          product_lines: {basic_life: AC, accidental_death_dismemberment: ADD}}
    plans:
      - {id: BC-PPO-500, product_line: medical, name: PPO 500,
         rates: {employee_only: 512.00, employee_spouse: 1024.00, employee_children: 921.60, family: 1433.60}}
      - {id: BC-HMO-250, product_line: medical, name: HMO 250,
         rates: {employee_only: 431.00, employee_spouse: 862.00, employee_children: 775.80, family: 1206.80}}
      - {id: BC-DEN-STD, product_line: dental, name: Dental Standard,
         rates: {employee_only: 38.00, employee_spouse: 76.00, employee_children: 84.00, family: 121.00}}
      - {id: BC-VIS-BASIC, product_line: vision, name: Vision Basic,
         rates: {employee_only: 9.50, employee_spouse: 18.00, employee_children: 19.00, family: 27.50}}
      - {id: BC-LIFE-50K, product_line: basic_life, name: Basic Life 50K, rates: {employee_only: 6.25}}
      - {id: BC-ADD-50K, product_line: accidental_death_dismemberment, name: AD&D 50K, rates: {employee_only: 2.10}}
    rules:
      - {id: first-of-month, on: enrollment, expr: 'day(enrollment.start_date) == 1',
         message: "coverage must start on the first day of a month", parameter: start_date}
`

// newRunDir creates a fresh run folder with its configuration.
func newRunDir(dir string) error {
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("clearing %s: %w", dir, err)
	}
	for _, sub := range []string{"in", "out", "inbox", "acks", "reports", "state"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return fmt.Errorf("creating run folder: %w", err)
		}
	}
	return writeConfig(dir, "")
}

// writeConfig writes a run folder's configuration, its state in
// PostgreSQL when postgres is set.
func writeConfig(dir, postgres string) error {
	cfg := strings.Replace(configYAML, "  postgres: '%s'\n", "", 1)
	if postgres != "" {
		cfg = strings.Replace(configYAML, "%s", strings.ReplaceAll(postgres, "'", "''"), 1)
	}
	return os.WriteFile(filepath.Join(dir, "onboard.yaml"), []byte(cfg), 0o600)
}

// runOnboard runs `onboard once` on a run folder and times its stages.
func runOnboard(ctx context.Context, self, bin, dir, name string) (onboardRun, error) {
	var r onboardRun
	logPath := filepath.Join(dir, name+".log")
	logf, err := os.Create(logPath)
	if err != nil {
		return r, err
	}
	defer logf.Close()
	var start time.Time
	r.childRun, start, err = runChild(ctx, self, child{dir: dir, stdout: logf, stderr: logf,
		args: []string{bin, "once", "-config", filepath.Join(dir, "onboard.yaml")}})
	if err != nil {
		return r, fmt.Errorf("%w (log: %s)", err, logPath)
	}
	if _, err := logf.Seek(0, io.SeekStart); err != nil {
		return r, err
	}
	ev, err := readLog(logf)
	if err != nil {
		return r, fmt.Errorf("reading %s: %w", logPath, err)
	}
	if ev.file.at.IsZero() {
		return r, fmt.Errorf("onboard processed no file (log: %s)", logPath)
	}
	r.file, r.sent = ev.file, ev.sent
	r.intake = ev.file.at.Sub(start)
	if !ev.sent.at.IsZero() {
		r.transmit = ev.sent.at.Sub(ev.file.at)
	}
	return r, nil
}

// check verifies that the file was accepted whole and every group got the
// expected outcome (created, unchanged), from the result file's counts.
func (r onboardRun) check(dir string, groups int, outcome string) error {
	f := r.file
	if f.Outcome != "accepted" || f.GroupsAccepted != groups || f.Errors != 0 {
		return fmt.Errorf("onboard: outcome %s, %d groups accepted, %d rejected, %d errors; want accepted with %d groups",
			f.Outcome, f.GroupsAccepted, f.GroupsRejected, f.Errors, groups)
	}
	c, err := resultCounts(filepath.Join(dir, "out", "results", f.File+".result.json"))
	if err != nil {
		return err
	}
	if got := c[outcome]; got != groups {
		return fmt.Errorf("onboard: %d groups %s, want %d (counts %v)", got, outcome, groups, c)
	}
	return nil
}

// resultCounts reads the counts of a result file without reading its
// groups (a million-member file's result is large).
func resultCounts(path string) (map[string]int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := json.NewDecoder(bufio.NewReader(f))
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", path, err)
		}
		var err2 error
		switch key {
		case "counts":
			var c map[string]int
			if err := dec.Decode(&c); err != nil {
				return nil, fmt.Errorf("reading %s: %w", path, err)
			}
			return c, nil
		case "groups":
			err2 = skipArray(dec) // streamed: the harness's memory stays small
		default:
			var skip json.RawMessage
			err2 = dec.Decode(&skip)
		}
		if err2 != nil {
			return nil, fmt.Errorf("reading %s: %w", path, err2)
		}
	}
	return nil, fmt.Errorf("reading %s: no counts", path)
}

// fileLog is onboard's "file processed" line.
type fileLog struct {
	at             time.Time
	File           string `json:"file"`
	Outcome        string `json:"outcome"`
	GroupsAccepted int    `json:"groups_accepted"`
	GroupsRejected int    `json:"groups_rejected"`
	Errors         int    `json:"errors"`
}

// transmitLog is onboard's "transmission delivered" line.
type transmitLog struct {
	at      time.Time
	Groups  int `json:"groups"`
	Members int `json:"members"`
}

type logEvents struct {
	file fileLog
	sent transmitLog
}

// readLog picks the stage ends out of onboard's JSON log.
func readLog(r io.Reader) (logEvents, error) {
	var ev logEvents
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		var line struct {
			Time  time.Time `json:"time"`
			Msg   string    `json:"msg"`
			Level string    `json:"level"`
		}
		if json.Unmarshal(sc.Bytes(), &line) != nil {
			continue // a progress line or a panic trace: not an event
		}
		switch line.Msg {
		case "file processed":
			if err := json.Unmarshal(sc.Bytes(), &ev.file); err != nil {
				return ev, err
			}
			ev.file.at = line.Time
		case "transmission delivered":
			if err := json.Unmarshal(sc.Bytes(), &ev.sent); err != nil {
				return ev, err
			}
			ev.sent.at = line.Time
		}
	}
	return ev, sc.Err()
}

// skipArray reads past an array one element at a time.
func skipArray(dec *json.Decoder) error {
	if _, err := dec.Token(); err != nil {
		return err
	}
	for dec.More() {
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return err
		}
	}
	_, err := dec.Token()
	return err
}

// folderSize sums the sizes of a folder's regular files.
func folderSize(dir string) (int64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	var n int64
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			return 0, err
		}
		n += fi.Size()
	}
	if n == 0 {
		return 0, fmt.Errorf("no file in %s: onboard delivered nothing", dir)
	}
	return n, nil
}

// linkOrCopy puts src at dst: a hard link when the file system allows.
func linkOrCopy(src, dst string) error {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst + ".tmp")
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(dst+".tmp", dst)
}

// writeCRLF copies a census with every line ending in CRLF: other bytes,
// the same content.
func writeCRLF(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst + ".tmp") // onboard never takes a .tmp name
	if err != nil {
		return err
	}
	defer out.Close()
	if err := toCRLF(out, in); err != nil {
		return fmt.Errorf("writing %s: %w", dst, err)
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(dst+".tmp", dst)
}

// toCRLF copies r to w with LF line ends turned into CRLF.
func toCRLF(w io.Writer, r io.Reader) error {
	br := bufio.NewReaderSize(r, 256<<10)
	bw := bufio.NewWriterSize(w, 256<<10)
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			if _, err := bw.Write(line); err != nil {
				return err
			}
			continue
		}
		if n := len(line); n > 0 && line[n-1] == '\n' && (n < 2 || line[n-2] != '\r') {
			bw.Write(line[:n-1])
			line = []byte("\r\n")
		}
		if _, werr := bw.Write(line); werr != nil {
			return werr
		}
		if errors.Is(err, io.EOF) {
			return bw.Flush()
		}
		if err != nil {
			return err
		}
	}
}
