package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/intake"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/formats/x12/x12guide"
)

// A scenario is an enrollment analyst's everyday case played through the
// real engine: partner files dropped in a local inbound folder, taken by
// the intake (mapping, validation, store), then a transmit pass writing
// the carrier's 834 to its inbox. The clock is the test's.

// scenarioHeader is census-standard's header, with the optional event
// columns.
const scenarioHeader = "group_id,employer_name,fein,established_date,employer_type,location_id,location_type,address_line_1,address_line_2,city,state,zip,fips_county_code,member_id,subscriber_id,relationship,first_name,middle_name,last_name,ssn,birth_date,gender,hire_date,employment_status,annual_salary,home_address_line_1,home_city,home_state,home_zip,medical_plan,medical_level,dental_plan,dental_level,vision_plan,vision_level,life_plan,add_plan,coverage_start,coverage_end,event,event_date,cobra_event"

// scenarioRows are GCM-001 of testdata/census-small.csv: E1001 (family
// medical and dental, vision for herself), her spouse and child; E1002
// alone; E1003 with her spouse. Coverage starts 2027-01-01. Each row ends
// with the empty event, event_date and cobra_event columns.
var scenarioRows = []string{
	`GCM-001,Gulf Coast Marine Supply LLC,59-1234567,1999-08-13,private_sector,LOC-DFS,physical,30 W Live Oak Ave,,Defuniak Springs,FL,32435,12131,E1001,,employee,Maria,L,Alvarez,412-55-1201,1984-03-02,F,2015-06-01,full_time,"58,000.00",114 Baldwin Ave,Defuniak Springs,FL,32435,BC-PPO-500,FAM,BC-DEN-STD,FAM,BC-VIS-BASIC,EE,,,2027-01-01,,,,`,
	`GCM-001,Gulf Coast Marine Supply LLC,59-1234567,1999-08-13,private_sector,,,,,,,,,E1001-S,E1001,spouse,Jorge,,Alvarez,412-55-1202,1982-11-20,M,,,,,,,,BC-PPO-500,,BC-DEN-STD,,,,,,2027-01-01,,,,`,
	`GCM-001,Gulf Coast Marine Supply LLC,59-1234567,1999-08-13,private_sector,,,,,,,,,E1001-C1,E1001,child,Sofia,,Alvarez,412-55-1203,2012-05-14,F,,,,,,,,BC-PPO-500,,BC-DEN-STD,,,,,,2027-01-01,,,,`,
	`GCM-001,Gulf Coast Marine Supply LLC,59-1234567,1999-08-13,private_sector,LOC-DFS,physical,30 W Live Oak Ave,,Defuniak Springs,FL,32435,12131,E1002,,employee,Darnell,,Brooks,398-21-7788,1990-07-19,M,2019-02-11,full_time,47500,22 Nelson Ave,Defuniak Springs,FL,32435,BC-HMO-250,EE,BC-DEN-STD,EE,,,,,2027-01-01,,,,`,
	`GCM-001,Gulf Coast Marine Supply LLC,59-1234567,1999-08-13,private_sector,LOC-PCB,physical,8012 Front Beach Rd,Suite 4,Panama City Beach,FL,32407,12005,E1003,,employee,Hannah,Q,Nguyen,512-09-3341,1977-12-30,F,2010-09-07,part_time,31200,55 Thomas Dr,Panama City Beach,FL,32408,BC-PPO-500,ES,,,BC-VIS-BASIC,ES,,,2027-01-01,,,,`,
	`GCM-001,Gulf Coast Marine Supply LLC,59-1234567,1999-08-13,private_sector,,,,,,,,,E1003-S,E1003,spouse,Minh,,Nguyen,512-09-3342,1975-04-08,M,,,,,,,,BC-PPO-500,,,,BC-VIS-BASIC,,,,2027-01-01,,,,`,
}

// rows returns scenarioRows with edits applied: each edit replaces old by
// new in the row of member (the member_id column), or, with member "+",
// appends new as a row; a new of "" removes the member's row.
func rows(t testing.TB, edits ...[3]string) []string {
	t.Helper()
	out := slices.Clone(scenarioRows)
	for _, e := range edits {
		member, old, repl := e[0], e[1], e[2]
		if member == "+" {
			out = append(out, repl)
			continue
		}
		i := slices.IndexFunc(out, func(r string) bool { return strings.Contains(r, ","+member+",") })
		if i < 0 {
			t.Fatalf("no row for %s", member)
		}
		if old == "" && repl == "" {
			out = slices.Delete(out, i, i+1)
			continue
		}
		if !strings.Contains(out[i], old) {
			t.Fatalf("row of %s lacks %q", member, old)
		}
		out[i] = strings.Replace(out[i], old, repl, 1)
	}
	return out
}

// scenario is one engine over a temporary world.
type scenario struct {
	t     testing.TB
	dir   string
	cfg   *config.Config
	e     *Engine
	now   time.Time
	files int
	sent  []string // 834 files already read
}

// newScenario builds the world: partner acme (census mode census) sends to
// carrier bluecross, whose extra config lines (indented as carrier keys)
// are carrierExtra. The clock starts at today (YYYY-MM-DD, 09:00 UTC).
func newScenario(t testing.TB, census, today, carrierExtra string) *scenario {
	t.Helper()
	dir := t.TempDir()
	cfgText := fmt.Sprintf(`state: {sqlite: %[1]s/onboard.db}
reports: {dir: %[1]s/reports}
partners:
  - id: acme
    name: ACME Benefits
    inbound: {dir: %[1]s/inbound, settle: 0s}
    outbound: {dir: %[1]s/outbound}
    mapping: census-standard
    census: %[2]s
    carrier: bluecross
carriers:
  - id: bluecross
    name: Blue Cross Example
    inbox: {dir: %[1]s/inbox}
    acks: {dir: %[1]s/acks}
%[3]s
    x12: {sender_qualifier: ZZ, sender_id: ONBOARD, receiver_qualifier: ZZ, receiver_id: BLUECROSS, usage: T}
    plans:
      - {id: BC-PPO-500, product_line: medical, name: PPO 500, rates: {employee_only: 512.00, family: 1433.60}}
      - {id: BC-HMO-250, product_line: medical, name: HMO 250, rates: {employee_only: 431.00, family: 1206.80}}
      - {id: BC-DEN-STD, product_line: dental, name: Dental Standard, rates: {employee_only: 38.00, family: 121.00}}
      - {id: BC-VIS-BASIC, product_line: vision, name: Vision Basic, rates: {employee_only: 9.50, family: 27.50}}
`, dir, census, carrierExtra)
	path := filepath.Join(dir, "onboard.yaml")
	if err := os.WriteFile(path, []byte(cfgText), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"inbound", "outbound", "inbox", "acks"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	day, err := time.Parse(time.DateOnly, today)
	if err != nil {
		t.Fatal(err)
	}
	s := &scenario{t: t, dir: dir, cfg: cfg, now: day.Add(9 * time.Hour)}
	e, err := New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	e.Now = func() time.Time { return s.now }
	e.Intake.Now = e.Now
	s.e = e
	return s
}

// on moves the clock to a date (09:00 UTC).
func (s *scenario) on(date string) {
	s.t.Helper()
	day, err := time.Parse(time.DateOnly, date)
	if err != nil {
		s.t.Fatal(err)
	}
	s.now = day.Add(9 * time.Hour)
}

// drop writes a census of rows to the inbound folder, runs the intake and
// returns the file's result document.
func (s *scenario) drop(rows []string) map[string]any {
	s.t.Helper()
	s.files++
	name := fmt.Sprintf("census-%02d.csv", s.files)
	body := scenarioHeader + "\n" + strings.Join(rows, "\n") + "\n"
	if err := os.WriteFile(filepath.Join(s.dir, "inbound", name), []byte(body), 0o600); err != nil {
		s.t.Fatal(err)
	}
	s.now = s.now.Add(time.Minute)
	// onboard check, against the store as it is before the intake: the
	// same verdict (the differential test every scenario file passes).
	ctx := context.Background()
	check, err := intake.CheckAgainst(ctx, s.cfg, s.cfg.Partner("acme"), filepath.Join(s.dir, "inbound", name), s.now.UTC(), nil,
		func(ctx context.Context, ext string) (*model.Group, error) {
			rec, err := s.e.Store.GroupByExternal(ctx, "acme", ext)
			if errors.Is(err, store.ErrNotFound) {
				return nil, nil
			}
			if err != nil {
				return nil, err
			}
			return s.e.Store.Version(ctx, rec.ID, rec.Version)
		})
	if err != nil {
		s.t.Fatal(err)
	}
	if err := s.e.intakePass(ctx, s.cfg.Partner("acme"), true); err != nil {
		s.t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(s.dir, "outbound", "results", name+".result.json"))
	if err != nil {
		s.t.Fatal(err)
	}
	var res map[string]any
	if err := json.Unmarshal(data, &res); err != nil {
		s.t.Fatal(err)
	}
	if check.Outcome != res["outcome"] || check.Counts.Rejected != int(res["counts"].(map[string]any)["rejected"].(float64)) {
		s.t.Errorf("%s: onboard check says %s (%d groups rejected), the intake %v (%v)", name, check.Outcome, check.Counts.Rejected,
			res["outcome"], res["counts"])
	}
	return res
}

// accepted drops rows and fails unless the file was accepted.
func (s *scenario) accepted(rows []string) map[string]any {
	s.t.Helper()
	res := s.drop(rows)
	if res["outcome"] != "accepted" {
		b, _ := json.MarshalIndent(res, "", "  ")
		s.t.Fatalf("file not accepted:\n%s", b)
	}
	return res
}

// transmit runs the carrier's transmit stage and returns the member loops
// of the 834 it wrote (every segment from the first INS to SE, SE
// excluded), after checking the file against the implementation guide;
// nil when nothing was sent.
func (s *scenario) transmit() []string {
	s.t.Helper()
	s.now = s.now.Add(time.Minute)
	for _, j := range s.e.Jobs {
		if j.Stage == "transmit" {
			if err := j.Run(context.Background()); err != nil {
				s.t.Fatal(err)
			}
		}
	}
	entries, err := os.ReadDir(filepath.Join(s.dir, "inbox"))
	if err != nil {
		s.t.Fatal(err)
	}
	var fresh []string
	for _, en := range entries {
		if strings.HasSuffix(en.Name(), ".834") && !slices.Contains(s.sent, en.Name()) {
			fresh = append(fresh, en.Name())
		}
	}
	switch len(fresh) {
	case 0:
		return nil
	case 1:
	default:
		s.t.Fatalf("%d new 834s: %v", len(fresh), fresh)
	}
	s.sent = append(s.sent, fresh[0])
	data, err := os.ReadFile(filepath.Join(s.dir, "inbox", fresh[0]))
	if err != nil {
		s.t.Fatal(err)
	}
	x12guide.Check(s.t, data, x12guide.Options{Set: "834"})
	var loops []string
	in := false
	for _, seg := range strings.Split(strings.ReplaceAll(string(data), "\n", ""), "~") {
		switch {
		case strings.HasPrefix(seg, "INS*"):
			in = true
		case strings.HasPrefix(seg, "SE*"):
			in = false
		case strings.HasPrefix(seg, "BGN*"):
			loops = append(loops, seg)
		}
		if in {
			loops = append(loops, seg)
		}
	}
	return loops
}

// expect compares the segments of an 834, one by one.
func expect(t testing.TB, got []string, want []string) {
	t.Helper()
	for i := 0; i < max(len(got), len(want)); i++ {
		g, w := "(none)", "(none)"
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("segment %d: got %s, want %s", i+1, g, w)
		}
	}
	if t.Failed() {
		t.Logf("834 member loops:\n%s", strings.Join(got, "\n"))
	}
}
