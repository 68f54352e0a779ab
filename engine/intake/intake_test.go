package intake

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/store/sqlite"
	"github.com/onboard/onboard/engine/transport"
	"github.com/onboard/onboard/formats/census/censusgen"
)

// env is a partner with local folders, a real SQLite store and a config
// loaded by the real loader.
type env struct {
	t        *testing.T
	dir      string
	cfg      *config.Config
	st       *sqlite.Store
	in       *Intake
	inbound  string
	outbound string
	now      time.Time
}

const testConfig = `
state: {sqlite: var/onboard.db}
partners:
  - id: acme
    name: ACME Benefits
    inbound: {dir: var/in, settle: 0s}
    outbound: {dir: var/out}
    mapping: census-standard
    census: %s
    carrier: bluecross
    max_file_size: %d
carriers:
  - id: bluecross
    name: Blue Cross Example
    format: x12-834
    inbox: {dir: var/carrier/inbox}
    acks: {dir: var/carrier/acks}
    x12: {sender_id: ONBOARD, receiver_id: BLUECROSS, product_lines: {basic_life: AC, accidental_death_dismemberment: ADD}}
    plans:
      - {id: BC-PPO-500, product_line: medical, name: PPO 500, rates: {employee_only: 512.00}}
      - {id: BC-HMO-250, product_line: medical, name: HMO 250, rates: {employee_only: 431.00}}
      - {id: BC-DEN-STD, product_line: dental, name: Dental Standard, rates: {employee_only: 38.00}}
      - {id: BC-VIS-BASIC, product_line: vision, name: Vision Basic, rates: {employee_only: 9.50}}
      - {id: BC-LIFE-50K, product_line: basic_life, name: Basic Life 50K, rates: {employee_only: 6.25}}
      - {id: BC-ADD-50K, product_line: accidental_death_dismemberment, name: AD&D 50K, rates: {employee_only: 2.10}}
    rules:
      - {id: first-of-month, on: enrollment, expr: 'day(enrollment.start_date) == 1',
         message: "coverage must start on the first day of a month", parameter: start_date}
`

func newEnv(t *testing.T, mode string, maxSize int64) *env {
	t.Helper()
	return newEnvIn(t, t.TempDir(), fmt.Sprintf(testConfig, mode, maxSize))
}

// newEnvIn is newEnv with the config text given, in dir.
func newEnvIn(t *testing.T, dir, text string) *env {
	t.Helper()
	path := filepath.Join(dir, "onboard.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatalf("loading config: %v", err)
	}
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	st, err := sqlite.Open(context.Background(), cfg.State.SQLite, sqlite.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	open := func(ctx context.Context, f config.Folder) (transport.Folder, error) { return transport.NewLocal(f.Dir) }
	in := New(st, cfg, open, nil)
	in.Now = func() time.Time { return now }
	e := &env{t: t, dir: dir, cfg: cfg, st: st, in: in, inbound: filepath.Join(dir, "var/in"), outbound: filepath.Join(dir, "var/out"), now: now}
	os.MkdirAll(e.inbound, 0o750)
	os.MkdirAll(e.outbound, 0o750)
	return e
}

func (e *env) drop(name string, data []byte) {
	e.t.Helper()
	if err := os.WriteFile(filepath.Join(e.inbound, name), data, 0o600); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) pass() Summary {
	e.t.Helper()
	sum, err := e.in.Pass(context.Background(), e.cfg.Partner("acme"))
	if err != nil {
		e.t.Fatalf("pass: %v", err)
	}
	if sum.LastErr != nil {
		e.t.Fatalf("pass: %v", sum.LastErr)
	}
	return sum
}

func (e *env) result(name string) Result {
	e.t.Helper()
	return e.resultAt("results/" + name + ".result.json")
}

// resultAt reads the result document at rel in the outbound folder (a
// pass's FileSummary.Result).
func (e *env) resultAt(rel string) Result {
	e.t.Helper()
	b, err := os.ReadFile(filepath.Join(e.outbound, filepath.FromSlash(rel)))
	if err != nil {
		e.t.Fatalf("reading result: %v", err)
	}
	var r Result
	if err := json.Unmarshal(b, &r); err != nil {
		e.t.Fatalf("result is not JSON: %v\n%s", err, b)
	}
	return r
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func TestCensusAcceptedThenDuplicate(t *testing.T) {
	e := newEnv(t, "full", 1<<31)
	e.drop("census-small.csv", readTestdata(t, "census-small.csv"))
	e.pass()
	r := e.result("census-small.csv")
	if r.Outcome != "accepted" || len(r.Groups) != 2 || r.Counts.Created != 2 || len(r.Errors) != 0 {
		t.Fatalf("result: outcome %s, %d groups, counts %+v, errors %v", r.Outcome, len(r.Groups), r.Counts, r.Errors)
	}
	for _, g := range r.Groups {
		if g.Outcome != GroupCreated || !uuidRE.MatchString(g.ID) || g.Status != model.StatusPending {
			t.Errorf("group %s: %s %q %s", g.ExternalIdentifier, g.Outcome, g.ID, g.Status)
		}
		if len(g.Locations) != 2 {
			t.Errorf("group %s: %d locations, want 2", g.ExternalIdentifier, len(g.Locations))
		}
		for _, l := range g.Locations {
			if !uuidRE.MatchString(l.ID) {
				t.Errorf("location %s id %q", l.ExternalIdentifier, l.ID)
			}
		}
		for _, s := range g.Subscribers {
			if !uuidRE.MatchString(s.ID) || s.Status != model.StatusPending {
				t.Errorf("subscriber %s: %q %s", s.ExternalIdentifier, s.ID, s.Status)
			}
		}
	}
	if g := r.Groups[0]; g.ExternalIdentifier != "GCM-001" || g.Counts.Subscribers != 3 || g.Counts.Dependents != 3 {
		t.Errorf("GCM-001 counts: %+v", g.Counts)
	}
	if _, err := os.Stat(filepath.Join(e.inbound, "archive", "census-small.csv")); err != nil {
		t.Errorf("source not archived: %v", err)
	}
	if _, err := os.Stat(filepath.Join(e.outbound, "results", "census-small.csv.errors.csv")); !os.IsNotExist(err) {
		t.Errorf("errors.csv written for a clean file: %v", err)
	}
	fi, _ := os.Stat(filepath.Join(e.outbound, "results", "census-small.csv.result.json"))
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("result mode %v", fi.Mode().Perm())
	}
	groups, _ := e.st.Groups(context.Background(), store.GroupFilter{PartnerID: "acme"})
	if len(groups) != 2 {
		t.Fatalf("%d groups stored", len(groups))
	}

	// The same content again, under another name: duplicate, nothing applied.
	e.drop("census-again.csv", readTestdata(t, "census-small.csv"))
	e.pass()
	d := e.result("census-again.csv")
	if d.Outcome != "duplicate" || d.DuplicateOf == nil || d.DuplicateOf.File != "census-small.csv" ||
		len(d.Errors) != 1 || d.Errors[0].ErrorType != model.ErrFileDuplicate {
		t.Fatalf("duplicate result: %+v", d)
	}
	after, _ := e.st.Groups(context.Background(), store.GroupFilter{PartnerID: "acme"})
	for i := range after {
		if after[i].Version != 1 {
			t.Errorf("group %s has version %d after a duplicate", after[i].ExternalIdentifier, after[i].Version)
		}
	}
	if _, err := os.Stat(filepath.Join(e.inbound, "failed", "census-again.csv")); err != nil {
		t.Errorf("duplicate not moved to failed: %v", err)
	}
}

func TestGroupJSONAccepted(t *testing.T) {
	e := newEnv(t, "full", 1<<31)
	e.drop("group-ideon.json", readTestdata(t, "group-ideon.json"))
	e.pass()
	r := e.result("group-ideon.json")
	if r.Outcome != "accepted" || len(r.Groups) != 1 || r.Groups[0].Outcome != GroupCreated || r.Groups[0].ExternalIdentifier != "Group1" {
		t.Fatalf("result: %+v", r)
	}
}

// badCensus breaks three things in GCM-001 (bad zip, bad birth date, unknown
// plan) and leaves PDP-014 valid.
func badCensus(t *testing.T) []byte {
	s := string(readTestdata(t, "census-small.csv"))
	s = strings.Replace(s, "Defuniak Springs,FL,32435,12131,E1001", "Defuniak Springs,FL,3243,12131,E1001", 1)
	s = strings.Replace(s, "1982-11-20", "1982-13-20", 1)
	s = strings.Replace(s, "E1002,,employee,Darnell,,Brooks,398-21-7788,1990-07-19,M,2019-02-11,full_time,47500,22 Nelson Ave,Defuniak Springs,FL,32435,BC-HMO-250",
		"E1002,,employee,Darnell,,Brooks,398-21-7788,1990-07-19,M,2019-02-11,full_time,47500,22 Nelson Ave,Defuniak Springs,FL,32435,BC-NOPE", 1)
	return []byte(s)
}

func TestCensusWithErrorsReportsEveryError(t *testing.T) {
	e := newEnv(t, "full", 1<<31)
	e.drop("bad.csv", badCensus(t))
	e.pass()
	r := e.result("bad.csv")
	if r.Outcome != "partially_accepted" {
		t.Fatalf("outcome %s", r.Outcome)
	}
	var gcm, pdp GroupResult
	for _, g := range r.Groups {
		switch g.ExternalIdentifier {
		case "GCM-001":
			gcm = g
		case "PDP-014":
			pdp = g
		}
	}
	if pdp.Outcome != GroupCreated {
		t.Errorf("valid group PDP-014: %s", pdp.Outcome)
	}
	if gcm.Outcome != GroupRejected {
		t.Fatalf("GCM-001: %s", gcm.Outcome)
	}
	want := map[string]int{ // parameter suffix → line
		"employer_address.zip":           2,
		"dependents[E1001-S].birth_date": 3,
		"enrollments[medical].plan_id":   5,
	}
	for suffix, line := range want {
		found := 0
		for _, er := range gcm.Errors {
			if strings.HasSuffix(er.Parameter, suffix) && er.Source != nil && er.Source.Line == line &&
				er.Source.Column != "" && er.Source.File == "bad.csv" && er.Message != "" {
				found++
			}
		}
		if found != 1 {
			t.Errorf("%d errors for %s at line %d, want 1, among %v", found, suffix, line, gcm.Errors)
		}
	}
	// The same errors in the CSV, one row each.
	f, err := os.Open(filepath.Join(e.outbound, "results", "bad.csv.errors.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0][:5], ",") != "line,column,parameter,error_type,message" {
		t.Errorf("header %v", rows[0])
	}
	if len(rows)-1 != len(gcm.Errors) {
		t.Errorf("%d csv rows, %d errors", len(rows)-1, len(gcm.Errors))
	}
	if _, err := os.Stat(filepath.Join(e.inbound, "archive", "bad.csv")); err != nil {
		t.Errorf("partly accepted file not archived: %v", err)
	}
}

func TestUpdatesKeepIDs(t *testing.T) {
	e := newEnv(t, "full", 1<<31)
	orig := readTestdata(t, "census-small.csv")
	e.drop("v1.csv", orig)
	e.pass()
	v1 := e.result("v1.csv")

	// Same content, other bytes: CRLF, a BOM, rows reordered → unchanged.
	lines := strings.Split(strings.TrimRight(string(orig), "\n"), "\n")
	// Groups in the other order (within a group, the first location seen is
	// the primary one, so rows of a group keep their order).
	reordered := append([]string{lines[0]}, lines[7:]...)
	reordered = append(reordered, lines[1:7]...)
	e.drop("v1-again.csv", []byte("\ufeff"+strings.Join(reordered, "\r\n")+"\r\n"))
	e.pass()
	same := e.result("v1-again.csv")
	first := map[string]GroupResult{}
	for _, g := range v1.Groups {
		first[g.ExternalIdentifier] = g
	}
	for i, g := range same.Groups {
		if g.Outcome != GroupUnchanged {
			t.Errorf("reordered %s: %s", g.ExternalIdentifier, g.Outcome)
		}
		_ = i
		// An unchanged group lists the ids and statuses it was given.
		f := first[g.ExternalIdentifier]
		if g.ID != f.ID || !reflect.DeepEqual(g.Locations, f.Locations) || !reflect.DeepEqual(g.Subscribers, f.Subscribers) ||
			g.Counts.Subscribers != f.Counts.Subscribers || g.Counts.Dependents != f.Counts.Dependents {
			t.Errorf("unchanged %s lists other ids than when created:\n%+v\nwant %+v", g.ExternalIdentifier, g, f)
		}
	}

	// Drop subscriber E1002 (full census: terminated) and rename Hannah.
	var kept []string
	for _, l := range lines {
		if !strings.Contains(l, ",E1002,") {
			kept = append(kept, strings.Replace(l, "Hannah", "Hanna", 1))
		}
	}
	e.drop("v2.csv", []byte(strings.Join(kept, "\n")+"\n"))
	e.pass()
	v2 := e.result("v2.csv")
	byExt := func(r Result, ext string) GroupResult {
		for _, g := range r.Groups {
			if g.ExternalIdentifier == ext {
				return g
			}
		}
		t.Fatalf("no group %s", ext)
		return GroupResult{}
	}
	g1, g2 := byExt(v1, "GCM-001"), byExt(v2, "GCM-001")
	if g2.Outcome != GroupUpdated || g2.ID != g1.ID {
		t.Fatalf("update: %s id %s (was %s)", g2.Outcome, g2.ID, g1.ID)
	}
	if g2.Counts.Terminated != 1 || g2.Counts.Changed != 1 {
		t.Errorf("counts %+v", g2.Counts)
	}
	ids := map[string]string{}
	for _, s := range g1.Subscribers {
		ids[s.ExternalIdentifier] = s.ID
	}
	for _, s := range g2.Subscribers {
		if ids[s.ExternalIdentifier] != s.ID {
			t.Errorf("subscriber %s id changed", s.ExternalIdentifier)
		}
	}
	if byExt(v2, "PDP-014").Outcome != GroupUnchanged {
		t.Errorf("PDP-014 should be unchanged")
	}
	rec, _ := e.st.Group(context.Background(), g1.ID)
	cur, err := e.st.Version(context.Background(), g1.ID, rec.Version)
	if err != nil || rec.Version != 2 {
		t.Fatalf("version %d %v", rec.Version, err)
	}
	term := cur.Subscriber("E1002")
	// Dropped on 2026-11-21 before its 2027-01-01 start: a cancellation
	// dated its start (end_of_month would be 2026-11-30).
	if term == nil || !term.Terminated() || term.Enrollments[0].EndDate != "2027-01-01" {
		t.Errorf("E1002 not terminated: %+v", term)
	}
}

func TestChangesModeKeepsAbsentMembers(t *testing.T) {
	e := newEnv(t, "changes", 1<<31)
	orig := string(readTestdata(t, "census-small.csv"))
	e.drop("v1.csv", []byte(orig))
	e.pass()
	lines := strings.Split(strings.TrimRight(orig, "\n"), "\n")
	e.drop("v2.csv", []byte(lines[0]+"\n"+strings.Replace(lines[4], "Darnell", "Darnel", 1)+"\n"))
	e.pass()
	r := e.result("v2.csv")
	if len(r.Groups) != 1 || r.Groups[0].Outcome != GroupUpdated || r.Groups[0].Counts.Terminated != 0 || r.Groups[0].Counts.Subscribers != 3 {
		t.Fatalf("changes mode: %+v", r.Groups)
	}
}

func TestFileLevelRejections(t *testing.T) {
	header := strings.SplitN(string(readTestdata(t, "census-small.csv")), "\n", 2)[0]
	for name, data := range map[string][]byte{
		"empty.csv":       {},
		"binary.csv":      {0x00, 0x01, 0xff, 0xfe, 0x00, 'P', 'K', 0x03, 0x04},
		"header-only.csv": []byte(header + "\n"),
		"nonsense.csv":    []byte("a,b,c\n1,2,3\n"),
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, "full", 1<<31)
			e.drop(name, data)
			e.pass()
			r := e.result(name)
			if r.Outcome != "rejected" || len(r.Errors) == 0 || r.Errors[0].ErrorType != model.ErrFileInvalid {
				t.Fatalf("%s: %+v", name, r)
			}
			if _, err := os.Stat(filepath.Join(e.inbound, "failed", name)); err != nil {
				t.Errorf("not moved to failed: %v", err)
			}
		})
	}
}

func TestOversizeFileRejected(t *testing.T) {
	e := newEnv(t, "full", 100)
	e.drop("big.csv", readTestdata(t, "census-small.csv"))
	e.pass()
	r := e.result("big.csv")
	if r.Outcome != "rejected" || !strings.Contains(r.Errors[0].Message, "larger than") {
		t.Fatalf("%+v", r)
	}
}

func TestIgnoredAndSettlingFiles(t *testing.T) {
	e := newEnv(t, "full", 1<<31)
	p := e.cfg.Partner("acme")
	p.Inbound.Settle = config.Duration(time.Minute)
	for _, n := range []string{".hidden.csv", "up.csv.tmp", "up.csv.part", "x.filepart", "y.partial"} {
		e.drop(n, readTestdata(t, "census-small.csv"))
	}
	e.drop("census.csv", readTestdata(t, "census-small.csv"))
	sum := e.pass()
	if len(sum.Files) != 0 || sum.Waiting != 1 || sum.RecheckAt.IsZero() {
		t.Fatalf("first pass took %v, waiting %d", sum.Files, sum.Waiting)
	}
	e.now = e.now.Add(2 * time.Minute)
	e.in.Now = func() time.Time { return e.now }
	sum = e.pass()
	if len(sum.Files) != 1 || sum.Files[0].Name != "census.csv" {
		t.Fatalf("second pass took %+v", sum.Files)
	}
	// Done markers: with done_marker the file waits for NAME.done.
	p.Inbound.Settle = 0
	p.Inbound.DoneMarker = true
	e.drop("marked.csv", badCensus(t))
	if sum := e.pass(); len(sum.Files) != 0 {
		t.Fatalf("took a file without its done marker")
	}
	e.drop("marked.csv.done", nil)
	if sum := e.pass(); len(sum.Files) != 1 {
		t.Fatalf("did not take the marked file: %+v", sum)
	}
	if _, err := os.Stat(filepath.Join(e.inbound, "archive", "marked.csv.done")); err != nil {
		t.Errorf("done marker not moved with its file: %v", err)
	}
}

func TestCommittedFileIsFinishedNotReapplied(t *testing.T) {
	e := newEnv(t, "full", 1<<31)
	// The outbound folder is unusable: a file stands where results/ goes.
	os.WriteFile(filepath.Join(e.outbound, "results"), []byte("x"), 0o600)
	e.drop("census.csv", readTestdata(t, "census-small.csv"))
	sum, _ := e.in.Pass(context.Background(), e.cfg.Partner("acme"))
	if sum.Failed != 1 {
		t.Fatalf("expected the result delivery to fail: %+v", sum)
	}
	if _, err := os.Stat(filepath.Join(e.inbound, "census.csv")); err != nil {
		t.Fatalf("source must stay until its result is delivered: %v", err)
	}
	os.Remove(filepath.Join(e.outbound, "results"))
	e.pass()
	r := e.result("census.csv")
	if r.Outcome != "accepted" || r.Counts.Created != 2 {
		t.Fatalf("finished result: %+v", r)
	}
	files, _ := e.st.Files(context.Background(), store.FileFilter{PartnerID: "acme"})
	if len(files) != 1 || files[0].State != store.FileDone {
		t.Fatalf("files: %+v", files)
	}
}

func TestErrorsCSVNeutralisesFormulas(t *testing.T) {
	var buf bytes.Buffer
	c := newErrorsCSV(&buf)
	c.add([]model.Error{{ErrorType: model.ErrParameterInvalid, Message: "=HYPERLINK(\"http://x\",\"y\")", Value: "+1", Parameter: "@x",
		Source: &model.Source{Line: 3, Column: "-col"}}})
	if err := c.flush(); err != nil {
		t.Fatal(err)
	}
	rows, _ := csv.NewReader(&buf).ReadAll()
	for _, cell := range rows[1] {
		if cell != "" && strings.ContainsAny(cell[:1], "=+-@") {
			t.Errorf("cell %q is a live formula", cell)
		}
	}
}

func TestCheckReportsProgressOnLargeFiles(t *testing.T) {
	e := newEnv(t, "full", 1<<31)
	path := filepath.Join(e.dir, "big.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := censusgen.Generate(f, 1, 40, 500); err != nil {
		t.Fatal(err)
	}
	f.Close()
	fi, _ := os.Stat(path)
	if fi.Size() < progressMin {
		t.Fatalf("generated %d bytes, want a file over %d", fi.Size(), progressMin)
	}
	var calls int
	var last, total int64
	res, err := Check(context.Background(), e.cfg, e.cfg.Partner("acme"), path, e.now, func(name string, done, tot int64) {
		if name != "big.csv" || done > tot {
			t.Errorf("progress %s %d/%d", name, done, tot)
		}
		calls++
		last, total = done, tot
	})
	if err != nil || res.Counts.Groups != 40 {
		t.Fatalf("check: %v %+v", err, res.Counts)
	}
	if calls == 0 || last != total || total != fi.Size() {
		t.Fatalf("progress: %d calls, last %d of %d (file %d)", calls, last, total, fi.Size())
	}
	// A small file is not worth a progress line.
	calls = 0
	if _, err := Check(context.Background(), e.cfg, e.cfg.Partner("acme"), filepath.Join("testdata", "census-small.csv"), e.now,
		func(string, int64, int64) { calls++ }); err != nil || calls != 0 {
		t.Fatalf("small file: %d progress calls (%v)", calls, err)
	}
}

func TestPassStopsTakingFilesWhenStopping(t *testing.T) {
	e := newEnv(t, "full", 1<<31)
	census := string(readTestdata(t, "census-small.csv"))
	e.drop("a.csv", []byte(census))
	e.drop("b.csv", []byte(strings.Replace(census, "Darnell", "Darnel", 1)))
	asked := 0
	e.in.Stopping = func() bool { asked++; return asked > 1 } // the stop comes during the first file
	sum := e.pass()
	if len(sum.Files) != 1 {
		t.Fatalf("took %d files; a stop should let only the first finish", len(sum.Files))
	}
	// Not stopping any more (a restart): the other file is taken.
	e.in.Stopping = nil
	if sum := e.pass(); len(sum.Files) != 1 || sum.Files[0].Name == "a.csv" {
		t.Fatalf("after the stop: %+v", sum.Files)
	}
}

// TestNonContiguousCensusReadAgainIndexed: a census is first read in one
// pass; when a group's rows turn out to be apart, that pass is rolled back
// and the file read again with an index, and the result is what the
// contiguous file gives.
func TestNonContiguousCensusReadAgainIndexed(t *testing.T) {
	data := readTestdata(t, "census-small.csv")
	header, body, _ := strings.Cut(string(data), "\n")
	rows := strings.Split(strings.TrimRight(body, "\n"), "\n")
	// census-small's first row is GCM-001's subscriber; moved to the end,
	// after the second group's rows, GCM-001 is apart.
	if !strings.HasPrefix(rows[0], "GCM-001,") || strings.HasPrefix(rows[len(rows)-1], "GCM-001,") {
		t.Fatal("census-small no longer starts with GCM-001 and ends with another group")
	}
	apart := header + "\n" + strings.Join(append(rows[1:], rows[0]), "\n") + "\n"

	e := newEnv(t, "full", 1<<31)
	e.drop("apart.csv", []byte(apart))
	e.pass()
	r := e.result("apart.csv")
	if r.Outcome != "accepted" || r.Counts.Created != 2 || len(r.Errors) != 0 {
		t.Fatalf("result: outcome %s, counts %+v, errors %v", r.Outcome, r.Counts, r.Errors)
	}
	byExt := map[string]GroupResult{}
	for _, g := range r.Groups {
		byExt[g.ExternalIdentifier] = g
	}
	// Read whole (not as two GCM-001s, which would be a duplicate), from
	// its first row, now line 2.
	if g := byExt["GCM-001"]; g.Counts.Subscribers != 3 || g.Counts.Dependents != 3 || g.Line != 2 {
		t.Errorf("GCM-001: counts %+v, line %d; want 3 subscribers, 3 dependents, first seen on line 2", g.Counts, g.Line)
	}
	groups, err := e.st.Groups(context.Background(), store.GroupFilter{PartnerID: "acme"})
	if err != nil || len(groups) != 2 {
		t.Fatalf("%d groups stored (%v), want 2: the streamed pass must leave nothing", len(groups), err)
	}
	for _, g := range groups {
		if g.Version != 1 {
			t.Errorf("group %s stored at version %d, want 1", g.ExternalIdentifier, g.Version)
		}
		subs, err := e.st.Subscribers(context.Background(), g.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := byExt[g.ExternalIdentifier].Counts.Subscribers; len(subs) != want {
			t.Errorf("group %s: %d subscribers stored, result says %d", g.ExternalIdentifier, len(subs), want)
		}
	}
}
