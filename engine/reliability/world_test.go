//go:build unix

package reliability

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A world is one onboard installation on disk: a config file, three
// partners with local drop folders and two X12 carriers, all under one
// temporary directory that tests hand to the onboard binary.
type world struct {
	t   testing.TB
	dir string
	// cfg is the config file's path.
	cfg string
	// log collects every child's output, for a failing test's message.
	log *bytes.Buffer
	// staged lists the files check found in the staging folder.
	staged []string
	// dbPath is the database, relative to dir.
	dbPath string
	// longestPass is the longest `onboard once` that ran to its end.
	longestPass time.Duration
	// answered counts the times the simulated carriers answered each file.
	answered map[string]int
	// partners are the world's partners (default: partners).
	partners []string
	// postgres is the shared store's URL when the world keeps its state
	// in PostgreSQL ("" for the SQLite file).
	postgres string
}

// partnerCarrier says which carrier each partner of the world sends to.
var partnerCarrier = map[string]string{"acme": "bluecross", "beta": "bluecross", "gamma": "redshield", "delta": "redshield"}

// partners of the world, in a fixed order.
var partners = []string{"acme", "beta", "gamma"}

// carriers of the world, in a fixed order.
var carriers = []string{"bluecross", "redshield"}

// partnerConfig is one partner of a world: %[1]s is its id, %[2]s its
// inbound folder (YAML flow mapping entries), %[3]s its outbound folder, %[4]s
// its carrier, %[5]s extra settings. Schedules are short so that `onboard
// run` does real work within a kill's delay; `onboard once` ignores them.
const partnerConfig = `  - id: %[1]s
    name: Partner %[1]s
    inbound: {%[2]s, settle: 0s, schedule: "@every 1s"}
    outbound: {%[3]s}
    mapping: census-standard
    carrier: %[4]s
    ldex: {schedule: "@every 2s"}
%[5]s`

// carrierConfig is one carrier of the world; %[1]s is its id, %[2]s its
// receiver id, %[3]s its inbox folder.
const carrierConfig = `  - id: %[1]s
    name: Carrier %[2]s
    format: x12-834
    mode: change
    schedule: "@every 1s"
    inbox: {%[3]s}
    acks: {dir: var/carriers/%[1]s/acks, schedule: "@every 1s"}
    x12: {sender_qualifier: ZZ, sender_id: ONBOARD, receiver_qualifier: ZZ, receiver_id: %[2]s, usage: T,
          product_lines: {basic_life: AC, accidental_death_dismemberment: ADD}}
    plans:
      - {id: BC-PPO-500, product_line: medical, name: PPO 500, rates: {employee_only: 512.00, employee_spouse: 1024.00, employee_children: 921.60, family: 1433.60}}
      - {id: BC-HMO-250, product_line: medical, name: HMO 250, rates: {employee_only: 431.00, employee_spouse: 862.00, employee_children: 775.80, family: 1206.80}}
      - {id: BC-DEN-STD, product_line: dental, name: Dental Standard, rates: {employee_only: 38.00, employee_spouse: 76.00, employee_children: 84.00, family: 121.00}}
      - {id: BC-VIS-BASIC, product_line: vision, name: Vision Basic, rates: {employee_only: 9.50, employee_spouse: 18.00, employee_children: 19.00, family: 27.50}}
      - {id: BC-LIFE-50K, product_line: basic_life, name: Basic Life 50K, rates: {employee_only: 6.25}}
      - {id: BC-ADD-50K, product_line: accidental_death_dismemberment, name: AD&D 50K, rates: {employee_only: 2.10}}
    rules:
      - {id: first-of-month, on: enrollment, expr: 'day(enrollment.start_date) == 1',
         message: "coverage must start on the first day of a month", parameter: start_date}
`

// worldOptions changes a world's config.
type worldOptions struct {
	// maxFileSize is every partner's max_file_size (0: the default).
	maxFileSize int64
	// inbound and outbound replace a partner's folder, inbox a carrier's
	// (YAML flow mapping entries, such as `dir: x` or `sftp: {...}`).
	inbound, outbound, inbox map[string]string
	// state replaces the state settings (YAML flow mapping entries).
	state string
	// dir is where the world lives (default: a new temporary directory).
	dir string
	// noQuarantine sets every partner's quarantine_after to 0: random
	// kills may fall twice on one file without it being set aside.
	noQuarantine bool
	// partners replaces the world's partners (default: partners).
	partners []string
	// postgres keeps the state in the PostgreSQL at this URL.
	postgres string
}

// newWorld writes a world's config under a new temporary directory.
func newWorld(t testing.TB, opt worldOptions) *world {
	t.Helper()
	dir := opt.dir
	if keep := os.Getenv("ONBOARD_KEEP"); dir == "" && keep != "" {
		// Keep the world for a look after the test: ONBOARD_KEEP=DIR.
		if err := os.MkdirAll(keep, 0o750); err != nil {
			t.Fatal(err)
		}
		d, err := os.MkdirTemp(keep, strings.ReplaceAll(t.Name(), "/", "_")+"-")
		if err != nil {
			t.Fatal(err)
		}
		dir = d
		t.Logf("world kept in %s", dir)
	}
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, dir: dir, cfg: filepath.Join(dir, "onboard.yaml"), log: &bytes.Buffer{}, dbPath: "var/onboard.db",
		answered: map[string]int{}, partners: partners, postgres: opt.postgres}
	if opt.partners != nil {
		w.partners = opt.partners
	}
	var b strings.Builder
	state := "sqlite: var/onboard.db"
	if opt.state != "" {
		state = opt.state
	}
	if opt.postgres != "" {
		state = "postgres: '" + opt.postgres + "'"
	}
	fmt.Fprintf(&b, "state: {%s}\nreports: {dir: var/reports, schedule: \"@every 2s\"}\npartners:\n", state)
	extra := ""
	if opt.maxFileSize > 0 {
		extra = fmt.Sprintf("    max_file_size: %d\n", opt.maxFileSize)
	}
	if opt.noQuarantine {
		extra += "    quarantine_after: 0\n"
	}
	for _, p := range w.partners {
		in := "dir: var/partners/" + p + "/inbound"
		if v, ok := opt.inbound[p]; ok {
			in = v
		}
		out := "dir: var/partners/" + p + "/outbound"
		if v, ok := opt.outbound[p]; ok {
			out = v
		}
		fmt.Fprintf(&b, partnerConfig, p, in, out, partnerCarrier[p], extra)
	}
	b.WriteString("carriers:\n")
	for i, c := range carriers {
		inbox := "dir: var/carriers/" + c + "/inbox"
		if v, ok := opt.inbox[c]; ok {
			inbox = v
		}
		fmt.Fprintf(&b, carrierConfig, c, strings.ToUpper(c[:4])+fmt.Sprint(i+1), inbox)
	}
	if err := os.WriteFile(w.cfg, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range w.partners {
		w.mkdir(w.inbound(p))
	}
	for _, c := range carriers {
		w.mkdir(w.inbox(c))
		w.mkdir(w.acks(c))
	}
	return w
}

func (w *world) mkdir(dir string) {
	w.t.Helper()
	if err := os.MkdirAll(dir, 0o750); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) db() string { return filepath.Join(w.dir, w.dbPath) }
func (w *world) inbound(p string) string {
	return filepath.Join(w.dir, "var", "partners", p, "inbound")
}
func (w *world) outbound(p string) string {
	return filepath.Join(w.dir, "var", "partners", p, "outbound")
}
func (w *world) inbox(c string) string { return filepath.Join(w.dir, "var", "carriers", c, "inbox") }
func (w *world) acks(c string) string  { return filepath.Join(w.dir, "var", "carriers", c, "acks") }
func (w *world) resultPath(p, name string) string {
	return filepath.Join(w.outbound(p), "results", name+".result.json")
}

// drop puts a file in a partner's drop folder the way a careful partner
// does: written under a temporary name, then renamed into place.
func (w *world) drop(partner, name string, data []byte) {
	w.t.Helper()
	dir := w.inbound(partner)
	tmp := filepath.Join(dir, "."+name+".part")
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		w.t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		w.t.Fatal(err)
	}
}

// censusSpec describes a generated census: groups G0001.. of a partner,
// each with employees and, for every other employee, a spouse.
type censusSpec struct {
	partner   string
	groups    int
	employees int
	// firstGroup numbers the first group (default 1), so that several
	// files can hold different groups.
	firstGroup int
	// update changes the census the way a second drop does: in every
	// third group the last employee's coverage ends and the first
	// employee moves to the HMO plan.
	update bool
}

// censusHeader is the census-standard header (DESIGN.md §4).
var censusHeader = []string{
	"group_id", "employer_name", "fein", "established_date", "employer_type",
	"location_id", "location_type", "address_line_1", "address_line_2", "city", "state", "zip", "fips_county_code",
	"member_id", "subscriber_id", "relationship", "first_name", "middle_name", "last_name", "ssn", "birth_date", "gender",
	"hire_date", "employment_status", "annual_salary", "home_address_line_1", "home_city", "home_state", "home_zip",
	"medical_plan", "medical_level", "dental_plan", "dental_level", "vision_plan", "vision_level", "life_plan", "add_plan",
	"coverage_start", "coverage_end",
}

// letters spells n in letters, so that generated names are unique and
// pass name validation ("Baab").
func letters(n int) string {
	const abc = "abcdefghijklmnopqrstuvwxyz"
	s := ""
	for i := 0; i < 3; i++ {
		s = string(abc[n%26]) + s
		n /= 26
	}
	return "B" + s
}

// census renders a census-standard CSV.
func census(s censusSpec) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(censusHeader)
	first := s.firstGroup
	if first == 0 {
		first = 1
	}
	prefix := strings.ToUpper(s.partner[:1])
	for g := first; g < first+s.groups; g++ {
		gid := fmt.Sprintf("%s%04d", prefix, g)
		employer := fmt.Sprintf("Employer %s LLC", letters(g))
		fein := fmt.Sprintf("59-%07d", 1000000+g)
		for e := 1; e <= s.employees; e++ {
			mid := fmt.Sprintf("%s-E%02d", gid, e)
			plan := "BC-PPO-500"
			if s.update && g%3 == 0 && e == 1 {
				plan = "BC-HMO-250"
			}
			end := ""
			if s.update && g%3 == 0 && e == s.employees && e > 1 {
				end = "2027-06-30"
			}
			married := e%2 == 1
			level := "EE"
			if married {
				level = "ES"
			}
			serial := (g*100+e)%9999 + 1
			row := map[string]string{
				"group_id": gid, "employer_name": employer, "fein": fein, "established_date": "2001-05-01", "employer_type": "private_sector",
				"location_id": "LOC-1", "location_type": "physical", "address_line_1": "30 W Live Oak Ave", "city": "Defuniak Springs",
				"state": "FL", "zip": "32435", "fips_county_code": "12131",
				"member_id": mid, "relationship": "employee", "first_name": letters(e), "last_name": "Emp" + letters(g),
				"ssn": fmt.Sprintf("412-%02d-%04d", g%99+1, serial), "birth_date": "1980-03-02", "gender": "F",
				"hire_date": "2015-06-01", "employment_status": "full_time", "annual_salary": "58000",
				"home_address_line_1": "114 Baldwin Ave", "home_city": "Defuniak Springs", "home_state": "FL", "home_zip": "32435",
				"medical_plan": plan, "medical_level": level, "dental_plan": "BC-DEN-STD", "dental_level": level,
				"coverage_start": "2027-01-01", "coverage_end": end,
			}
			w.Write(rowOf(row))
			if married {
				w.Write(rowOf(map[string]string{
					"group_id": gid, "employer_name": employer, "fein": fein, "established_date": "2001-05-01", "employer_type": "private_sector",
					"member_id": mid + "-S", "subscriber_id": mid, "relationship": "spouse", "first_name": letters(e + 500),
					"last_name": "Emp" + letters(g), "ssn": fmt.Sprintf("413-%02d-%04d", g%99+1, serial), "birth_date": "1981-04-03",
					"gender": "M", "medical_plan": plan, "dental_plan": "BC-DEN-STD", "coverage_start": "2027-01-01", "coverage_end": end,
				}))
			}
		}
	}
	w.Flush()
	return buf.Bytes()
}

func rowOf(m map[string]string) []string {
	row := make([]string, len(censusHeader))
	for i, h := range censusHeader {
		row[i] = m[h]
	}
	return row
}

// groupJSON renders one group object with n employees in group JSON.
func groupJSON(extID string, n int) []byte {
	var subs []string
	for e := 1; e <= n; e++ {
		subs = append(subs, fmt.Sprintf(`{"external_identifier": "%[1]s-E%[2]d", "location_external_identifier": "L1",
  "first_name": %[3]q, "last_name": "Json", "birth_date": "1985-01-01", "gender": "male",
  "residential_address": {"address_line_1": "1 Main St", "city": "Atlanta", "state": "GA", "zip": "30309"},
  "employment_details": {"start_date": "2020-01-06", "status": "full_time", "annual_earnings": 5000000, "hours_per_week": 40},
  "enrollments": [{"product_line": "medical", "plan_id": "BC-PPO-500", "coverage_level": "employee_only", "start_date": "2027-02-01"}]}`,
			extID, e, letters(e+1000)))
	}
	return []byte(fmt.Sprintf(`{"group": {"external_identifier": %q,
 "employer": {"organization_name": "Json %s Inc", "fein": "581234567", "established_date": "2008-01-15", "employer_type": "private_sector"},
 "primary_location": {"external_identifier": "L1", "type": "physical",
   "employer_address": {"address_line_1": "1180 W Peachtree St NW", "city": "Atlanta", "state": "GA", "zip": "30309", "fips_county_code": "13121"}},
 "subscribers": [%s]}}`, extID, letters(len(extID)), strings.Join(subs, ",\n")))
}
